import {
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import knexFactory, { Knex } from 'knex';
import { setupServer } from 'msw/node';
import request from 'supertest';
import { environmentsPlugin } from './plugin';
import { createDemoGitRepository } from './__testUtils__/demoGitRepository';
import { fakeKubernetesApi } from './clusters/__testUtils__/fakeKubernetesApi';
import { rolledOutDeployment } from './clusters/__testUtils__/rolledOutDeployment';

// Two replicas of the backend share one PostgreSQL database (the server on this machine), each
// with its own clone cache, as replicas have their own disks.
const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });

const catalogue: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'catalogue',
    annotations: {
      'stagecraft.io/gitops-location': 'demo:craftista/catalogue',
      'stagecraft.io/environments': 'dev,staging,prod',
    },
  },
  spec: { type: 'service', owner: 'group:default/team-a' },
};

const healthyDev = rolledOutDeployment(
  'craftista-dev',
  'craftista/catalogue:1.4.0',
  1,
);

const msw = setupServer(
  fakeKubernetesApi([{ host: 'nonprod', objects: [healthyDev] }]).handler,
);
beforeAll(() => msw.listen({ onUnhandledRequest: 'bypass' }));
afterAll(() => msw.close());

let gitops: ReturnType<typeof createDemoGitRepository>;
beforeAll(() => {
  gitops = createDemoGitRepository();
});
afterAll(() => gitops.remove());

async function startReplica(
  knex: Knex,
  name: string,
  options: { allowMerge?: boolean } = {},
) {
  const { server } = await startTestBackend({
    features: [
      environmentsPlugin,
      mockServices.database.factory({ knex }),
      catalogServiceMock.factory({ entities: [catalogue] }),
      mockServices.rootConfig.factory({
        data: {
          environments: {
            repositories: {
              demo: { url: gitops.url, allowMerge: options.allowMerge },
            },
            cacheDirectory: path.join(gitops.cacheDir, name),
          },
          kubernetes: {
            clusterLocatorMethods: [
              {
                type: 'config',
                clusters: [
                  {
                    name: 'nonprod',
                    url: 'https://nonprod.k8s.test',
                    authProvider: 'serviceAccount',
                    serviceAccountToken: 'nonprod-token',
                  },
                ],
              },
            ],
          },
        },
      }),
    ],
  });
  return server;
}

jest.setTimeout(180_000);

describe('two replicas on one PostgreSQL', () => {
  it('start exactly one promotion out of 20 concurrent requests for the same target', async () => {
    const first = await databases.init('POSTGRES_15');
    // A second pool to the same database, as a second replica would have.
    const second = knexFactory(first.client.config);
    try {
      const replicas = [
        await startReplica(first, 'replica-a'),
        await startReplica(second, 'replica-b'),
      ];

      const responses = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          request(replicas[i % 2])
            .post(
              '/api/environments/entities/component/default/catalogue/promotions',
            )
            .set('Idempotency-Key', `click-${i}`)
            .send({ from: 'dev', to: 'staging' }),
        ),
      );

      const statuses = responses.map(r => r.status).sort();
      expect(statuses).toEqual([201, ...Array(19).fill(409)]);
      const winner = responses.find(r => r.status === 201)!.body;
      for (const loser of responses.filter(r => r.status === 409)) {
        expect(loser.body.error.message).toMatch(
          /already has (an open )?promotion|moved|re-plan/,
        );
      }
      const branches = execFileSync(
        'git',
        ['for-each-ref', '--format=%(refname:short)', 'refs/heads'],
        { cwd: gitops.url },
      )
        .toString()
        .trim()
        .split('\n');
      expect(branches.sort()).toEqual(['main', winner.changeBranch].sort());
      const rows = await first('environments_promotions').select('state');
      expect(rows).toEqual([{ state: 'pending-review' }]);
    } finally {
      await second.destroy();
    }
  });
});

describe('merge, cancel and retry racing on two replicas', () => {
  const stagingOverlay =
    'craftista/catalogue/overlays/staging/kustomization.yaml';
  const originGit = (...args: string[]) =>
    execFileSync('git', args, { cwd: gitops.url }).toString().trim();

  it('agree with Git in every one of 50 rounds: one of merge and cancel wins, the other gets 409', async () => {
    const first = await databases.init('POSTGRES_15');
    const second = knexFactory(first.client.config);
    const original = fs.readFileSync(path.join(gitops.url, stagingOverlay));
    const outcomes = { merged: 0, cancelled: 0 };
    try {
      const [a, b] = [
        await startReplica(first, 'race-a', { allowMerge: true }),
        await startReplica(second, 'race-b', { allowMerge: true }),
      ];
      for (let round = 0; round < 50; round++) {
        const created = await request(a)
          .post(
            '/api/environments/entities/component/default/catalogue/promotions',
          )
          .send({ from: 'dev', to: 'staging' });
        expect(created.status).toBe(201);
        const id = created.body.id;

        // Merge and cancel at the same instant on different replicas, plus a second merge and
        // a retry (which must wait for a final state).
        const [merge, cancel, merge2, retry] = await Promise.all([
          request(round % 2 ? a : b).post(
            `/api/environments/promotions/${id}/merge`,
          ),
          request(round % 2 ? b : a).post(
            `/api/environments/promotions/${id}/cancel`,
          ),
          request(b).post(`/api/environments/promotions/${id}/merge`),
          request(a).post(`/api/environments/promotions/${id}/retry`),
        ]);
        const statuses = [merge.status, cancel.status, merge2.status];
        expect(statuses.filter(s => s === 200)).toHaveLength(1);
        expect(statuses.filter(s => s === 409)).toHaveLength(2);
        expect([409, 201]).toContain(retry.status);

        const record = await first('environments_promotions')
          .where({ id })
          .first();
        const onMain = originGit(
          'log',
          '--format=%H',
          '--fixed-strings',
          `--grep=Stagecraft-Promotion: ${id}`,
          'main',
        );
        const branch = originGit(
          'for-each-ref',
          '--format=%(refname:short)',
          `refs/heads/${created.body.changeBranch}`,
        );
        expect(['merged', 'cancelled']).toContain(record.state);
        outcomes[record.state as 'merged' | 'cancelled']++;
        // Merged in the record exactly when the change is on main.
        expect(onMain !== '').toBe(record.state === 'merged');
        expect(branch).toBe('');

        // Leave the next round what this one found: no open promotion, staging as it was.
        if (retry.status === 201) {
          await request(a).post(
            `/api/environments/promotions/${retry.body.id}/cancel`,
          );
        }
        await first('environments_promotions')
          .whereNotIn('state', [
            'completed',
            'failed',
            'closed',
            'cancelled',
            'superseded',
          ])
          .update({ state: 'superseded', open_slot: null });
        if (record.state === 'merged') {
          fs.writeFileSync(path.join(gitops.url, stagingOverlay), original);
          originGit(
            '-c',
            'user.name=Test',
            '-c',
            'user.email=test@example.com',
            'commit',
            '-qam',
            `reset staging after round ${round}`,
          );
        }
      }
    } finally {
      await second.destroy();
    }
    // Both outcomes happened: the race was real.
    expect(outcomes.merged + outcomes.cancelled).toBe(50);
    // eslint-disable-next-line no-console
    console.log(
      `merge ‖ cancel ‖ retry, 50 rounds: ${JSON.stringify(outcomes)}`,
    );
  }, 600_000);
});
