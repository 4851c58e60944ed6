import { CompoundEntityRef } from '@backstage/catalog-model';
import { EnvironmentMatrix, EnvironmentPortfolio } from '../matrix';
import {
  NewEnvironmentChange,
  NewEnvironmentPlan,
  NewEnvironmentRequest,
} from '../newEnvironment';
import {
  Promotion,
  PromotionHistory,
  PromotionPlan,
  PromotionRequest,
} from '../promotions';

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

  /** A dry run: what promoting would change, its gates and its `planId`. Writes nothing. */
  planPromotion(
    entityRef: CompoundEntityRef,
    request: Omit<PromotionRequest, 'dryRun'>,
    options?: EnvironmentsRequestOptions,
  ): Promise<PromotionPlan>;

  /**
   * Carries out a promotion (pass the dry run's `planId` to execute exactly that plan). A
   * repeated `idempotencyKey` returns the first promotion instead of starting another.
   */
  createPromotion(
    entityRef: CompoundEntityRef,
    request: Omit<PromotionRequest, 'dryRun'>,
    options?: EnvironmentsRequestOptions & { idempotencyKey?: string },
  ): Promise<Promotion>;

  getPromotion(
    id: string,
    options?: EnvironmentsRequestOptions,
  ): Promise<Promotion>;

  /** Closes the promotion's pull request and deletes its branch. */
  cancelPromotion(
    id: string,
    options?: EnvironmentsRequestOptions,
  ): Promise<Promotion>;

  /** Plans the promotion again at the newest commit and carries it out as a new promotion. */
  retryPromotion(
    id: string,
    options?: EnvironmentsRequestOptions & { idempotencyKey?: string },
  ): Promise<Promotion>;

  /** Merges the promotion's branch, where the repository allows it (`mergeable`). */
  mergePromotion(
    id: string,
    options?: EnvironmentsRequestOptions,
  ): Promise<Promotion>;

  /**
   * Adds an environment by copying one: with `dryRun`, the files the change would hold;
   * otherwise the change, opened for review (a pull request, or a branch for plain git).
   */
  createEnvironment(
    request: NewEnvironmentRequest & { dryRun: true },
    options?: EnvironmentsRequestOptions,
  ): Promise<NewEnvironmentPlan>;
  createEnvironment(
    request: NewEnvironmentRequest,
    options?: EnvironmentsRequestOptions,
  ): Promise<NewEnvironmentChange | NewEnvironmentPlan>;

  /** Promotions made here and version changes found in Git, newest first. */
  getPromotionHistory(
    entityRef: CompoundEntityRef,
    query?: { environment?: string },
    options?: EnvironmentsRequestOptions,
  ): Promise<PromotionHistory>;
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
