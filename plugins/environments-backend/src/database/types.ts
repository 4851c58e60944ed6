import {
  Promotion,
  PromotionEvent,
  PromotionState,
} from '@stagecraft/plugin-environments-common';

/**
 * A promotion to record: everything but what the store assigns.
 *
 * @public
 */
export type NewPromotion = Omit<
  Promotion,
  'id' | 'createdAt' | 'updatedAt' | 'events'
>;

/**
 * Where promotions are kept, shared by every replica of the backend.
 *
 * At most one open promotion (state not final) per entity × target environment: the database
 * enforces it with a unique index, not a lock in memory.
 *
 * @public
 */
export interface PromotionStore {
  /**
   * Records a new promotion in its first state, with a first event. With an idempotency key that
   * the same user used before, returns that promotion instead (`created: false`). Throws
   * `ConflictError` naming the open promotion when the entity already has one for the target.
   */
  create(
    promotion: NewPromotion,
    options?: { idempotencyKey?: string },
  ): Promise<{ promotion: Promotion; created: boolean }>;

  get(id: string): Promise<Promotion | undefined>;

  /** The promotion a user created with an idempotency key, if any. */
  findByIdempotencyKey(
    requestedBy: string,
    idempotencyKey: string,
  ): Promise<Promotion | undefined>;

  /**
   * Moves a promotion to `to` (which may equal its state, to only patch fields), appending an
   * event, if its state is one of `from`; otherwise changes nothing and returns undefined, so two
   * replicas never both make the same move. Moving into a final state frees the entity × target
   * slot; moving out of one takes it again, or throws `ConflictError` when another holds it.
   */
  transition(
    id: string,
    change: {
      from: PromotionState[];
      to: PromotionState;
      message?: string;
      patch?: Partial<Omit<NewPromotion, 'entityRef' | 'to' | 'state'>>;
    },
  ): Promise<Promotion | undefined>;

  /** Promotions not in a final state, oldest first. */
  listOpen(): Promise<Promotion[]>;

  /** An entity's promotions, newest first; only those into `environment` when given. */
  list(query: {
    entityRef: string;
    environment?: string;
    limit?: number;
  }): Promise<Promotion[]>;
}

export type { PromotionEvent };
