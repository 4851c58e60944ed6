import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import { EntityEnvironments } from '@stagecraft/plugin-environments-common';

/**
 * Answers "what runs where" for one catalog entity.
 *
 * @public
 */
export interface EntityEnvironmentsService {
  /**
   * The entity's environments. Throws `NotFoundError` for an unknown entity or one with no
   * environments annotation, `NotAllowedError` when the caller may not read them, and
   * `InputError` when the entity's annotations are malformed.
   */
  getEntityEnvironments(
    entityRef: CompoundEntityRef,
    options: { credentials: BackstageCredentials },
  ): Promise<EntityEnvironments>;
}
