import { cacheServiceFactory } from '@backstage/backend-defaults/cache';
import { SchedulerServiceTaskFunction } from '@backstage/backend-plugin-api';
import {
  mockServices,
  startTestBackend,
  TestCaches,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { randomUUID } from 'node:crypto';
import { setupServer } from 'msw/node';
import request from 'supertest';
import { environmentsPlugin } from './plugin';
import { createDemoGitRepository } from './__testUtils__/demoGitRepository';
import { fakeKubernetesApi } from './clusters/__testUtils__/fakeKubernetesApi';

// Two replicas share the Redis on this machine through Backstage's cache service.
const caches = TestCaches.create({ ids: ['REDIS_7'] });

const kubernetes = fakeKubernetesApi([{ host: 'nonprod', objects: [] }]);
const msw = setupServer(kubernetes.handler);
beforeAll(() => msw.listen({ onUnhandledRequest: 'bypass' }));
afterAll(() => msw.close());

let gitops: ReturnType<typeof createDemoGitRepository>;
beforeAll(() => {
  gitops = createDemoGitRepository();
});
afterAll(() => gitops.remove());

function entity(name: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      // A new entity version per run: cached matrices are keyed by it.
      etag: randomUUID(),
      annotations: {
        'stagecraft.io/gitops-location': `demo:craftista/${name}`,
      },
    },
    spec: { type: 'service', owner: 'group:default/team-a' },
  };
}

// New entity versions for every test: `TestCaches.init` does not empty the cache service's keys.
let entities: Entity[];
beforeEach(() => {
  entities = [entity('catalogue'), entity('voting')];
});

async function startReplica(cache: { store: string; connection: string }) {
  let refresh: SchedulerServiceTaskFunction | undefined;
  const scheduler = mockServices.scheduler.mock({
    async scheduleTask(task) {
      if (task.id === 'environments-matrix-refresh') refresh = task.fn;
    },
  });
  const { server } = await startTestBackend({
    features: [
      environmentsPlugin,
      cacheServiceFactory,
      scheduler.factory,
      catalogServiceMock.factory({ entities }),
      mockServices.rootConfig.factory({
        data: {
          backend: { cache },
          environments: {
            repositories: { demo: { url: gitops.url } },
            cacheDirectory: `${gitops.cacheDir}/${randomUUID()}`,
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
  return {
    server,
    refresh: () => refresh!(new AbortController().signal as any),
  };
}

describe('matrices in the cache service', () => {
  it('are computed once by the background refresh and served to every replica from Redis', async () => {
    const cache = await caches.init('REDIS_7');
    const a = await startReplica(cache);
    const b = await startReplica(cache);

    await a.refresh();
    const upstream = kubernetes.requests.length;
    expect(upstream).toBeGreaterThan(0);

    for (const replica of [a, b, b]) {
      const res = await request(replica.server).get(
        '/api/environments/entities/component/default/voting',
      );
      expect(res.status).toBe(200);
      expect(res.body.environments.map((e: any) => e.name)).toEqual([
        'dev',
        'staging',
        'prod',
      ]);
      // The caller's permission is added per request, not cached.
      expect(res.body.promotions[0].permission).toEqual({ allowed: true });
    }
    expect(kubernetes.requests.length).toBe(upstream);
  });

  it('computes a matrix on a miss, and serves the next request from the cache', async () => {
    const cache = await caches.init('REDIS_7');
    const a = await startReplica(cache);
    const b = await startReplica(cache);
    const before = kubernetes.requests.length;

    const first = await request(a.server).get(
      '/api/environments/entities/component/default/catalogue',
    );
    const computed = kubernetes.requests.length;
    const second = await request(b.server).get(
      '/api/environments/entities/component/default/catalogue',
    );

    expect(first.status).toBe(200);
    expect(computed).toBeGreaterThan(before);
    expect(second.body.generatedAt).toBe(first.body.generatedAt);
    expect(kubernetes.requests.length).toBe(computed);
  });
});
