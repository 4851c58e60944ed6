import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import { EnvironmentMatrix } from '@stagecraft/plugin-environments-common';

/**
 * Answers "what runs where" for one catalog entity.
 *
 * @public
 */
export interface MatrixService {
  /**
   * The entity's environment matrix. Throws `NotFoundError` for an unknown entity or one with no
   * environments annotation, `NotAllowedError` when the caller may not read it, and `InputError`
   * when the entity's annotations are malformed. A repository that cannot be read, or a file
   * that cannot be understood, is a problem in the matrix, not an error.
   */
  getEnvironmentMatrix(
    entityRef: CompoundEntityRef,
    options: { credentials: BackstageCredentials },
  ): Promise<EnvironmentMatrix>;
}
