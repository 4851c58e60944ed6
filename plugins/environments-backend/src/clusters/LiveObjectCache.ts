import { ClusterConfig } from './ClusterConfig';
import { KubernetesClient, ListRequest } from './KubernetesClient';
import { KubeObject } from './objects';

/** A clock, injectable for tests. */
export type Clock = { now(): number };

export type LiveObjectCacheOptions = {
  client: KubernetesClient;
  /** How long a list is served from memory (default 10 s). */
  ttlMs?: number;
  /** How long a failed list is remembered, so an unreachable cluster is not hammered (default 5 s). */
  errorTtlMs?: number;
  clock?: Clock;
};

type Entry = {
  promise: Promise<KubeObject[]>;
  /** When the entry stops being served; Infinity while the request is in flight. */
  expiresAt: number;
};

/**
 * One in-flight request and one cached list per (cluster, namespace, kind, label selector),
 * shared by every entity: concurrent callers get the same promise, later callers the cached
 * answer until it expires.
 */
export class LiveObjectCache {
  readonly #client: KubernetesClient;
  readonly #ttlMs: number;
  readonly #errorTtlMs: number;
  readonly #clock: Clock;
  readonly #entries = new Map<string, Entry>();

  constructor(options: LiveObjectCacheOptions) {
    this.#client = options.client;
    this.#ttlMs = options.ttlMs ?? 10_000;
    this.#errorTtlMs = options.errorTtlMs ?? 5_000;
    this.#clock = options.clock ?? { now: () => Date.now() };
  }

  /** Lists through the cache. */
  list(cluster: ClusterConfig, request: ListRequest): Promise<KubeObject[]> {
    const key = cacheKey(cluster.name, request);
    const now = this.#clock.now();
    const existing = this.#entries.get(key);
    if (existing && existing.expiresAt > now) {
      return existing.promise;
    }
    this.#sweep(now);
    const entry: Entry = {
      promise: this.#client.list(cluster, request),
      expiresAt: Infinity,
    };
    this.#entries.set(key, entry);
    entry.promise.then(
      () => {
        entry.expiresAt = this.#clock.now() + this.#ttlMs;
      },
      () => {
        entry.expiresAt = this.#clock.now() + this.#errorTtlMs;
      },
    );
    return entry.promise;
  }

  /** Forgets everything (e.g. after a promotion, to see its effect at once). */
  clear(): void {
    this.#entries.clear();
  }

  #sweep(now: number) {
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAt <= now) this.#entries.delete(key);
    }
  }
}

function cacheKey(cluster: string, request: ListRequest): string {
  return JSON.stringify([
    cluster,
    request.namespace ?? '*',
    request.kind,
    request.labelSelector ?? '',
  ]);
}
