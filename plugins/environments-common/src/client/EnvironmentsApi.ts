import { CompoundEntityRef } from '@backstage/catalog-model';
import { EnvironmentMatrix, EnvironmentPortfolio } from '../matrix';

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

  /** A page of the portfolio: the matrices of an owner's or a system's entities. */
  getPortfolio(
    query: PortfolioRequest,
    options?: EnvironmentsRequestOptions,
  ): Promise<EnvironmentPortfolio>;
}

/**
 * Which entities a portfolio page holds.
 *
 * @public
 */
export type PortfolioRequest = {
  /** An owner's entity ref, e.g. `group:default/team-a`. */
  owner?: string;
  /** A system's entity ref. */
  system?: string;
  /** Default `Component`. */
  kind?: string;
  /** From the previous page's `nextCursor`. */
  cursor?: string;
  /** 1 to 100; default 20. */
  limit?: number;
};
