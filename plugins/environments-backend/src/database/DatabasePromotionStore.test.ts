import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { ConflictError } from '@backstage/errors';
import { Promotion } from '@stagecraft/plugin-environments-common';
import { Knex } from 'knex';
import { DatabasePromotionStore } from './DatabasePromotionStore';
import { NewPromotion } from './types';

jest.setTimeout(60_000);

// SQLite, and PostgreSQL at BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING (defaulted to the
// local server in setupTests.ts).
const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function newPromotion(overrides: Partial<NewPromotion> = {}): NewPromotion {
  return {
    entityRef: 'component:default/catalogue',
    from: 'dev',
    to: 'staging',
    state: 'pending-review',
    method: 'pull-request',
    version: {
      images: [
        {
          application: 'catalogue',
          container: 'app',
          image: 'ghcr.io/acme/catalogue',
          tag: '1.2.3',
          digest: null,
        },
      ],
    },
    changes: [],
    files: [],
    gates: [],
    requestedBy: 'user:default/alice',
    target: {
      repository: 'gitops',
      branch: 'main',
      baseCommit: 'a'.repeat(40),
    },
    ...overrides,
  };
}

function at(seconds: number): string {
  return new Date(Date.UTC(2026, 0, 1, 0, 0, seconds)).toISOString();
}

/** Waits until `count` sessions of this PostgreSQL database wait for a lock. */
async function waitForLockWaiters(knex: Knex, count: number): Promise<void> {
  for (let tries = 0; tries < 500; tries++) {
    const { rows } = await knex.raw(
      `SELECT count(*)::int AS n FROM pg_stat_activity
       WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    );
    if (rows[0].n >= count) {
      return;
    }
    await new Promise(resolve => setTimeout(resolve, 10));
  }
  throw new Error(`Fewer than ${count} sessions ever waited for a lock`);
}

describe('TestDatabases', () => {
  it('runs the store tests on SQLite and PostgreSQL', () => {
    expect(databases.eachSupportedId()).toEqual([
      ['SQLITE_3'],
      ['POSTGRES_15'],
    ]);
  });
});

describe.each(databases.eachSupportedId())(
  'DatabasePromotionStore on %s',
  databaseId => {
    /** A store on a fresh database, whose clock moves one second per reading from `at(1)`. */
    async function createStore(id: TestDatabaseId = databaseId) {
      const knex = await databases.init(id);
      let seconds = 0;
      const store = await DatabasePromotionStore.create({
        database: { getClient: async () => knex },
        now: () => new Date(at(++seconds)),
      });
      return { knex, store };
    }

    async function expectConflict(
      promise: Promise<unknown>,
      message: string,
    ): Promise<void> {
      const error = await promise.then(
        () => undefined,
        e => e,
      );
      expect(error).toBeInstanceOf(ConflictError);
      expect(error.message).toBe(message);
    }

    it('runs its migrations, unless told to skip them', async () => {
      const knex = await databases.init(databaseId);
      await DatabasePromotionStore.create({
        database: { getClient: async () => knex, migrations: { skip: true } },
      });
      await expect(
        knex.schema.hasTable('environments_promotions'),
      ).resolves.toBe(false);

      await DatabasePromotionStore.create({
        database: { getClient: async () => knex },
      });
      await expect(
        knex.schema.hasTable('environments_promotions'),
      ).resolves.toBe(true);
    });

    it('creates a promotion and reads it back with every field', async () => {
      const { store } = await createStore();
      const full = newPromotion({
        reason: 'none yet',
        changes: [
          {
            application: 'catalogue',
            container: 'app',
            workload: 'Deployment/catalogue',
            from: {
              image: 'ghcr.io/acme/catalogue',
              tag: '1.2.2',
              digest: null,
            },
            to: {
              image: 'ghcr.io/acme/catalogue',
              tag: '1.2.3',
              digest: 'sha256:abc',
            },
            provenance: {
              file: 'staging/values.yaml',
              path: 'image.tag',
              line: 3,
            },
          },
        ],
        files: [{ path: 'staging/values.yaml', diff: '-1.2.2\n+1.2.3\n' }],
        gates: [{ gate: 'source-healthy', passed: true, reason: 'Healthy' }],
        note: 'ship it — ünïcödé',
        changeBranch: 'promote/catalogue-staging',
        commit: { sha: 'b'.repeat(40), url: 'https://example.com/commit' },
        pullRequest: {
          number: 42,
          url: 'https://example.com/pr/42',
          requiredApprovals: 2,
        },
        mergeable: false,
        mergedAt: at(100),
        completedAt: at(200),
        leadTimeSeconds: 100,
      });

      const { promotion, created } = await store.create(full);

      expect(created).toBe(true);
      expect(promotion).toEqual({
        ...full,
        id: expect.stringMatching(UUID),
        createdAt: at(1),
        updatedAt: at(1),
        events: [{ state: 'pending-review', at: at(1) }],
      });
      await expect(store.get(promotion.id)).resolves.toStrictEqual(promotion);
    });

    it('gives every promotion its own id, and nothing for unknown ones', async () => {
      const { store } = await createStore();
      const a = await store.create(newPromotion({ to: 'staging' }));
      const b = await store.create(newPromotion({ to: 'production' }));

      expect(a.promotion.id).not.toBe(b.promotion.id);
      await expect(
        store.get('00000000-0000-4000-8000-000000000000'),
      ).resolves.toBe(undefined);
      await expect(store.get('not-a-uuid')).resolves.toBe(undefined);
      await expect(
        store.transition('not-a-uuid', {
          from: ['pending-review'],
          to: 'merged',
        }),
      ).resolves.toBe(undefined);
    });

    it('returns the promotion an idempotency key made, for the same user only', async () => {
      const { knex, store } = await createStore();
      const first = await store.create(newPromotion(), {
        idempotencyKey: 'k1',
      });
      const again = await store.create(newPromotion({ note: 'retried' }), {
        idempotencyKey: 'k1',
      });

      expect(first.created).toBe(true);
      expect(again).toEqual({ promotion: first.promotion, created: false });

      // Another user may use the same key (for another entity: the slot is taken).
      const bob = await store.create(
        newPromotion({
          entityRef: 'component:default/orders',
          requestedBy: 'user:default/bob',
        }),
        { idempotencyKey: 'k1' },
      );
      expect(bob.created).toBe(true);
      expect(bob.promotion.id).not.toBe(first.promotion.id);

      // The key still answers once the promotion is final.
      await store.transition(first.promotion.id, {
        from: ['pending-review'],
        to: 'failed',
      });
      const later = await store.create(newPromotion(), {
        idempotencyKey: 'k1',
      });
      expect(later.created).toBe(false);
      expect(later.promotion.id).toBe(first.promotion.id);
      expect(later.promotion.state).toBe('failed');

      const rows = await knex('environments_promotions').count({ n: '*' });
      expect(Number(rows[0].n)).toBe(2);

      await expect(
        store.findByIdempotencyKey('user:default/alice', 'k1'),
      ).resolves.toEqual(later.promotion);
      await expect(
        store.findByIdempotencyKey('user:default/bob', 'k1'),
      ).resolves.toEqual(bob.promotion);
      await expect(
        store.findByIdempotencyKey('user:default/carol', 'k1'),
      ).resolves.toBe(undefined);
      await expect(
        store.findByIdempotencyKey('user:default/alice', 'k2'),
      ).resolves.toBe(undefined);
    });

    it('returns one promotion to concurrent requests with the same idempotency key', async () => {
      const { knex, store } = await createStore();
      const results = await Promise.all(
        Array.from({ length: 10 }, () =>
          store.create(newPromotion(), { idempotencyKey: 'same' }),
        ),
      );

      expect(results.filter(r => r.created)).toHaveLength(1);
      expect(new Set(results.map(r => r.promotion.id)).size).toBe(1);
      const rows = await knex('environments_promotions').count({ n: '*' });
      expect(Number(rows[0].n)).toBe(1);
    });

    it('refuses a second open promotion for the same entity and target', async () => {
      const { store } = await createStore();
      const { promotion: first } = await store.create(newPromotion());

      await expectConflict(
        store.create(newPromotion({ requestedBy: 'user:default/bob' })),
        `component:default/catalogue already has promotion ${first.id} to staging (pending-review)`,
      );
      await expectConflict(
        store.create(newPromotion({ state: 'planned' }), {
          idempotencyKey: 'fresh',
        }),
        `component:default/catalogue already has promotion ${first.id} to staging (pending-review)`,
      );

      // Another target, or another entity, is free.
      await expect(
        store.create(newPromotion({ to: 'production' })),
      ).resolves.toMatchObject({ created: true });
      await expect(
        store.create(newPromotion({ entityRef: 'component:default/orders' })),
      ).resolves.toMatchObject({ created: true });
    });

    it('frees the slot once the open promotion is final', async () => {
      const { store } = await createStore();
      const { promotion: first } = await store.create(newPromotion());
      await store.transition(first.id, {
        from: ['pending-review'],
        to: 'failed',
        message: 'checks failed',
        patch: { reason: 'checks failed' },
      });

      const second = await store.create(newPromotion());

      expect(second.created).toBe(true);
      expect(second.promotion.id).not.toBe(first.id);
      expect((await store.listOpen()).map(p => p.id)).toEqual([
        second.promotion.id,
      ]);
    });

    it('moves a promotion only from the expected states', async () => {
      const { store } = await createStore();
      const { promotion } = await store.create(newPromotion()); // at(1)

      await expect(
        store.transition(promotion.id, { from: ['planned'], to: 'merged' }),
      ).resolves.toBe(undefined);
      await expect(store.get(promotion.id)).resolves.toEqual(promotion);

      const merged = await store.transition(promotion.id, {
        from: ['planned', 'pending-review'],
        to: 'merged',
        message: 'merged by bob',
        patch: { mergedAt: at(50), commit: { sha: 'c'.repeat(40) } },
      });

      const expected: Promotion = {
        ...promotion,
        state: 'merged',
        mergedAt: at(50),
        commit: { sha: 'c'.repeat(40) },
        updatedAt: at(2),
        events: [
          { state: 'pending-review', at: at(1) },
          { state: 'merged', at: at(2), message: 'merged by bob' },
        ],
      };
      expect(merged).toEqual(expected);
      await expect(store.get(promotion.id)).resolves.toEqual(expected);

      // The same state patches fields and records the step.
      const patched = await store.transition(promotion.id, {
        from: ['merged'],
        to: 'merged',
        patch: { leadTimeSeconds: 12 },
      });
      expect(patched?.leadTimeSeconds).toBe(12);
      expect(patched?.mergedAt).toBe(at(50));
      expect(patched?.events).toEqual([
        ...expected.events,
        { state: 'merged', at: at(3) },
      ]);
      await expect(store.get(promotion.id)).resolves.toEqual(patched);
    });

    it('lets only one of two concurrent transitions through', async () => {
      const { knex, store } = await createStore();
      const { promotion } = await store.create(newPromotion());

      // On PostgreSQL, hold the row until both transitions wait for it, so that they truly
      // overlap. SQLite runs one transaction at a time.
      const blocker = databaseId.startsWith('POSTGRES')
        ? await knex.transaction()
        : undefined;
      await blocker?.('environments_promotions')
        .where({ id: promotion.id })
        .forUpdate()
        .first();

      const transitions = Promise.all([
        store.transition(promotion.id, {
          from: ['pending-review'],
          to: 'merged',
          message: 'first',
        }),
        store.transition(promotion.id, {
          from: ['pending-review'],
          to: 'closed',
          message: 'second',
        }),
      ]);
      if (blocker) {
        await waitForLockWaiters(knex, 2);
        await blocker.commit();
      }
      const results = await transitions;

      const moved = results.filter(r => r !== undefined);
      expect(moved).toHaveLength(1);
      const stored = await store.get(promotion.id);
      expect(stored).toEqual(moved[0]);
      expect(stored?.events).toHaveLength(2);
    });

    it('refuses to reopen a final promotion while another holds the slot', async () => {
      const { store } = await createStore();
      const { promotion: old } = await store.create(newPromotion());
      const failed = await store.transition(old.id, {
        from: ['pending-review'],
        to: 'failed',
      });
      const { promotion: holder } = await store.create(newPromotion());

      await expectConflict(
        store.transition(old.id, { from: ['failed'], to: 'pending-review' }),
        `component:default/catalogue already has promotion ${holder.id} to staging (pending-review)`,
      );
      await expect(store.get(old.id)).resolves.toEqual(failed);

      // Once the slot is free again, it may reopen.
      await store.transition(holder.id, {
        from: ['pending-review'],
        to: 'cancelled',
      });
      const reopened = await store.transition(old.id, {
        from: ['failed'],
        to: 'pending-review',
      });
      expect(reopened?.state).toBe('pending-review');
      expect((await store.listOpen()).map(p => p.id)).toEqual([old.id]);
    });

    it('lists open promotions oldest first', async () => {
      const { store } = await createStore();
      const a = await store.create(
        newPromotion({ entityRef: 'component:default/a' }),
      );
      const b = await store.create(
        newPromotion({ entityRef: 'component:default/b' }),
      );
      const c = await store.create(
        newPromotion({ entityRef: 'component:default/c', state: 'syncing' }),
      );
      await store.create(
        newPromotion({ entityRef: 'component:default/d', state: 'completed' }),
      );
      await store.transition(b.promotion.id, {
        from: ['pending-review'],
        to: 'superseded',
      });
      // Touching `a` later does not move it.
      await store.transition(a.promotion.id, {
        from: ['pending-review'],
        to: 'merged',
      });

      expect((await store.listOpen()).map(p => [p.entityRef, p.state])).toEqual(
        [
          ['component:default/a', 'merged'],
          ['component:default/c', 'syncing'],
        ],
      );
      expect((await store.listOpen())[1]).toEqual(c.promotion);
    });

    it("lists an entity's promotions newest first, by environment and up to a limit", async () => {
      const { store } = await createStore();
      const ids: Record<string, string> = {};
      for (const [name, to, entityRef] of [
        ['s1', 'staging', 'component:default/catalogue'],
        ['p1', 'production', 'component:default/catalogue'],
        ['o1', 'staging', 'component:default/orders'],
        ['s2', 'staging', 'component:default/catalogue'],
        ['p2', 'production', 'component:default/catalogue'],
      ]) {
        const { promotion } = await store.create(
          newPromotion({ entityRef, to, state: 'completed' }),
        );
        ids[promotion.id] = name;
      }
      const names = (promotions: Promotion[]) => promotions.map(p => ids[p.id]);

      expect(
        names(await store.list({ entityRef: 'component:default/catalogue' })),
      ).toEqual(['p2', 's2', 'p1', 's1']);
      expect(
        names(
          await store.list({
            entityRef: 'component:default/catalogue',
            environment: 'staging',
          }),
        ),
      ).toEqual(['s2', 's1']);
      expect(
        names(
          await store.list({
            entityRef: 'component:default/catalogue',
            limit: 3,
          }),
        ),
      ).toEqual(['p2', 's2', 'p1']);
      await expect(
        store.list({ entityRef: 'component:default/unknown' }),
      ).resolves.toEqual([]);
    });

    it('lists at most 50 promotions by default', async () => {
      const { store } = await createStore();
      for (let i = 0; i < 52; i++) {
        await store.create(newPromotion({ state: 'failed' }));
      }

      const listed = await store.list({
        entityRef: 'component:default/catalogue',
      });
      expect(listed).toHaveLength(50);
      expect(listed[0].createdAt).toBe(at(52));
      expect(listed[49].createdAt).toBe(at(3));
    });

    it('has the database reject a second open row for the same slot', async () => {
      const { knex } = await createStore();
      const row = (id: string, openSlot: string | null) => ({
        id,
        entity_ref: 'component:default/catalogue',
        target_environment: 'staging',
        source_environment: 'dev',
        state: openSlot ? 'pending-review' : 'failed',
        requested_by: 'user:default/alice',
        idempotency_key: null,
        open_slot: openSlot,
        created_at: new Date(at(1)),
        updated_at: new Date(at(1)),
        data: '{}',
      });
      const slot = 'component:default/catalogue staging';

      // Final rows (NULL slot) never collide.
      await knex('environments_promotions').insert(
        row('00000000-0000-4000-8000-000000000001', null),
      );
      await knex('environments_promotions').insert(
        row('00000000-0000-4000-8000-000000000002', null),
      );
      await knex('environments_promotions').insert(
        row('00000000-0000-4000-8000-000000000003', slot),
      );
      const outcome = await knex('environments_promotions')
        .insert(row('00000000-0000-4000-8000-000000000004', slot))
        .then(
          async () =>
            // What the database held, should it ever take the row.
            `inserted; rows: ${JSON.stringify(
              await knex('environments_promotions').select('id', 'open_slot'),
            )}; indexes: ${JSON.stringify(
              databaseId === 'SQLITE_3'
                ? await knex.raw("PRAGMA index_list('environments_promotions')")
                : [],
            )}`,
          (error: Error) => error.message,
        );
      expect(outcome).toMatch(
        /UNIQUE constraint failed|environments_promotions_open_slot_uniq/,
      );
    });

    it('lets exactly one of 20 concurrent requests for the same slot through', async () => {
      const { knex, store } = await createStore();
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) =>
          store.create(newPromotion({ requestedBy: `user:default/u${i}` })),
        ),
      );

      const created = results.flatMap(r =>
        r.status === 'fulfilled' ? [r.value] : [],
      );
      const refused = results.flatMap(r =>
        r.status === 'rejected' ? [r.reason] : [],
      );
      expect(created).toHaveLength(1);
      expect(created[0].created).toBe(true);
      expect(refused).toHaveLength(19);
      for (const error of refused) {
        expect(error).toBeInstanceOf(ConflictError);
        expect(error.message).toContain(created[0].promotion.id);
      }
      const rows = await knex('environments_promotions').count({ n: '*' });
      expect(Number(rows[0].n)).toBe(1);
    });
  },
);
