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
 * The Git operation that holds a promotion's lease.
 *
 * @public
 */
export type LeaseOperation = 'execute' | 'merge' | 'cancel' | 'reconcile';

/**
 * A promotion's lease: while it is live, only its holder moves the promotion on.
 *
 * @public
 */
export type Lease = {
  operation: LeaseOperation;
  /** A token per operation. */
  holder: string;
  /** ISO 8601: when the lease expires if its holder never frees it. */
  until: string;
};

/**
 * A promotion with its lease, if one is held.
 *
 * @public
 */
export type StoredPromotion = { promotion: Promotion; lease?: Lease };

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
    options?: {
      idempotencyKey?: string;
      /** What the key was sent with; the same key with another fingerprint is refused (422). */
      fingerprint?: string;
      /** Takes a lease for the operation that follows the record (write-ahead). */
      lease?: { operation: LeaseOperation; ttlMs: number };
    },
  ): Promise<{ promotion: Promotion; created: boolean; lease?: Lease }>;

  get(id: string): Promise<Promotion | undefined>;

  /** The promotion and its lease. */
  getStored(id: string): Promise<StoredPromotion | undefined>;

  /**
   * The promotion a user created with an idempotency key, if any. `UnprocessableError` when the
   * key was first sent with another request (fingerprint).
   */
  findByIdempotencyKey(
    requestedBy: string,
    idempotencyKey: string,
    fingerprint?: string,
  ): Promise<Promotion | undefined>;

  /**
   * Takes the lease of a promotion whose state is one of `from` and whose lease is free or
   * expired, in one compare-and-set: of any number of racing callers, one gets it. The others
   * learn the current state.
   */
  claim(
    id: string,
    request: {
      from: PromotionState[];
      operation: LeaseOperation;
      ttlMs: number;
    },
  ): Promise<
    | { claimed: true; promotion: Promotion; lease: Lease }
    | { claimed: false; current?: StoredPromotion }
  >;

  /**
   * Records a promotion found in Git whose record was lost, under its own id. Returns false when
   * a record with that id exists; `ConflictError` when the entity already has another open
   * promotion to the target.
   */
  adopt(promotion: Promotion): Promise<boolean>;

  /** Frees a lease without moving the promotion (the operation changed nothing). */
  release(id: string, holder: string): Promise<boolean>;

  /**
   * Moves a promotion to `to` (which may equal its state, to only patch fields), appending an
   * event, if its state is one of `from`; otherwise changes nothing and returns undefined, so two
   * replicas never both make the same move. Moving into a final state frees the entity × target
   * slot; moving out of one takes it again, or throws `ConflictError` when another holds it.
   * With `holder`, only the holder of the promotion's lease moves it, and the move frees the
   * lease; without, a promotion under a live lease does not move.
   */
  transition(
    id: string,
    change: {
      from: PromotionState[];
      to: PromotionState;
      message?: string;
      patch?: Partial<Omit<NewPromotion, 'entityRef' | 'to' | 'state'>>;
      holder?: string;
    },
  ): Promise<Promotion | undefined>;

  /** Promotions not in a final state, oldest first. */
  listOpen(): Promise<Promotion[]>;

  /** Promotions not in a final state with their leases, oldest first. */
  listOpenStored(): Promise<StoredPromotion[]>;

  /** The promotions whose id starts with an 8-hex-digit prefix (as branch names carry it). */
  findByIdPrefix(prefix: string): Promise<Promotion[]>;

  /** An entity's promotions, newest first; only those into `environment` when given. */
  list(query: {
    entityRef: string;
    environment?: string;
    limit?: number;
  }): Promise<Promotion[]>;
}

export type { PromotionEvent };
