import {
  HttpKubernetesClient,
  KubernetesRequestError,
  WatchEvent,
} from './KubernetesClient';
import { refusedPort, testCluster } from './__testUtils__/clusters';
import {
  eventually,
  startLocalKubernetesApi,
} from './__testUtils__/localKubernetesApi';

type Api = Awaited<ReturnType<typeof startLocalKubernetesApi>>;

const podList = {
  apiVersion: 'v1',
  kind: 'PodList',
  metadata: { resourceVersion: '42' },
  items: [{ kind: 'Pod', metadata: { name: 'a' } }],
};

function recorder() {
  const events: WatchEvent[] = [];
  const ends: Array<KubernetesRequestError | undefined> = [];
  return {
    events,
    ends,
    handlers: {
      onEvent: (e: WatchEvent) => events.push(e),
      onEnd: (e?: KubernetesRequestError) => ends.push(e),
    },
  };
}

describe('HttpKubernetesClient watch', () => {
  let api: Api;
  afterEach(() => api?.close());

  it('lists with the resourceVersion of the list', async () => {
    api = await startLocalKubernetesApi({ list: () => ({ body: podList }) });
    const client = new HttpKubernetesClient();
    const cluster = testCluster('prod', api.url);
    await expect(
      client.listWithVersion(cluster, { kind: 'pods', namespace: 'shop' }),
    ).resolves.toEqual({
      items: [{ kind: 'Pod', metadata: { name: 'a', namespace: 'shop' } }],
      resourceVersion: '42',
    });
    await expect(
      client.list(cluster, { kind: 'pods', namespace: 'shop' }),
    ).resolves.toHaveLength(1);
  });

  it('reads an optional kind that is not installed as not installed', async () => {
    api = await startLocalKubernetesApi({
      list: () => ({ status: 404, body: { kind: 'Status', code: 404 } }),
    });
    await expect(
      new HttpKubernetesClient().listWithVersion(testCluster('p', api.url), {
        kind: 'rollouts',
        namespace: 'shop',
      }),
    ).resolves.toEqual({ items: [], notInstalled: true });
  });

  it('streams events from the resourceVersion, and tells a normal end', async () => {
    api = await startLocalKubernetesApi({ list: () => ({ body: podList }) });
    const { events, ends, handlers } = recorder();
    new HttpKubernetesClient().watch(
      testCluster('prod', api.url),
      {
        kind: 'deployments',
        namespace: 'shop',
        labelSelector: 'app=web',
      },
      { resourceVersion: '42', timeoutSeconds: 600 },
      handlers,
    );
    const stream = await api.watchCount(1);
    expect(stream.request.path).toBe(
      '/apis/apps/v1/namespaces/shop/deployments',
    );
    expect(Object.fromEntries(stream.request.query)).toEqual({
      watch: '1',
      resourceVersion: '42',
      allowWatchBookmarks: 'true',
      timeoutSeconds: '600',
      labelSelector: 'app=web',
    });
    expect(stream.request.authorization).toBe('Bearer token-of-prod');

    stream.push({ type: 'ADDED', object: { metadata: { name: 'x' } } });
    await eventually(() => events.length === 1);
    expect(events[0]).toEqual({
      type: 'ADDED',
      object: { metadata: { name: 'x', namespace: 'shop' } },
    });
    // An event split over two writes, and two events in one write.
    const modified = JSON.stringify({
      type: 'MODIFIED',
      object: { metadata: { name: 'x', namespace: 'shop', labels: {} } },
    });
    stream.write(modified.slice(0, 10));
    stream.write(
      `${modified.slice(10)}\n${JSON.stringify({
        type: 'BOOKMARK',
        object: { metadata: { resourceVersion: '50' } },
      })}\n`,
    );
    await eventually(() => events.length === 3);
    expect(events.map(e => e.type)).toEqual(['ADDED', 'MODIFIED', 'BOOKMARK']);
    expect(ends).toEqual([]);

    stream.end();
    await eventually(() => ends.length === 1);
    expect(ends).toEqual([undefined]);
  });

  it('passes on ERROR events', async () => {
    api = await startLocalKubernetesApi({ list: () => ({ body: podList }) });
    const { events, handlers } = recorder();
    new HttpKubernetesClient().watch(
      testCluster('prod', api.url),
      { kind: 'pods', namespace: 'shop' },
      { resourceVersion: '1' },
      handlers,
    );
    const stream = await api.watchCount(1);
    stream.push({
      type: 'ERROR',
      object: { kind: 'Status', code: 410, reason: 'Expired' },
    });
    await eventually(() => events.length === 1);
    expect(events[0].object.code).toBe(410);
  });

  it('ends with the status of a refused watch, without the token', async () => {
    api = await startLocalKubernetesApi({
      list: () => ({ body: podList }),
      refuseWatch: () => ({
        status: 403,
        body: { kind: 'Status', message: 'watch is forbidden', code: 403 },
      }),
    });
    const { ends, handlers } = recorder();
    new HttpKubernetesClient().watch(
      testCluster('prod', api.url, 'secret-token'),
      { kind: 'pods', namespace: 'shop' },
      { resourceVersion: '1' },
      handlers,
    );
    await eventually(() => ends.length === 1);
    expect(ends[0]).toBeInstanceOf(KubernetesRequestError);
    expect(ends[0]!.statusCode).toBe(403);
    expect(ends[0]!.message).toBe(
      "Failed to watch pods in namespace 'shop' on cluster 'prod': HTTP 403 (watch is forbidden)",
    );
    expect(ends[0]!.message).not.toContain('secret-token');
  });

  it('ends with a status when the answer is not a watch stream', async () => {
    api = await startLocalKubernetesApi({ list: () => ({ body: podList }) });
    const { ends, events, handlers } = recorder();
    new HttpKubernetesClient().watch(
      testCluster('prod', api.url),
      { kind: 'pods', namespace: 'shop' },
      { resourceVersion: '1' },
      handlers,
    );
    const stream = await api.watchCount(1);
    stream.write(JSON.stringify(podList));
    stream.end();
    await eventually(() => ends.length === 1);
    expect(events).toEqual([]);
    expect(ends[0]!.statusCode).toBe(200);
    expect(ends[0]!.message).toContain('not a watch stream');
  });

  it('ends without a status on a broken connection', async () => {
    api = await startLocalKubernetesApi({ list: () => ({ body: podList }) });
    const { ends, handlers } = recorder();
    new HttpKubernetesClient().watch(
      testCluster('prod', api.url),
      { kind: 'pods', namespace: 'shop' },
      { resourceVersion: '1' },
      handlers,
    );
    const stream = await api.watchCount(1);
    stream.push({ type: 'ADDED', object: { metadata: { name: 'x' } } });
    stream.destroy();
    await eventually(() => ends.length === 1);
    expect(ends[0]).toBeInstanceOf(KubernetesRequestError);
    expect(ends[0]!.statusCode).toBeUndefined();
  });

  it('ends without a status when the cluster refuses connections', async () => {
    const port = await refusedPort();
    const { ends, handlers } = recorder();
    new HttpKubernetesClient().watch(
      testCluster('prod', `http://127.0.0.1:${port}`),
      { kind: 'pods', namespace: 'shop' },
      { resourceVersion: '1' },
      handlers,
    );
    await eventually(() => ends.length === 1);
    expect(ends[0]!.statusCode).toBeUndefined();
    expect(ends[0]!.message).toContain(
      "Failed to watch pods in namespace 'shop'",
    );
  });

  it('closes the connection on close(), and calls no handler after', async () => {
    api = await startLocalKubernetesApi({ list: () => ({ body: podList }) });
    const { ends, events, handlers } = recorder();
    const watch = new HttpKubernetesClient().watch(
      testCluster('prod', api.url),
      { kind: 'pods', namespace: 'shop' },
      { resourceVersion: '1' },
      handlers,
    );
    const stream = await api.watchCount(1);
    watch.close();
    await stream.closed;
    stream.push({ type: 'ADDED', object: { metadata: { name: 'x' } } });
    await new Promise(resolve => setTimeout(resolve, 20));
    expect(events).toEqual([]);
    expect(ends).toEqual([]);
  });
});
