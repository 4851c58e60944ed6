import { LiveObjectCache } from './LiveObjectCache';
import { KubernetesClient, ListRequest } from './KubernetesClient';
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
