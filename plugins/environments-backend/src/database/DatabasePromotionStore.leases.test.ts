import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { DatabasePromotionStore } from './DatabasePromotionStore';
import { NewPromotion } from './types';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

function newPromotion(overrides: Partial<NewPromotion> = {}): NewPromotion {
  return {
    entityRef: 'component:default/catalogue',
    from: 'dev',
    to: 'staging',
    state: 'pending-review',
    method: 'pull-request',
    version: { images: [] },
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

describe.each(databases.eachSupportedId())(
  'DatabasePromotionStore leases on %s',
  databaseId => {
    /** A store on a fresh database whose clock the test sets. */
    async function createStore(id: TestDatabaseId = databaseId) {
      const knex = await databases.init(id);
      const clock = { ms: Date.UTC(2026, 0, 1) };
      const store = await DatabasePromotionStore.create({
        database: { getClient: async () => knex },
        now: () => new Date(clock.ms),
      });
      return { knex, store, clock };
    }

    it('gives one lease to one of many racing claims, and tells the others the state', async () => {
      const { store } = await createStore();
      const { promotion } = await store.create(newPromotion());

      const claims = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          store.claim(promotion.id, {
            from: ['pending-review'],
            operation: i % 2 ? 'merge' : 'cancel',
            ttlMs: 60_000,
          }),
        ),
      );

      const won = claims.filter(c => c.claimed);
      expect(won).toHaveLength(1);
      for (const lost of claims.filter(c => !c.claimed)) {
        expect(lost).toEqual({
          claimed: false,
          current: {
            promotion: expect.objectContaining({ state: 'pending-review' }),
            lease: won[0].claimed ? won[0].lease : undefined,
          },
        });
      }
    });

    it('moves a leased promotion only by its holder, and frees the lease with the move', async () => {
      const { store } = await createStore();
      const { promotion } = await store.create(newPromotion());
      const claim = await store.claim(promotion.id, {
        from: ['pending-review'],
        operation: 'merge',
        ttlMs: 60_000,
      });
      if (!claim.claimed) throw new Error('not claimed');

      // The tracker (no holder) and another holder cannot move it.
      await expect(
        store.transition(promotion.id, {
          from: ['pending-review'],
          to: 'closed',
        }),
      ).resolves.toBeUndefined();
      await expect(
        store.transition(promotion.id, {
          from: ['pending-review'],
          to: 'cancelled',
          holder: 'someone-else',
        }),
      ).resolves.toBeUndefined();

      const merged = await store.transition(promotion.id, {
        from: ['pending-review'],
        to: 'merged',
        holder: claim.lease.holder,
      });
      expect(merged?.state).toBe('merged');
      expect((await store.getStored(promotion.id))?.lease).toBeUndefined();

      // The holder cannot move it twice.
      await expect(
        store.transition(promotion.id, {
          from: ['merged'],
          to: 'syncing',
          holder: claim.lease.holder,
        }),
      ).resolves.toBeUndefined();
    });

    it('lets an expired lease be taken over, and not a live one', async () => {
      const { store, clock } = await createStore();
      const { promotion, lease } = await store.create(
        newPromotion({ state: 'planned' }),
        { lease: { operation: 'execute', ttlMs: 10_000 } },
      );
      expect(lease?.operation).toBe('execute');

      const early = await store.claim(promotion.id, {
        from: ['planned'],
        operation: 'reconcile',
        ttlMs: 10_000,
      });
      expect(early.claimed).toBe(false);

      clock.ms += 10_001;
      const late = await store.claim(promotion.id, {
        from: ['planned'],
        operation: 'reconcile',
        ttlMs: 10_000,
      });
      expect(late.claimed).toBe(true);
      // The first holder lost it: its late move changes nothing.
      await expect(
        store.transition(promotion.id, {
          from: ['planned'],
          to: 'pending-review',
          holder: lease!.holder,
        }),
      ).resolves.toBeUndefined();
      expect((await store.get(promotion.id))?.state).toBe('planned');
    });

    it('releases a lease without moving the promotion', async () => {
      const { store } = await createStore();
      const { promotion } = await store.create(newPromotion());
      const claim = await store.claim(promotion.id, {
        from: ['pending-review'],
        operation: 'merge',
        ttlMs: 60_000,
      });
      if (!claim.claimed) throw new Error('not claimed');
      await expect(store.release(promotion.id, 'not-the-holder')).resolves.toBe(
        false,
      );
      await expect(
        store.release(promotion.id, claim.lease.holder),
      ).resolves.toBe(true);
      const again = await store.claim(promotion.id, {
        from: ['pending-review'],
        operation: 'cancel',
        ttlMs: 60_000,
      });
      expect(again.claimed).toBe(true);
    });

    it('replays an idempotency key only for the request it was first sent with', async () => {
      const { store } = await createStore();
      const first = await store.create(newPromotion(), {
        idempotencyKey: 'k1',
        fingerprint: 'f'.repeat(64),
      });
      const replay = await store.create(newPromotion(), {
        idempotencyKey: 'k1',
        fingerprint: 'f'.repeat(64),
      });
      expect(replay).toEqual({ promotion: first.promotion, created: false });

      const error = await store
        .create(newPromotion({ to: 'prod' }), {
          idempotencyKey: 'k1',
          fingerprint: 'e'.repeat(64),
        })
        .catch(e => e);
      expect(error.name).toBe('UnprocessableError');
      expect(error.statusCode).toBe(422);
      expect(error.message).toContain(first.promotion.id);
      // Another user's key is another key.
      const bob = await store.create(
        newPromotion({ to: 'prod', requestedBy: 'user:default/bob' }),
        { idempotencyKey: 'k1', fingerprint: 'e'.repeat(64) },
      );
      expect(bob.created).toBe(true);
    });
  },
);
