import { mockServices } from '@backstage/backend-test-utils';
import {
  WORKLOAD_LIST_KINDS,
  createLiveStateReader,
} from './createLiveStateReader';
import { OBJECT_KINDS, listPath } from './KubernetesClient';
import { ClusterLiveState, LiveStateQuery } from './types';
import { describeWithCorpus, loadCorpus } from './__testUtils__/corpus';
import {
  eventually,
  startLocalKubernetesApi,
} from './__testUtils__/localKubernetesApi';

type Api = Awaited<ReturnType<typeof startLocalKubernetesApi>>;

function web1() {
  const object = loadCorpus('deployment-live.json');
  object.metadata.name = 'web-1';
  object.metadata.namespace = 'shop';
  return object;
}

/** Lists Deployments `web-1` in `shop`, everything else empty, all at resourceVersion 7. */
function listOf(path: string) {
  const deployment = web1();
  const kind = Object.values(OBJECT_KINDS).find(
    k => listPath({ kind: k.plural, namespace: 'shop' }) === path,
  );
  return {
    body: {
      kind: `${kind?.kind}List`,
      metadata: { resourceVersion: '7' },
      items: kind?.kind === 'Deployment' ? [deployment] : [],
    },
  };
}

function live(api: Api, watch?: boolean) {
  return createLiveStateReader({
    config: mockServices.rootConfig({
      data: {
        kubernetes: {
          clusterLocatorMethods: [
            {
              type: 'config',
              clusters: [
                {
                  name: 'prod',
                  url: api.url,
                  authProvider: 'serviceAccount',
                  serviceAccountToken: 'token-prod',
                },
              ],
            },
          ],
        },
        ...(watch !== undefined && {
          environments: { clusters: { watch } },
        }),
      },
    }),
    logger: mockServices.logger.mock(),
    timeoutMs: 1000,
  });
}

const query: LiveStateQuery = {
  declared: [{ kind: 'Deployment', name: 'web-1', namespace: 'shop' }],
};

const health = (result: { clusters: unknown[] }) =>
  (result.clusters[0] as ClusterLiveState).workloads.map(
    w => `${w.kind}/${w.name}:${w.health}`,
  );

describeWithCorpus('createLiveStateReader with watches', () => {
  let api: Api;
  afterEach(() => api?.close());

  it('lists each kind once, then follows the watches with no further call', async () => {
    api = await startLocalKubernetesApi({ list: r => listOf(r.path) });
    const reader = live(api);
    try {
      const kinds = WORKLOAD_LIST_KINDS.length;
      expect(health(await reader.readEntityLiveState(query))).toEqual([
        'Deployment/web-1:Healthy',
      ]);
      await api.watchCount(kinds);
      expect(api.requests).toHaveLength(2 * kinds);
      expect(
        api.watches.map(w => w.request.query.get('resourceVersion')),
      ).toEqual(Array(kinds).fill('7'));

      for (let i = 0; i < 5; i++) await reader.readEntityLiveState(query);
      expect(api.requests).toHaveLength(2 * kinds);

      const deployments = api.watches.find(w =>
        w.request.path.endsWith('/deployments'),
      )!;
      deployments.push({
        type: 'DELETED',
        object: {
          ...web1(),
          metadata: { ...web1().metadata, resourceVersion: '8' },
        },
      });
      let result = await reader.readEntityLiveState(query);
      for (let i = 0; i < 100 && health(result).length > 0; i++) {
        await new Promise(resolve => setTimeout(resolve, 10));
        result = await reader.readEntityLiveState(query);
      }
      expect(health(result)).toEqual([]);
      expect(api.requests).toHaveLength(2 * kinds);

      // The server ends a stream: exactly one call re-opens it, from the last version.
      deployments.end();
      const reopened = await api.watchCount(kinds + 1);
      expect(reopened.request.path).toBe(deployments.request.path);
      expect(reopened.request.query.get('resourceVersion')).toBe('8');
      expect(api.requests).toHaveLength(2 * kinds + 1);
    } finally {
      reader.close();
    }
    await Promise.all(
      api.watches.slice(0, WORKLOAD_LIST_KINDS.length + 1).map(w => w.closed),
    );
  });

  it('lists again after a broken watch', async () => {
    api = await startLocalKubernetesApi({ list: r => listOf(r.path) });
    const reader = live(api);
    try {
      const kinds = WORKLOAD_LIST_KINDS.length;
      await reader.readEntityLiveState(query);
      await api.watchCount(kinds);
      const pods = api.watches.find(w => w.request.path.endsWith('/pods'))!;
      pods.destroy();
      await pods.closed;
      await eventually(() => {
        reader.readEntityLiveState(query);
        return api.requests.length > 2 * kinds;
      });
      expect(api.requests[2 * kinds].path).toBe(pods.request.path);
      expect(api.requests[2 * kinds].query.get('watch')).toBeNull();
    } finally {
      reader.close();
    }
  });

  it('keeps the TTL behaviour with environments.clusters.watch: false', async () => {
    api = await startLocalKubernetesApi({ list: r => listOf(r.path) });
    const reader = live(api, false);
    await reader.readEntityLiveState(query);
    await reader.readEntityLiveState(query);
    await new Promise(resolve => setTimeout(resolve, 50));
    expect(api.watches).toHaveLength(0);
    expect(api.requests).toHaveLength(WORKLOAD_LIST_KINDS.length);
  });
});
