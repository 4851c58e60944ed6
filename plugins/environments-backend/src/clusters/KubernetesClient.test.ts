import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  HttpKubernetesClient,
  KubernetesRequestError,
  OBJECT_KINDS,
  ObjectKindKey,
  listPath,
} from './KubernetesClient';
import { refusedPort, testCluster } from './__testUtils__/clusters';
import { describeWithCorpus, loadCorpus } from './__testUtils__/corpus';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'bypass' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

describe('listPath', () => {
  it.each<[ObjectKindKey, string | undefined, string]>([
    ['pods', 'shop', '/api/v1/namespaces/shop/pods'],
    ['deployments', 'shop', '/apis/apps/v1/namespaces/shop/deployments'],
    ['statefulsets', undefined, '/apis/apps/v1/statefulsets'],
    ['replicasets', 'shop', '/apis/apps/v1/namespaces/shop/replicasets'],
    [
      'horizontalpodautoscalers',
      'shop',
      '/apis/autoscaling/v2/namespaces/shop/horizontalpodautoscalers',
    ],
    ['rollouts', 'shop', '/apis/argoproj.io/v1alpha1/namespaces/shop/rollouts'],
    ['applications', undefined, '/apis/argoproj.io/v1alpha1/applications'],
    [
      'helmreleases',
      'shop',
      '/apis/helm.toolkit.fluxcd.io/v2/namespaces/shop/helmreleases',
    ],
    [
      'kustomizations',
      'flux-system',
      '/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations',
    ],
  ])('%s in %s', (kind, namespace, path) => {
    expect(listPath({ kind, namespace })).toBe(path);
  });
});

describeWithCorpus('HttpKubernetesClient', () => {
  const cluster = testCluster('prod', 'https://prod.k8s.test');

  it('lists with the bearer token and label selector, and fills in namespaces', async () => {
    const seen: Array<{ auth: string | null; selector: string | null }> = [];
    server.use(
      http.get(
        'https://prod.k8s.test/apis/autoscaling/v2/namespaces/shop/horizontalpodautoscalers',
        ({ request }) => {
          seen.push({
            auth: request.headers.get('authorization'),
            selector: new URL(request.url).searchParams.get('labelSelector'),
          });
          return HttpResponse.json(loadCorpus('hpa-list.json'));
        },
      ),
    );
    const items = await new HttpKubernetesClient().list(cluster, {
      kind: 'horizontalpodautoscalers',
      namespace: 'shop',
      labelSelector: 'backstage.io/kubernetes-id=web',
    });
    expect(seen).toEqual([
      {
        auth: 'Bearer token-of-prod',
        selector: 'backstage.io/kubernetes-id=web',
      },
    ]);
    expect(items.map(i => i.metadata?.name)).toEqual([
      'sample',
      'sample',
      'sample',
      'credential-hpa',
    ]);
    // The corpus HPAs carry no namespace; the namespace of the request is filled in.
    expect(items.every(i => i.metadata?.namespace === 'shop')).toBe(true);
  });

  it('follows continue tokens', async () => {
    const pods = loadCorpus('pod-list.json');
    server.use(
      http.get(
        'https://prod.k8s.test/api/v1/namespaces/jesse-test/pods',
        ({ request }) => {
          const cont = new URL(request.url).searchParams.get('continue');
          const page = cont ? pods.items.slice(3) : pods.items.slice(0, 3);
          return HttpResponse.json({
            ...pods,
            items: page,
            metadata: cont ? {} : { continue: 'page-2' },
          });
        },
      ),
    );
    const items = await new HttpKubernetesClient().list(cluster, {
      kind: 'pods',
      namespace: 'jesse-test',
    });
    expect(items.map(i => i.metadata?.name)).toEqual(
      pods.items.map((p: any) => p.metadata.name),
    );
  });

  it('reads a CRD that is not installed (404) as an empty list', async () => {
    server.use(
      http.get(
        'https://prod.k8s.test/apis/argoproj.io/v1alpha1/namespaces/shop/rollouts',
        () => HttpResponse.json({ kind: 'Status', code: 404 }, { status: 404 }),
      ),
    );
    await expect(
      new HttpKubernetesClient().list(cluster, {
        kind: 'rollouts',
        namespace: 'shop',
      }),
    ).resolves.toEqual([]);
    expect(OBJECT_KINDS.rollouts.optional).toBe(true);
  });

  it('fails on a 404 of a core kind and on 403, with the Status message but no token', async () => {
    server.use(
      http.get(
        'https://prod.k8s.test/apis/apps/v1/namespaces/shop/deployments',
        () => HttpResponse.json({ kind: 'Status' }, { status: 404 }),
      ),
      http.get('https://prod.k8s.test/api/v1/namespaces/shop/pods', () =>
        HttpResponse.json(
          {
            kind: 'Status',
            message:
              'pods is forbidden: User "system:serviceaccount:backstage" cannot list',
          },
          { status: 403 },
        ),
      ),
    );
    const client = new HttpKubernetesClient();
    await expect(
      client.list(cluster, { kind: 'deployments', namespace: 'shop' }),
    ).rejects.toMatchObject({
      name: 'KubernetesRequestError',
      statusCode: 404,
    });
    const error = await client
      .list(cluster, { kind: 'pods', namespace: 'shop' })
      .catch(e => e);
    expect(error).toBeInstanceOf(KubernetesRequestError);
    expect(error.statusCode).toBe(403);
    expect(error.message).toMatch(
      /list pods in namespace 'shop' on cluster 'prod': HTTP 403 \(pods is forbidden/,
    );
    expect(error.message).not.toContain('token-of-prod');
  });

  it('times out a cluster that does not answer', async () => {
    server.use(
      http.get(
        'https://slow.k8s.test/api/v1/namespaces/shop/pods',
        async () => {
          await delay('infinite');
          return HttpResponse.json({ items: [] });
        },
      ),
    );
    const started = Date.now();
    const error = await new HttpKubernetesClient({ timeoutMs: 150 })
      .list(testCluster('slow', 'https://slow.k8s.test'), {
        kind: 'pods',
        namespace: 'shop',
      })
      .catch(e => e);
    expect(error).toBeInstanceOf(KubernetesRequestError);
    expect(error.statusCode).toBeUndefined();
    expect(error.message).toMatch(/cluster 'slow': no answer within 150 ms/);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('fails when the connection is refused', async () => {
    const port = await refusedPort();
    const error = await new HttpKubernetesClient()
      .list(testCluster('down', `http://127.0.0.1:${port}`), {
        kind: 'pods',
        namespace: 'shop',
      })
      .catch(e => e);
    expect(error).toBeInstanceOf(KubernetesRequestError);
    expect(error.statusCode).toBeUndefined();
    expect(error.message).toMatch(/cluster 'down'.*ECONNREFUSED/);
  });
});
