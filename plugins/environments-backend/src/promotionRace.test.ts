import {
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { execFileSync } from 'node:child_process';
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

async function startReplica(knex: Knex, name: string) {
  const { server } = await startTestBackend({
    features: [
      environmentsPlugin,
      mockServices.database.factory({ knex }),
      catalogServiceMock.factory({ entities: [catalogue] }),
      mockServices.rootConfig.factory({
        data: {
          environments: {
            repositories: { demo: { url: gitops.url } },
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
