import { LiveObjectCache } from './LiveObjectCache';
import {
  KubernetesClient,
  KubernetesRequestError,
  ListRequest,
  ListResult,
  WatchHandlers,
  WatchOptions,
} from './KubernetesClient';
import { testCluster } from './__testUtils__/clusters';

function fakeClient() {
  const calls: ListRequest[] = [];
  const pending: Array<{
    resolve: (v: any[]) => void;
    reject: (e: Error) => void;
  }> = [];
  const client: KubernetesClient = {
    list: (_cluster, request) => {
      calls.push(request);
      return new Promise((resolve, reject) =>
        pending.push({ resolve, reject }),
      );
    },
  };
  return { client, calls, pending };
}

const flush = () => new Promise(resolve => setImmediate(resolve));

describe('LiveObjectCache', () => {
  const prod = testCluster('prod', 'https://prod');
  const request: ListRequest = { kind: 'pods', namespace: 'shop' };

  it('shares one in-flight request between concurrent callers', async () => {
    const { client, calls, pending } = fakeClient();
    const cache = new LiveObjectCache({ client });
    const callers = Array.from({ length: 20 }, () => cache.list(prod, request));
    expect(calls).toHaveLength(1);
    pending[0].resolve([{ kind: 'Pod' }]);
    const results = await Promise.all(callers);
    expect(new Set(results).size).toBe(1);
    expect(results[0]).toEqual([{ kind: 'Pod' }]);
  });

  it('serves the cached list until the TTL expires, then asks again', async () => {
    const { client, calls, pending } = fakeClient();
    let now = 1_000;
    const cache = new LiveObjectCache({
      client,
      ttlMs: 10_000,
      clock: { now: () => now },
    });
    const first = cache.list(prod, request);
    pending[0].resolve([]);
    await first;
    await flush();

    now += 9_999;
    await cache.list(prod, request);
    expect(calls).toHaveLength(1);

    now += 1;
    const third = cache.list(prod, request);
    expect(calls).toHaveLength(2);
    pending[1].resolve([{ kind: 'Pod' }]);
    await expect(third).resolves.toEqual([{ kind: 'Pod' }]);
  });

  it('keys by cluster, namespace, kind and selector', async () => {
    const { client, calls } = fakeClient();
    const cache = new LiveObjectCache({ client });
    cache.list(prod, request);
    cache.list(testCluster('dev', 'https://dev'), request);
    cache.list(prod, { kind: 'pods', namespace: 'other' });
    cache.list(prod, { kind: 'deployments', namespace: 'shop' });
    cache.list(prod, { kind: 'pods' });
    cache.list(prod, { kind: 'pods', labelSelector: 'a=b' });
    cache.list(prod, { kind: 'pods', namespace: 'shop' });
    expect(calls).toHaveLength(6);
  });

  it('remembers failures for the shorter error TTL', async () => {
    const { client, calls, pending } = fakeClient();
    let now = 0;
    const cache = new LiveObjectCache({
      client,
      ttlMs: 10_000,
      errorTtlMs: 2_000,
      clock: { now: () => now },
    });
    const first = cache.list(prod, request);
    pending[0].reject(new Error('refused'));
    await expect(first).rejects.toThrow('refused');
    await flush();
    now = 1_999;
    await expect(cache.list(prod, request)).rejects.toThrow('refused');
    expect(calls).toHaveLength(1);
    now = 2_000;
    cache.list(prod, request);
    expect(calls).toHaveLength(2);
  });
});

/** A client that can watch: every list, list-with-version and watch call is recorded and held. */
function watchingClient() {
  const lists: Array<{
    request: ListRequest;
    resolve: (v: ListResult) => void;
    reject: (e: Error) => void;
  }> = [];
  const plainLists: ListRequest[] = [];
  const watches: Array<{
    request: ListRequest;
    options: WatchOptions;
    handlers: WatchHandlers;
    closed: boolean;
  }> = [];
  const client: KubernetesClient = {
    list: async (_cluster, request) => {
      plainLists.push(request);
      return [];
    },
    listWithVersion: (_cluster, request) =>
      new Promise((resolve, reject) =>
        lists.push({ request, resolve, reject }),
      ),
    watch: (_cluster, request, options, handlers) => {
      const watch = { request, options, handlers, closed: false };
      watches.push(watch);
      return {
        close: () => {
          watch.closed = true;
        },
      };
    },
  };
  const calls = () => lists.length + plainLists.length + watches.length;
  return { client, lists, plainLists, watches, calls };
}

const pod = (name: string, resourceVersion: string, image = 'v1') => ({
  kind: 'Pod',
  metadata: { name, namespace: 'shop', resourceVersion },
  spec: { containers: [{ image }] },
});

const names = (items: any[]) => items.map(i => i.metadata?.name);

describe('LiveObjectCache with watches', () => {
  const prod = testCluster('prod', 'https://prod');
  const request: ListRequest = { kind: 'pods', namespace: 'shop' };

  async function watched(options: { idleMs?: number } = {}) {
    const fake = watchingClient();
    let now = 1_000;
    const clock = {
      now: () => now,
      advance: (ms: number) => {
        now += ms;
      },
    };
    const cache = new LiveObjectCache({
      client: fake.client,
      ttlMs: 10_000,
      idleMs: options.idleMs ?? 60_000,
      clock,
    });
    const first = cache.list(prod, request);
    fake.lists[0].resolve({
      items: [pod('a', '10'), pod('b', '11')],
      resourceVersion: '100',
    });
    expect(names(await first)).toEqual(['a', 'b']);
    await flush();
    return { ...fake, cache, clock };
  }

  it('lists once, then watches from the list version and serves events with no call', async () => {
    const { cache, clock, lists, watches, calls } = await watched();
    expect(lists).toHaveLength(1);
    expect(watches).toHaveLength(1);
    expect(watches[0].request).toEqual(request);
    expect(watches[0].options).toEqual({
      resourceVersion: '100',
      timeoutSeconds: 600,
    });
    const { onEvent } = watches[0].handlers;

    onEvent({ type: 'ADDED', object: pod('c', '101') });
    expect(names(await cache.list(prod, request))).toEqual(['a', 'b', 'c']);

    onEvent({ type: 'MODIFIED', object: pod('a', '102', 'v2') });
    const modified = await cache.list(prod, request);
    expect(names(modified)).toEqual(['a', 'b', 'c']);
    expect(modified[0].spec.containers[0].image).toBe('v2');

    onEvent({ type: 'DELETED', object: pod('b', '103') });
    // Far beyond the TTL, but read within the idle time each time: still no call.
    for (let i = 0; i < 10; i++) {
      clock.advance(30_000);
      expect(names(await cache.list(prod, request))).toEqual(['a', 'c']);
    }
    expect(calls()).toBe(2);
    expect(watches[0].closed).toBe(false);
  });

  it('shares one answer between readers while nothing changes', async () => {
    const { cache, watches } = await watched();
    watches[0].handlers.onEvent({ type: 'ADDED', object: pod('c', '101') });
    const one = await cache.list(prod, request);
    const two = await cache.list(prod, request);
    expect(two).toBe(one);
  });

  it('re-opens a stream the server ended with exactly one call, from the last version', async () => {
    const { cache, clock, watches, calls } = await watched();
    watches[0].handlers.onEvent({ type: 'ADDED', object: pod('c', '101') });
    watches[0].handlers.onEvent({
      type: 'BOOKMARK',
      object: { kind: 'Pod', metadata: { resourceVersion: '150' } },
    });
    clock.advance(30_000);
    await cache.list(prod, request);
    watches[0].handlers.onEnd();
    expect(watches).toHaveLength(2);
    expect(watches[1].options.resourceVersion).toBe('150');
    expect(calls()).toBe(3);

    // The bookmark changed nothing; events of the new stream count, those of the old do not.
    watches[1].handlers.onEvent({ type: 'DELETED', object: pod('a', '151') });
    watches[0].handlers.onEvent({ type: 'ADDED', object: pod('zombie', '1') });
    expect(names(await cache.list(prod, request))).toEqual(['b', 'c']);
    expect(calls()).toBe(3);
  });

  it('lists again after 410 Gone', async () => {
    const { cache, lists, watches } = await watched();
    watches[0].handlers.onEvent({
      type: 'ERROR',
      object: { kind: 'Status', code: 410, reason: 'Expired' },
    });
    expect(watches[0].closed).toBe(true);
    const next = cache.list(prod, request);
    expect(lists).toHaveLength(2);
    lists[1].resolve({ items: [pod('z', '200')], resourceVersion: '200' });
    expect(names(await next)).toEqual(['z']);
    await flush();
    expect(watches).toHaveLength(2);
    expect(watches[1].options.resourceVersion).toBe('200');
  });

  it('lists again after 410 as an HTTP status of the watch call', async () => {
    const { cache, lists, watches } = await watched();
    watches[0].handlers.onEnd(new KubernetesRequestError('gone', 410));
    cache.list(prod, request);
    expect(lists).toHaveLength(2);
  });

  it('lists again on the next read after a connection error', async () => {
    const { cache, lists, watches } = await watched();
    watches[0].handlers.onEnd(new KubernetesRequestError('ECONNRESET'));
    expect(watches).toHaveLength(1);
    const next = cache.list(prod, request);
    expect(lists).toHaveLength(2);
    lists[1].resolve({ items: [], resourceVersion: '300' });
    expect(await next).toEqual([]);
  });

  it('does not serve a list whose re-opened watch failed', async () => {
    const { cache, lists, watches } = await watched();
    watches[0].handlers.onEnd();
    watches[1].handlers.onEnd(new KubernetesRequestError('no answer'));
    cache.list(prod, request);
    expect(lists).toHaveLength(2);
  });

  it('closes and forgets the watch of a key nobody read for the idle time', async () => {
    const { cache, clock, lists, watches } = await watched({ idleMs: 60_000 });
    const other: ListRequest = { kind: 'deployments', namespace: 'shop' };
    clock.advance(59_999);
    await cache.list(prod, request);
    expect(watches[0].closed).toBe(false);

    clock.advance(60_000);
    // Reading another key sweeps the idle one.
    cache.list(prod, other);
    expect(watches[0].closed).toBe(true);
    expect(cache.watchCount).toBe(0);
    cache.list(prod, request);
    expect(lists.map(l => l.request)).toEqual([request, other, request]);
  });

  it('closes every watch on clear() and close()', async () => {
    const { cache, lists, watches } = await watched();
    cache.clear();
    expect(watches[0].closed).toBe(true);
    cache.list(prod, request);
    expect(lists).toHaveLength(2);
    lists[1].resolve({ items: [], resourceVersion: '5' });
    await flush();
    expect(cache.watchCount).toBe(1);
    cache.close();
    expect(watches[1].closed).toBe(true);
    expect(cache.watchCount).toBe(0);
  });

  it('keeps optional kinds that are not installed on the TTL, without a watch', async () => {
    const fake = watchingClient();
    let now = 0;
    const cache = new LiveObjectCache({
      client: fake.client,
      ttlMs: 10_000,
      clock: { now: () => now },
    });
    const rollouts: ListRequest = { kind: 'rollouts', namespace: 'shop' };
    const first = cache.list(prod, rollouts);
    fake.lists[0].resolve({ items: [], notInstalled: true });
    expect(await first).toEqual([]);
    await flush();
    expect(fake.watches).toHaveLength(0);
    now = 9_999;
    await cache.list(prod, rollouts);
    expect(fake.calls()).toBe(1);
    now = 10_000;
    cache.list(prod, rollouts);
    expect(fake.calls()).toBe(2);
  });

  it('falls back to the TTL, without errors, where the server refuses the watch', async () => {
    const { cache, clock, lists, plainLists, watches, calls } = await watched();
    watches[0].handlers.onEnd(
      new KubernetesRequestError('the answer is not a watch stream', 200),
    );
    clock.advance(9_999);
    expect(names(await cache.list(prod, request))).toEqual(['a', 'b']);
    expect(calls()).toBe(2);
    clock.advance(1);
    await expect(cache.list(prod, request)).resolves.toEqual([]);
    // Listed again, plainly: no second watch for that key.
    expect(lists).toHaveLength(1);
    expect(plainLists).toHaveLength(1);
    expect(watches).toHaveLength(1);
  });

  it('falls back to the TTL when the server keeps ending the stream at once', async () => {
    const { cache, watches } = await watched();
    watches[0].handlers.onEnd();
    watches[1].handlers.onEnd();
    expect(watches).toHaveLength(3);
    watches[2].handlers.onEnd();
    expect(watches).toHaveLength(3);
    expect(cache.watchCount).toBe(0);
    expect(names(await cache.list(prod, request))).toEqual(['a', 'b']);
  });

  it('keeps the TTL behaviour with watch: false', async () => {
    const fake = watchingClient();
    let now = 0;
    const cache = new LiveObjectCache({
      client: fake.client,
      ttlMs: 10_000,
      watch: false,
      clock: { now: () => now },
    });
    await cache.list(prod, request);
    await flush();
    now = 9_999;
    await cache.list(prod, request);
    expect(fake.calls()).toBe(1);
    now = 10_000;
    await cache.list(prod, request);
    expect(fake.plainLists).toHaveLength(2);
    expect(fake.lists).toHaveLength(0);
    expect(fake.watches).toHaveLength(0);
  });
});
