import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import {
  Promotion,
  PromotionHistory,
  PromotionPlan,
  PromotionRequest,
} from '@stagecraft/plugin-environments-common';

/**
 * Plans, carries out and follows promotions, and answers an entity's history.
 *
 * @public
 */
export interface PromotionService {
  /**
   * The plan of a promotion, without writing anything. Throws `InputError` for unknown
   * environments or invalid versions, `NotFoundError`/`NotAllowedError` as the matrix does.
   */
  plan(
    entityRef: CompoundEntityRef,
    request: PromotionRequest,
    options: { credentials: BackstageCredentials },
  ): Promise<PromotionPlan>;

  /**
   * Plans against the newest commit and carries the plan out. `NotAllowedError` when the caller
   * may not promote; `ConflictError` when a gate fails, the `planId` no longer matches, or the
   * target has an open promotion. With an idempotency key the caller used before, returns that
   * promotion (`created: false`) and does nothing else.
   */
  create(
    entityRef: CompoundEntityRef,
    request: PromotionRequest,
    options: { credentials: BackstageCredentials; idempotencyKey?: string },
  ): Promise<{ promotion: Promotion; created: boolean }>;

  /** `NotFoundError` when it does not exist or the caller may not read its entity. */
  get(
    id: string,
    options: { credentials: BackstageCredentials },
  ): Promise<Promotion>;

  /** Closes its pull request and deletes its branch; `ConflictError` once it is merged or final. */
  cancel(
    id: string,
    options: { credentials: BackstageCredentials },
  ): Promise<Promotion>;

  /** Plans the same promotion again (at the newest commit) and carries it out as a new one. */
  retry(
    id: string,
    options: { credentials: BackstageCredentials; idempotencyKey?: string },
  ): Promise<{ promotion: Promotion; created: boolean }>;

  /** Merges its branch from the portal, where the repository allows it. */
  merge(
    id: string,
    options: { credentials: BackstageCredentials },
  ): Promise<Promotion>;

  /** Promotions made here and version changes found in Git, newest first. */
  history(
    entityRef: CompoundEntityRef,
    options: { credentials: BackstageCredentials; environment?: string },
  ): Promise<PromotionHistory>;

  /**
   * Checks open promotions whose Git operation may have been interrupted (a crash, a lost
   * answer, an expired lease) against Git, and moves their records to what Git says; then adopts
   * promotion branches without a record (from their commit's trailers) and names the rest
   * (unless `adoptBranches` is false: that reads every configured repository).
   */
  reconcile(options?: { adoptBranches?: boolean }): Promise<{
    reconciled: number;
    adopted: number;
    orphans: string[];
  }>;

  /** One round of following the open promotions: reconciliation, pull requests, then the target clusters. */
  track(): Promise<void>;
}
