import { randomUUID } from 'node:crypto';
import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { ConflictError, InputError } from '@backstage/errors';
import { UnprocessableError } from '../errors';
import {
  FINAL_PROMOTION_STATES,
  Promotion,
  PromotionEvent,
  PromotionState,
  isOpenPromotionState,
} from '@stagecraft/plugin-environments-common';
import { Knex } from 'knex';
import {
  Lease,
  LeaseOperation,
  NewPromotion,
  PromotionStore,
  StoredPromotion,
} from './types';

const migrationsDir = resolvePackagePath(
  '@stagecraft/plugin-environments-backend',
  'migrations',
);

const TABLE = 'environments_promotions';

/** The unique indexes, by the name PostgreSQL (and MySQL) report and the columns SQLite reports. */
const UNIQUE_INDEXES = {
  openSlot: {
    name: 'environments_promotions_open_slot_uniq',
    sqliteColumns: `${TABLE}.open_slot`,
  },
  idempotency: {
    name: 'environments_promotions_idempotency_uniq',
    sqliteColumns: `${TABLE}.requested_by, ${TABLE}.idempotency_key`,
  },
} as const;

type UniqueIndex = keyof typeof UNIQUE_INDEXES;

/** The widths of the string columns (see the migration). */
const MAX_LENGTH = { string: 255, openSlot: 768 };

const DEFAULT_LIST_LIMIT = 50;

/** How often `create` retries when the promotion holding the slot became final meanwhile. */
const CREATE_ATTEMPTS = 3;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type PromotionRow = {
  id: string;
  entity_ref: string;
  target_environment: string;
  source_environment: string;
  state: PromotionState;
  requested_by: string;
  idempotency_key: string | null;
  open_slot: string | null;
  created_at: Date | string | number;
  updated_at: Date | string | number;
  data: string;
  lease_operation: LeaseOperation | null;
  lease_holder: string | null;
  lease_until: Date | string | number | null;
  request_fingerprint: string | null;
};

/** The part of a promotion kept as JSON in `data`: everything without a column of its own. */
type PromotionData = Omit<
  Promotion,
  | 'id'
  | 'entityRef'
  | 'from'
  | 'to'
  | 'state'
  | 'requestedBy'
  | 'createdAt'
  | 'updatedAt'
>;

/**
 * The value of `open_slot` for an entity × target environment. JSON rather than a NUL separator,
 * which PostgreSQL does not store in text; unambiguous whatever the names hold.
 */
function openSlot(entityRef: string, target: string): string {
  return JSON.stringify([entityRef, target]);
}

function toIsoString(value: Date | string | number): string {
  // PostgreSQL returns Dates; better-sqlite3 stores Dates as milliseconds since the epoch.
  return new Date(value).toISOString();
}

function toPromotion(row: PromotionRow): Promotion {
  const data = JSON.parse(row.data) as PromotionData;
  return {
    ...data,
    id: row.id,
    entityRef: row.entity_ref,
    from: row.source_environment,
    to: row.target_environment,
    state: row.state,
    requestedBy: row.requested_by,
    createdAt: toIsoString(row.created_at),
    updatedAt: toIsoString(row.updated_at),
  };
}

function toLease(row: PromotionRow): Lease | undefined {
  if (!row.lease_operation || !row.lease_holder || row.lease_until === null) {
    return undefined;
  }
  return {
    operation: row.lease_operation,
    holder: row.lease_holder,
    until: toIsoString(row.lease_until),
  };
}

function toStored(row: PromotionRow): StoredPromotion {
  const lease = toLease(row);
  return { promotion: toPromotion(row), ...(lease && { lease }) };
}

/** The columns that change with the promotion (all but id, entity, target, key, created_at). */
function toMutableColumns(promotion: Promotion) {
  const {
    id: _id,
    entityRef,
    from,
    to,
    state,
    requestedBy,
    createdAt: _createdAt,
    updatedAt,
    ...data
  } = promotion;
  return {
    source_environment: from,
    state,
    requested_by: requestedBy,
    open_slot: isOpenPromotionState(state) ? openSlot(entityRef, to) : null,
    updated_at: new Date(updatedAt),
    data: JSON.stringify(data),
  };
}

/** Which of the table's unique indexes an error from SQLite, PostgreSQL or MySQL violated. */
function violatedUniqueIndex(
  error: unknown,
): UniqueIndex | 'other' | undefined {
  if (typeof error !== 'object' || error === null) {
    return undefined;
  }
  const { code, constraint, message } = error as {
    code?: unknown;
    constraint?: unknown;
    message?: unknown;
  };
  const text = typeof message === 'string' ? message : '';
  const isUnique =
    code === '23505' || // PostgreSQL unique_violation
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    code === 'ER_DUP_ENTRY' || // MySQL
    text.includes('UNIQUE constraint failed');
  if (!isUnique) {
    return undefined;
  }
  for (const [index, { name, sqliteColumns }] of Object.entries(
    UNIQUE_INDEXES,
  ) as Array<[UniqueIndex, (typeof UNIQUE_INDEXES)[UniqueIndex]]>) {
    if (
      constraint === name ||
      text.includes(name) ||
      text.includes(`UNIQUE constraint failed: ${sqliteColumns}`)
    ) {
      return index;
    }
  }
  return 'other';
}

function checkLength(field: string, value: string, max: number) {
  if (value.length > max) {
    throw new InputError(
      `Promotion ${field} is too long: ${value.length} characters, at most ${max}`,
    );
  }
}

/**
 * A {@link PromotionStore} in the plugin's database (PostgreSQL in production, SQLite in
 * development), so every replica sees the same promotions.
 *
 * @public
 */
export class DatabasePromotionStore implements PromotionStore {
  static async create(options: {
    database: DatabaseService;
    /** The clock, for tests. */
    now?: () => Date;
  }): Promise<DatabasePromotionStore> {
    const { database } = options;
    const client = await database.getClient();
    if (!database.migrations?.skip) {
      await client.migrate.latest({ directory: migrationsDir });
    }
    return new DatabasePromotionStore(
      client,
      options.now ?? (() => new Date()),
    );
  }

  private constructor(
    private readonly db: Knex,
    private readonly now: () => Date,
  ) {}

  async create(
    newPromotion: NewPromotion,
    options?: {
      idempotencyKey?: string;
      fingerprint?: string;
      lease?: { operation: LeaseOperation; ttlMs: number };
    },
  ): Promise<{ promotion: Promotion; created: boolean; lease?: Lease }> {
    const idempotencyKey = options?.idempotencyKey;
    const fingerprint = options?.fingerprint ?? null;
    const { entityRef, to, from, requestedBy } = newPromotion;
    checkLength('entityRef', entityRef, MAX_LENGTH.string);
    checkLength('target environment', to, MAX_LENGTH.string);
    checkLength('source environment', from, MAX_LENGTH.string);
    checkLength('requestedBy', requestedBy, MAX_LENGTH.string);
    checkLength('open slot', openSlot(entityRef, to), MAX_LENGTH.openSlot);
    if (idempotencyKey !== undefined) {
      checkLength('idempotency key', idempotencyKey, MAX_LENGTH.string);
      const existing = await this.findByIdempotencyKey(
        requestedBy,
        idempotencyKey,
        fingerprint ?? undefined,
      );
      if (existing) {
        return { promotion: existing, created: false };
      }
    }

    for (let attempt = 1; ; attempt++) {
      const at = this.now().toISOString();
      const promotion: Promotion = {
        ...newPromotion,
        id: randomUUID(),
        createdAt: at,
        updatedAt: at,
        events: [{ state: newPromotion.state, at }],
      };
      const lease: Lease | undefined = options?.lease && {
        operation: options.lease.operation,
        holder: randomUUID(),
        until: new Date(Date.parse(at) + options.lease.ttlMs).toISOString(),
      };
      try {
        await this.db<PromotionRow>(TABLE).insert({
          id: promotion.id,
          entity_ref: entityRef,
          target_environment: to,
          idempotency_key: idempotencyKey ?? null,
          request_fingerprint: fingerprint,
          created_at: new Date(at),
          lease_operation: lease?.operation ?? null,
          lease_holder: lease?.holder ?? null,
          lease_until: lease ? new Date(lease.until) : null,
          ...toMutableColumns(promotion),
        });
        return { promotion, created: true, ...(lease && { lease }) };
      } catch (error) {
        const violated = violatedUniqueIndex(error);
        if (!violated || violated === 'other') {
          throw error;
        }
        // A retry of the same request may violate both indexes while its promotion is open, and
        // the database reports either: the idempotency key wins.
        if (idempotencyKey !== undefined) {
          const existing = await this.findByIdempotencyKey(
            requestedBy,
            idempotencyKey,
            fingerprint ?? undefined,
          );
          if (existing) {
            return { promotion: existing, created: false };
          }
        }
        if (violated === 'openSlot') {
          const holder = await this.findOpen(entityRef, to);
          if (holder) {
            throw this.conflict(holder);
          }
          // The holder became final since: try again.
          if (attempt < CREATE_ATTEMPTS) {
            continue;
          }
        }
        throw error;
      }
    }
  }

  async get(id: string): Promise<Promotion | undefined> {
    return (await this.getStored(id))?.promotion;
  }

  async getStored(id: string): Promise<StoredPromotion | undefined> {
    if (!UUID.test(id)) {
      return undefined;
    }
    const row = await this.db<PromotionRow>(TABLE).where({ id }).first();
    return row ? toStored(row) : undefined;
  }

  async findByIdempotencyKey(
    requestedBy: string,
    idempotencyKey: string,
    fingerprint?: string,
  ): Promise<Promotion | undefined> {
    const row = await this.db<PromotionRow>(TABLE)
      .where({ requested_by: requestedBy, idempotency_key: idempotencyKey })
      .first();
    if (!row) {
      return undefined;
    }
    if (
      fingerprint !== undefined &&
      row.request_fingerprint !== null &&
      row.request_fingerprint !== fingerprint
    ) {
      throw new UnprocessableError(
        `Idempotency-Key '${idempotencyKey}' was first used for another request (promotion ${row.id}); use a new key for a new request`,
      );
    }
    return toPromotion(row);
  }

  async claim(
    id: string,
    request: {
      from: PromotionState[];
      operation: LeaseOperation;
      ttlMs: number;
    },
  ): Promise<
    | { claimed: true; promotion: Promotion; lease: Lease }
    | { claimed: false; current?: StoredPromotion }
  > {
    if (!UUID.test(id)) {
      return { claimed: false };
    }
    const now = this.now();
    const lease: Lease = {
      operation: request.operation,
      holder: randomUUID(),
      until: new Date(now.getTime() + request.ttlMs).toISOString(),
    };
    // Compare and set in one statement: the state is one of `from` and nobody holds a live lease.
    const updated = await this.db<PromotionRow>(TABLE)
      .where({ id })
      .whereIn('state', request.from)
      .where(builder =>
        builder.whereNull('lease_until').orWhere('lease_until', '<', now),
      )
      .update({
        lease_operation: lease.operation,
        lease_holder: lease.holder,
        lease_until: new Date(lease.until),
      });
    const current = await this.getStored(id);
    if (updated !== 1 || current?.lease?.holder !== lease.holder) {
      return { claimed: false, ...(current && { current }) };
    }
    return { claimed: true, promotion: current.promotion, lease };
  }

  async adopt(promotion: Promotion): Promise<boolean> {
    if (!UUID.test(promotion.id)) {
      throw new InputError(`Not a promotion id: ${promotion.id}`);
    }
    if (await this.get(promotion.id)) {
      return false;
    }
    try {
      await this.db<PromotionRow>(TABLE).insert({
        id: promotion.id,
        entity_ref: promotion.entityRef,
        target_environment: promotion.to,
        idempotency_key: null,
        request_fingerprint: null,
        created_at: new Date(promotion.createdAt),
        lease_operation: null,
        lease_holder: null,
        lease_until: null,
        ...toMutableColumns(promotion),
      });
      return true;
    } catch (error) {
      const violated = violatedUniqueIndex(error);
      if (violated === 'openSlot') {
        const holder = await this.findOpen(promotion.entityRef, promotion.to);
        if (holder) {
          throw this.conflict(holder);
        }
      }
      if (violated && (await this.get(promotion.id))) {
        return false;
      }
      throw error;
    }
  }

  async release(id: string, holder: string): Promise<boolean> {
    if (!UUID.test(id)) {
      return false;
    }
    const updated = await this.db<PromotionRow>(TABLE)
      .where({ id, lease_holder: holder })
      .update({ lease_operation: null, lease_holder: null, lease_until: null });
    return updated === 1;
  }

  async transition(
    id: string,
    change: {
      from: PromotionState[];
      to: PromotionState;
      message?: string;
      patch?: Partial<Omit<NewPromotion, 'entityRef' | 'to' | 'state'>>;
      holder?: string;
    },
  ): Promise<Promotion | undefined> {
    if (!UUID.test(id)) {
      return undefined;
    }
    // What the transaction tried to write, to name the holder when the slot is taken.
    const attempted: { next?: Promotion } = {};
    try {
      return await this.db.transaction(async trx => {
        const row = await trx<PromotionRow>(TABLE)
          .where({ id })
          .forUpdate()
          .first();
        if (!row) {
          return undefined;
        }
        const current = toPromotion(row);
        if (!change.from.includes(current.state)) {
          return undefined;
        }
        // A live lease belongs to the operation writing to Git: only its holder moves the
        // promotion (and frees the lease by moving it); everyone else waits for it or its expiry.
        const lease = toLease(row);
        if (change.holder !== undefined && lease?.holder !== change.holder) {
          return undefined;
        }
        const now = this.now();
        if (
          change.holder === undefined &&
          lease &&
          Date.parse(lease.until) > now.getTime()
        ) {
          return undefined;
        }
        const at = now.toISOString();
        const event: PromotionEvent = { state: change.to, at };
        if (change.message !== undefined) {
          event.message = change.message;
        }
        const next: Promotion = {
          ...current,
          ...change.patch,
          id: current.id,
          entityRef: current.entityRef,
          to: current.to,
          createdAt: current.createdAt,
          state: change.to,
          updatedAt: at,
          events: [...current.events, event],
        };
        attempted.next = next;
        // Compare and set: the row lock already serialises PostgreSQL, the condition keeps the
        // move single on any database.
        const updated = await trx<PromotionRow>(TABLE)
          .where({
            id,
            state: current.state,
            lease_holder: row.lease_holder,
          })
          .update({
            ...toMutableColumns(next),
            ...(change.holder !== undefined && {
              lease_operation: null,
              lease_holder: null,
              lease_until: null,
            }),
          });
        return updated === 1 ? next : undefined;
      });
    } catch (error) {
      const next = attempted.next;
      if (next && violatedUniqueIndex(error) === 'openSlot') {
        const holder = await this.findOpen(next.entityRef, next.to);
        if (holder) {
          throw this.conflict(holder);
        }
        throw new ConflictError(
          `${next.entityRef} already has an open promotion to ${next.to}`,
        );
      }
      throw error;
    }
  }

  async listOpen(): Promise<Promotion[]> {
    return (await this.listOpenStored()).map(stored => stored.promotion);
  }

  async listOpenStored(): Promise<StoredPromotion[]> {
    const rows = await this.db<PromotionRow>(TABLE)
      .whereNotIn('state', FINAL_PROMOTION_STATES)
      .orderBy([
        { column: 'created_at', order: 'asc' },
        { column: 'id', order: 'asc' },
      ]);
    return rows.map(toStored);
  }

  async findByIdPrefix(prefix: string): Promise<Promotion[]> {
    if (!/^[0-9a-f]{8}$/.test(prefix)) {
      return [];
    }
    const rows = await this.db<PromotionRow>(TABLE)
      .where('id', 'like', `${prefix}%`)
      .limit(10);
    return rows.map(toPromotion);
  }

  async list(query: {
    entityRef: string;
    environment?: string;
    limit?: number;
  }): Promise<Promotion[]> {
    const limit = query.limit ?? DEFAULT_LIST_LIMIT;
    if (!Number.isInteger(limit) || limit < 1) {
      throw new InputError(
        `Invalid limit ${limit}, expected a positive integer`,
      );
    }
    const builder = this.db<PromotionRow>(TABLE).where({
      entity_ref: query.entityRef,
    });
    if (query.environment !== undefined) {
      builder.where({ target_environment: query.environment });
    }
    const rows = await builder
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(limit);
    return rows.map(toPromotion);
  }

  private async findOpen(
    entityRef: string,
    target: string,
  ): Promise<Promotion | undefined> {
    const row = await this.db<PromotionRow>(TABLE)
      .where({ open_slot: openSlot(entityRef, target) })
      .first();
    return row ? toPromotion(row) : undefined;
  }

  private conflict(holder: Promotion): ConflictError {
    return new ConflictError(
      `${holder.entityRef} already has promotion ${holder.id} to ${holder.to} (${holder.state})`,
    );
  }
}
