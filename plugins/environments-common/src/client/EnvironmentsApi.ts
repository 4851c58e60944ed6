import { CompoundEntityRef } from '@backstage/catalog-model';
import { EnvironmentMatrix } from '../matrix';

/**
 * Options for every request: a Backstage token for service-to-service calls. Frontend callers
 * leave it out; their `fetchApi` adds the user's token.
 *
 * @public
 */
export type EnvironmentsRequestOptions = {
  token?: string;
};

/**
 * The environments plugin's HTTP API.
 *
 * @public
 */
export interface EnvironmentsApi {
  /** An entity's environments. Throws a `ResponseError` (404 for an unknown entity). */
  getEnvironmentMatrix(
    entityRef: CompoundEntityRef,
    options?: EnvironmentsRequestOptions,
  ): Promise<EnvironmentMatrix>;
}
