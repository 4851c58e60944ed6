import { mockServices } from '@backstage/backend-test-utils';
import { setupServer } from 'msw/node';
import {
  WORKLOAD_LIST_KINDS,
  createLiveStateReader,
} from './createLiveStateReader';
import { ClusterLiveState, LiveStateQuery, isClusterLiveError } from './types';
import { refusedPort } from './__testUtils__/clusters';
import {
  describeWithCorpus,
  loadCorpus,
  loadCorpusItems,
} from './__testUtils__/corpus';
import {
  FakeCluster,
  fakeKubernetesApi,
} from './__testUtils__/fakeKubernetesApi';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'bypass' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

function clusterConfig(clusters: Array<{ name: string; url: string }>) {
  return mockServices.rootConfig({
    data: {
      kubernetes: {
        clusterLocatorMethods: [
          {
            type: 'config',
            clusters: clusters.map(c => ({
              ...c,
              authProvider: 'serviceAccount',
              serviceAccountToken: `token-${c.name}`,
            })),
          },
        ],
      },
    },
  });
}

function serve(clusters: FakeCluster[]) {
  const api = fakeKubernetesApi(clusters);
  server.use(api.handler);
  return api;
}

function reader(
  clusters: Array<{ name: string; url: string }>,
  options: { timeoutMs?: number; now?: () => number } = {},
) {
  return createLiveStateReader({
    config: clusterConfig(clusters),
    logger: mockServices.logger.mock(),
    timeoutMs: options.timeoutMs ?? 1000,
    clock: options.now ? { now: options.now } : undefined,
  });
}

function clusterState(
  result: {
    clusters: Array<ClusterLiveState | { cluster: string; error: unknown }>;
  },
  name: string,
): ClusterLiveState {
  const found = result.clusters.find(c => c.cluster === name);
  if (!found || isClusterLiveError(found as any)) {
    throw new Error(`cluster ${name}: ${JSON.stringify(found)}`);
  }
  return found as ClusterLiveState;
}

/** The canary Rollout with its ReplicaSets, Pods and an HPA that scales it. */
function canaryObjects() {
  const namespace = 'jesse-test';
  const hpa = loadCorpusItems('hpa-list.json').find(
    h => h.metadata.name === 'credential-hpa',
  );
  hpa.spec.scaleTargetRef.name = 'canary-demo';
  return [
    loadCorpus('argo-rollout-canary.json'),
    ...loadCorpusItems('replicaset-list.json'),
    ...loadCorpusItems('pod-list.json'),
    hpa,
  ].map(object => ({ namespace, object }));
}

/** `count` copies of the live guestbook Deployment, named web-0 … web-(count-1), in `namespace`. */
function deployments(namespace: string, count: number) {
  return Array.from({ length: count }, (_, i) => {
    const object = loadCorpus('deployment-live.json');
    object.metadata.name = `web-${i}`;
    object.metadata.namespace = namespace;
    object.metadata.uid = `uid-web-${i}`;
    object.metadata.labels = { 'backstage.io/kubernetes-id': `web-${i}` };
    return { namespace, object };
  });
}

describeWithCorpus('createLiveStateReader', () => {
  it('reads a declared Rollout with its pods, images and HPA through the Kubernetes API', async () => {
    serve([{ host: 'prod', objects: canaryObjects() }]);
    const result = await reader([
      { name: 'prod', url: 'https://prod.k8s.test' },
    ]).readEntityLiveState({
      declared: [
        { kind: 'Rollout', name: 'canary-demo', namespace: 'jesse-test' },
      ],
    });
    const prod = clusterState(result, 'prod');
    expect(prod.workloads).toHaveLength(1);
    expect(prod.workloads[0]).toMatchObject({
      cluster: 'prod',
      kind: 'Rollout',
      name: 'canary-demo',
      health: 'Degraded',
      replicas: { desired: 5, ready: 5, updated: 1, available: 5 },
      hpa: { name: 'credential-hpa', min: 1, max: 1, current: 1 },
    });
    expect(prod.workloads[0].images.map(i => `${i.tag}×${i.pods}`)).toEqual([
      'does-not-exist×1',
      'green×5',
    ]);
    expect(prod.warnings).toBeUndefined();
  });

  it('degrades only the cluster that refuses connections', async () => {
    serve([{ host: 'dev', objects: canaryObjects() }]);
    const port = await refusedPort();
    const result = await reader([
      { name: 'dev', url: 'https://dev.k8s.test' },
      { name: 'prod', url: `http://127.0.0.1:${port}` },
    ]).readEntityLiveState({
      declared: [
        { kind: 'Rollout', name: 'canary-demo', namespace: 'jesse-test' },
      ],
    });
    expect(result.clusters.map(c => c.cluster)).toEqual(['dev', 'prod']);
    expect(clusterState(result, 'dev').workloads.map(w => w.name)).toEqual([
      'canary-demo',
    ]);
    const prod = result.clusters[1];
    expect(isClusterLiveError(prod)).toBe(true);
    expect(JSON.stringify(prod)).toMatch(/cluster 'prod'.*ECONNREFUSED/);
    expect(JSON.stringify(result)).not.toContain('token-');
  });

  it('degrades only the cluster that does not answer in time, after one timeout', async () => {
    const api = serve([
      { host: 'dev', objects: canaryObjects() },
      { host: 'prod', objects: canaryObjects(), hang: true },
    ]);
    const started = Date.now();
    const result = await reader(
      [
        { name: 'dev', url: 'https://dev.k8s.test' },
        { name: 'prod', url: 'https://prod.k8s.test' },
      ],
      { timeoutMs: 200 },
    ).readEntityLiveState({
      declared: [
        { kind: 'Application', name: 'canary-demo' },
        { kind: 'Rollout', name: 'canary-demo', namespace: 'jesse-test' },
      ],
    });
    expect(clusterState(result, 'dev').workloads[0].health).toBe('Degraded');
    expect(result.clusters[1]).toEqual({
      cluster: 'prod',
      error: {
        name: 'KubernetesRequestError',
        message: expect.stringMatching(
          /cluster 'prod': no answer within 200 ms/,
        ),
      },
    });
    // The first step timed out, so the workload lists were not even tried.
    expect(api.requests.filter(r => r.startsWith('prod.'))).toEqual([
      'prod.k8s.test/apis/argoproj.io/v1alpha1/applications',
    ]);
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('makes one request per (namespace, kind), however many entities share the namespace', async () => {
    const entities = 50;
    const api = serve([
      { host: 'prod', objects: deployments('shop', entities) },
    ]);
    const live = reader([{ name: 'prod', url: 'https://prod.k8s.test' }]);
    const query = (i: number): LiveStateQuery => ({
      kubernetesId: `web-${i}`,
      declared: [{ kind: 'Deployment', name: `web-${i}`, namespace: 'shop' }],
    });

    const results = await Promise.all(
      Array.from({ length: entities }, (_, i) =>
        live.readEntityLiveState(query(i)),
      ),
    );
    // Each entity sees its own Deployment only.
    results.forEach((result, i) => {
      expect(clusterState(result, 'prod').workloads.map(w => w.name)).toEqual([
        `web-${i}`,
      ]);
    });
    const lists = new Set(api.requests);
    expect(lists.size).toBe(WORKLOAD_LIST_KINDS.length); // one namespace × the workload kinds
    expect(api.requests).toHaveLength(lists.size);

    // Reading them all again within the TTL costs nothing.
    for (let i = 0; i < entities; i++) await live.readEntityLiveState(query(i));
    expect(api.requests).toHaveLength(WORKLOAD_LIST_KINDS.length);

    // And a single entity on a fresh reader costs as much as fifty.
    const single = serve([
      { host: 'prod', objects: deployments('shop', entities) },
    ]);
    await reader([
      { name: 'prod', url: 'https://prod.k8s.test' },
    ]).readEntityLiveState(query(0));
    expect(single.requests).toHaveLength(api.requests.length);
  });

  it('asks again once the cached lists expire', async () => {
    const api = serve([{ host: 'prod', objects: deployments('shop', 2) }]);
    let now = 0;
    const live = createLiveStateReader({
      config: clusterConfig([{ name: 'prod', url: 'https://prod.k8s.test' }]),
      logger: mockServices.logger.mock(),
      ttlMs: 10_000,
      clock: { now: () => now },
    });
    const query: LiveStateQuery = {
      declared: [{ kind: 'Deployment', name: 'web-1', namespace: 'shop' }],
    };
    await live.readEntityLiveState(query);
    const first = api.requests.length;
    expect(first).toBe(WORKLOAD_LIST_KINDS.length);
    now = 9_000;
    await live.readEntityLiveState(query);
    expect(api.requests).toHaveLength(first);
    now = 10_001;
    await live.readEntityLiveState(query);
    expect(api.requests).toHaveLength(2 * first);
  });

  it('falls back to the TTL, without errors, where the API does not speak watch', async () => {
    const api = serve([
      { host: 'prod', objects: deployments('shop', 2), resourceVersion: '7' },
    ]);
    let now = 0;
    const live = createLiveStateReader({
      config: clusterConfig([{ name: 'prod', url: 'https://prod.k8s.test' }]),
      logger: mockServices.logger.mock(),
      ttlMs: 10_000,
      clock: { now: () => now },
    });
    const query: LiveStateQuery = {
      declared: [{ kind: 'Deployment', name: 'web-1', namespace: 'shop' }],
    };
    const first = await live.readEntityLiveState(query);
    expect(clusterState(first, 'prod').warnings).toBeUndefined();
    const kinds = WORKLOAD_LIST_KINDS.length;
    // One list and one (refused) watch call per kind.
    await new Promise(resolve => setTimeout(resolve, 50));
    expect(api.requests.filter(r => r.endsWith('?watch=1'))).toHaveLength(
      kinds,
    );
    expect(api.requests).toHaveLength(2 * kinds);
    now = 9_000;
    const second = await live.readEntityLiveState(query);
    expect(second).toEqual(first);
    expect(api.requests).toHaveLength(2 * kinds);
    // After the TTL, plain lists again, with no new watch.
    now = 20_000;
    await live.readEntityLiveState(query);
    expect(api.requests).toHaveLength(3 * kinds);
    live.close();
  });

  it('reads a cluster without the Argo Rollouts CRD (404) as having no Rollouts', async () => {
    serve([
      {
        host: 'prod',
        objects: deployments('shop', 1),
        notInstalled: ['rollouts'],
      },
    ]);
    const result = await reader([
      { name: 'prod', url: 'https://prod.k8s.test' },
    ]).readEntityLiveState({
      declared: [
        {
          kind: 'Deployment',
          name: 'web-0',
          namespace: 'shop',
          cluster: 'prod',
        },
        { kind: 'Rollout', name: 'web-0', namespace: 'shop', cluster: 'prod' },
      ],
    });
    const prod = clusterState(result, 'prod');
    expect(prod.warnings).toBeUndefined();
    expect(prod.workloads.map(w => `${w.kind}/${w.name}:${w.health}`)).toEqual([
      'Deployment/web-0:Healthy',
      'Rollout/web-0:Missing',
    ]);
  });

  it('finds workloads by the Kubernetes plugin label across namespaces', async () => {
    const api = serve([
      {
        host: 'prod',
        objects: [...deployments('shop', 3), ...deployments('cart', 1)],
      },
    ]);
    const result = await reader([
      { name: 'prod', url: 'https://prod.k8s.test' },
    ]).readEntityLiveState({ kubernetesId: 'web-0' });
    expect(
      clusterState(result, 'prod')
        .workloads.map(w => `${w.namespace}/${w.name}`)
        .sort(),
    ).toEqual(['cart/web-0', 'shop/web-0']);
    // Discovery by selector cluster-wide, then the shared lists of the namespaces found.
    expect(api.requests).toContain(
      'prod.k8s.test/apis/apps/v1/deployments?labelSelector=backstage.io/kubernetes-id=web-0',
    );
    expect(api.requests).toContain('prod.k8s.test/api/v1/namespaces/shop/pods');
    expect(api.requests).toContain('prod.k8s.test/api/v1/namespaces/cart/pods');
  });

  it('follows a declared HelmRelease to the workloads Flux labels', async () => {
    const chain = loadCorpusItems('flux-trace-deployment-chain.json').map(
      object => ({
        namespace: object.metadata.namespace,
        object,
      }),
    );
    serve([{ host: 'prod', objects: chain }]);
    const result = await reader([
      { name: 'prod', url: 'https://prod.k8s.test' },
    ]).readEntityLiveState({
      declared: [
        { kind: 'HelmRelease', name: 'podinfo', namespace: 'podinfo' },
        { kind: 'Kustomization', name: 'infrastructure' },
      ],
    });
    const prod = clusterState(result, 'prod');
    expect(
      prod.fluxResources.map(f => `${f.kind}/${f.name}:${f.health}`),
    ).toEqual([
      'HelmRelease/podinfo:Healthy',
      'Kustomization/infrastructure:Healthy',
    ]);
    expect(
      prod.workloads.map(w => `${w.kind}/${w.namespace}/${w.name}`),
    ).toEqual(['Deployment/podinfo/podinfo']);
  });

  it('reads a declared Argo CD Application and the workloads it deploys in-cluster', async () => {
    const app = loadCorpus('argocd-application-with-status.json');
    app.spec.destination = {
      server: 'https://kubernetes.default.svc',
      namespace: 'shop',
    };
    const managed = deployments('shop', 2);
    managed[1].object.metadata.labels = {
      'app.kubernetes.io/instance': 'velero-test',
    };
    serve([
      {
        host: 'prod',
        objects: [{ namespace: 'argo-cd', object: app }, ...managed],
      },
    ]);
    const result = await reader([
      { name: 'prod', url: 'https://prod.k8s.test' },
    ]).readEntityLiveState({
      declared: [{ kind: 'Application', name: 'velero-test' }],
    });
    const prod = clusterState(result, 'prod');
    expect(prod.applications).toMatchObject([
      {
        name: 'velero-test',
        namespace: 'argo-cd',
        sync: { status: 'Synced', controller: 'argocd' },
        health: 'Healthy',
      },
    ]);
    expect(prod.workloads.map(w => w.name)).toEqual(['web-1']);
  });

  it('keeps what answered when one kind is forbidden, without calling it Missing', async () => {
    serve([
      {
        host: 'prod',
        objects: deployments('shop', 1),
        forbidden: ['statefulsets'],
      },
    ]);
    const result = await reader([
      { name: 'prod', url: 'https://prod.k8s.test' },
    ]).readEntityLiveState({
      declared: [
        {
          kind: 'Deployment',
          name: 'web-0',
          namespace: 'shop',
          cluster: 'prod',
        },
        {
          kind: 'Deployment',
          name: 'ghost',
          namespace: 'shop',
          cluster: 'prod',
        },
        { kind: 'StatefulSet', name: 'db', namespace: 'shop', cluster: 'prod' },
      ],
    });
    const prod = clusterState(result, 'prod');
    expect(prod.workloads.map(w => `${w.kind}/${w.name}:${w.health}`)).toEqual([
      'Deployment/web-0:Healthy',
      'Deployment/ghost:Missing',
    ]);
    expect(prod.warnings).toEqual([
      expect.objectContaining({
        kind: 'statefulsets',
        namespace: 'shop',
        message: expect.stringMatching(/HTTP 403/),
      }),
    ]);
  });

  it('reports unknown clusters and bad selectors per cluster instead of throwing', async () => {
    serve([{ host: 'prod', objects: [] }]);
    const live = reader([{ name: 'prod', url: 'https://prod.k8s.test' }]);
    expect(live.listClusters()).toEqual(['prod']);
    await expect(
      live.readEntityLiveState({ clusters: ['nowhere'], kubernetesId: 'x' }),
    ).resolves.toEqual({
      clusters: [
        {
          cluster: 'nowhere',
          error: expect.objectContaining({ name: 'NotFoundError' }),
        },
      ],
    });
    await expect(
      live.readEntityLiveState({ labelSelector: 'app in oops' }),
    ).resolves.toEqual({
      clusters: [
        {
          cluster: 'prod',
          error: expect.objectContaining({ name: 'InputError' }),
        },
      ],
    });
  });
});
