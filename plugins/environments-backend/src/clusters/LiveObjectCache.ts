import { ClusterConfig } from './ClusterConfig';
import {
  KubernetesClient,
  KubernetesRequestError,
  KubernetesWatch,
  ListRequest,
  ListResult,
  WatchEvent,
} from './KubernetesClient';
import { KubeObject } from './objects';

/** A clock, injectable for tests. */
export type Clock = { now(): number };

export type LiveObjectCacheOptions = {
  client: KubernetesClient;
  /**
   * How long a list is served from memory when it is not watched (default 10 s), and how long a
   * list is served after its watch was refused.
   */
  ttlMs?: number;
  /** How long a failed list is remembered, so an unreachable cluster is not hammered (default 5 s). */
  errorTtlMs?: number;
  /**
   * Keeps each list current through a watch, when the client can watch (default true). False:
   * every list is served for `ttlMs`, then listed again.
   */
  watch?: boolean;
  /** A watched list nobody read for this long closes its watch and is forgotten (default 5 min). */
  idleMs?: number;
  /** The `timeoutSeconds` of each watch call (default 600). */
  watchTimeoutSeconds?: number;
  clock?: Clock;
  /** Told why watches stop. */
  logger?: { debug(message: string): void };
};

type WatchState = {
  /** The objects by namespace/name, in the order they were listed or added. */
  objects: Map<string, KubeObject>;
  resourceVersion: string;
  /** Changes each time a watch call is opened; events of older calls are ignored. */
  generation: number;
  handle?: KubernetesWatch;
  openedAt: number;
  eventsSinceOpen: number;
  /** Streams in a row that ended at once without an event. */
  emptyEnds: number;
  /** The objects changed since `promise` was made. */
  dirty: boolean;
};

type Entry = {
  key: string;
  cluster: ClusterConfig;
  request: ListRequest;
  promise: Promise<KubeObject[]>;
  /** When an unwatched entry stops being served; Infinity while in flight or watched. */
  expiresAt: number;
  lastReadAt: number;
  watch?: WatchState;
};

/** A stream that ends this soon after it opened, without an event, does not count as a watch. */
const EMPTY_END_MS = 1000;
const MAX_EMPTY_ENDS = 3;

/**
 * One list per (cluster, namespace, kind, label selector), shared by every entity: concurrent
 * callers get the same promise.
 *
 * When the client can watch (and `watch` is not false), the first read lists, then opens a watch
 * from the list's resourceVersion and keeps the list current from its events: later reads are
 * served from memory, with no call, for as long as the watch is healthy. A stream the server ends
 * is re-opened from the last resourceVersion. A watch that fails (410 Gone, a connection error,
 * an ERROR event) drops the entry, so the next read lists again; a watch the server refuses (an
 * HTTP error, or an answer that is not a watch stream) leaves the key to TTL caching. A key
 * nobody reads for `idleMs` closes its watch and is forgotten.
 *
 * Without watches (and for optional kinds that are not installed), a list is served until `ttlMs`
 * expires.
 */
export class LiveObjectCache {
  readonly #client: KubernetesClient;
  readonly #ttlMs: number;
  readonly #errorTtlMs: number;
  readonly #watch: boolean;
  readonly #idleMs: number;
  readonly #watchTimeoutSeconds: number;
  readonly #clock: Clock;
  readonly #logger?: { debug(message: string): void };
  readonly #entries = new Map<string, Entry>();
  /** Keys whose watch was refused, with when to try watching them again. */
  readonly #unwatchable = new Map<string, number>();
  #sweepTimer?: NodeJS.Timeout;

  constructor(options: LiveObjectCacheOptions) {
    this.#client = options.client;
    this.#ttlMs = options.ttlMs ?? 10_000;
    this.#errorTtlMs = options.errorTtlMs ?? 5_000;
    this.#watch = options.watch ?? true;
    this.#idleMs = options.idleMs ?? 5 * 60_000;
    this.#watchTimeoutSeconds = options.watchTimeoutSeconds ?? 600;
    this.#clock = options.clock ?? { now: () => Date.now() };
    this.#logger = options.logger;
  }

  /** Lists through the cache. */
  list(cluster: ClusterConfig, request: ListRequest): Promise<KubeObject[]> {
    const key = cacheKey(cluster.name, request);
    const now = this.#clock.now();
    this.#sweep(now);
    const existing = this.#entries.get(key);
    if (existing && (existing.watch || existing.expiresAt > now)) {
      existing.lastReadAt = now;
      if (existing.watch?.dirty) {
        existing.watch.dirty = false;
        existing.promise = Promise.resolve([
          ...existing.watch.objects.values(),
        ]);
      }
      return existing.promise;
    }

    const watch = this.#canWatch(key, now);
    const listing: Promise<ListResult> = watch
      ? this.#client.listWithVersion!(cluster, request)
      : this.#client.list(cluster, request).then(items => ({ items }));
    const entry: Entry = {
      key,
      cluster,
      request,
      promise: listing.then(result => result.items),
      expiresAt: Infinity,
      lastReadAt: now,
    };
    this.#entries.set(key, entry);
    listing.then(
      result => {
        if (this.#entries.get(key) !== entry) return;
        if (watch && result.resourceVersion && !result.notInstalled) {
          this.#startWatch(entry, result.items, result.resourceVersion);
        } else {
          entry.expiresAt = this.#clock.now() + this.#ttlMs;
        }
      },
      () => {
        entry.expiresAt = this.#clock.now() + this.#errorTtlMs;
      },
    );
    return entry.promise;
  }

  /** Forgets everything and closes every watch (e.g. after a promotion, to see its effect at once). */
  clear(): void {
    for (const entry of this.#entries.values()) this.#closeWatch(entry);
    this.#entries.clear();
    this.#unwatchable.clear();
    this.#stopSweepTimer();
  }

  /** Closes every watch; the cache stays usable (the next read lists again). */
  close(): void {
    this.clear();
  }

  /** How many watches are open or being re-opened (for tests and diagnostics). */
  get watchCount(): number {
    let count = 0;
    for (const entry of this.#entries.values()) if (entry.watch) count++;
    return count;
  }

  #canWatch(key: string, now: number): boolean {
    if (!this.#watch || !this.#client.watch || !this.#client.listWithVersion) {
      return false;
    }
    const until = this.#unwatchable.get(key);
    if (until === undefined) return true;
    if (until > now) return false;
    this.#unwatchable.delete(key);
    return true;
  }

  #startWatch(entry: Entry, items: KubeObject[], resourceVersion: string) {
    const objects = new Map<string, KubeObject>();
    for (const item of items) objects.set(objectKey(item), item);
    entry.watch = {
      objects,
      resourceVersion,
      generation: 0,
      openedAt: 0,
      eventsSinceOpen: 0,
      emptyEnds: 0,
      dirty: false,
    };
    entry.expiresAt = Infinity;
    this.#openWatch(entry);
    this.#startSweepTimer();
  }

  #openWatch(entry: Entry) {
    const state = entry.watch!;
    const generation = ++state.generation;
    state.openedAt = this.#clock.now();
    state.eventsSinceOpen = 0;
    const current = () =>
      this.#entries.get(entry.key) === entry &&
      entry.watch === state &&
      state.generation === generation;
    let handle: KubernetesWatch;
    try {
      handle = this.#client.watch!(
        entry.cluster,
        entry.request,
        {
          resourceVersion: state.resourceVersion,
          timeoutSeconds: this.#watchTimeoutSeconds,
        },
        {
          onEvent: event => {
            if (current()) this.#apply(entry, state, event);
          },
          onEnd: error => {
            if (!current()) return;
            state.handle = undefined;
            this.#ended(entry, state, error);
          },
        },
      );
    } catch (error) {
      this.#drop(entry, `could not open: ${String(error)}`);
      return;
    }
    if (current()) state.handle = handle;
  }

  #apply(entry: Entry, state: WatchState, event: WatchEvent) {
    state.eventsSinceOpen++;
    state.emptyEnds = 0;
    if (event.type === 'ERROR') {
      const code = event.object?.code;
      this.#drop(
        entry,
        code === 410
          ? 'resourceVersion gone (410)'
          : `error event${code ? ` ${code}` : ''}${
              typeof event.object?.message === 'string'
                ? `: ${event.object.message}`
                : ''
            }`,
      );
      return;
    }
    const version = event.object?.metadata?.resourceVersion;
    if (typeof version === 'string' && version) {
      state.resourceVersion = version;
    }
    if (event.type === 'BOOKMARK' || !event.object?.metadata) return;
    if (event.type === 'DELETED') {
      state.objects.delete(objectKey(event.object));
    } else {
      state.objects.set(objectKey(event.object), event.object);
    }
    state.dirty = true;
  }

  #ended(entry: Entry, state: WatchState, error?: KubernetesRequestError) {
    if (!error) {
      const now = this.#clock.now();
      if (state.eventsSinceOpen === 0 && now - state.openedAt < EMPTY_END_MS) {
        state.emptyEnds++;
        if (state.emptyEnds >= MAX_EMPTY_ENDS) {
          this.#toTtl(entry, 'the server keeps ending the stream at once');
          return;
        }
      }
      // The server ended the stream (timeoutSeconds): the list is still current; go on from there.
      this.#openWatch(entry);
      return;
    }
    if (error.statusCode === undefined || error.statusCode === 410) {
      // A connection error, a timeout, or a resourceVersion too old: list again on the next read.
      this.#drop(entry, error.message);
      return;
    }
    // The server answered but does not watch (e.g. 403 on watch, or not a watch stream).
    this.#toTtl(entry, error.message);
  }

  /** Serves what the watch knew for `ttlMs`, then lists again, without a watch for a while. */
  #toTtl(entry: Entry, reason: string) {
    this.#logger?.debug(`Live state: not watching ${entry.key}: ${reason}`);
    const state = entry.watch;
    this.#closeWatch(entry);
    entry.watch = undefined;
    if (state) entry.promise = Promise.resolve([...state.objects.values()]);
    const now = this.#clock.now();
    entry.expiresAt = now + this.#ttlMs;
    this.#unwatchable.set(entry.key, now + this.#idleMs);
  }

  #drop(entry: Entry, reason: string) {
    this.#logger?.debug(`Live state: watch of ${entry.key} ended: ${reason}`);
    this.#closeWatch(entry);
    entry.watch = undefined;
    if (this.#entries.get(entry.key) === entry) this.#entries.delete(entry.key);
  }

  #closeWatch(entry: Entry) {
    const state = entry.watch;
    if (!state) return;
    state.generation++;
    const handle = state.handle;
    state.handle = undefined;
    handle?.close();
  }

  #sweep(now: number) {
    for (const [key, entry] of this.#entries) {
      if (entry.watch) {
        if (entry.lastReadAt + this.#idleMs <= now) {
          this.#closeWatch(entry);
          entry.watch = undefined;
          this.#entries.delete(key);
        }
      } else if (entry.expiresAt <= now) {
        this.#entries.delete(key);
      }
    }
    for (const [key, until] of this.#unwatchable) {
      if (until <= now) this.#unwatchable.delete(key);
    }
    if (this.watchCount === 0) this.#stopSweepTimer();
  }

  /** While watches are open, idle keys are closed even when nothing reads the cache. */
  #startSweepTimer() {
    if (this.#sweepTimer) return;
    this.#sweepTimer = setInterval(
      () => this.#sweep(this.#clock.now()),
      Math.max(Math.min(this.#idleMs, 60_000), 1000),
    );
    this.#sweepTimer.unref?.();
  }

  #stopSweepTimer() {
    if (this.#sweepTimer) clearInterval(this.#sweepTimer);
    this.#sweepTimer = undefined;
  }
}

function objectKey(object: KubeObject): string {
  return `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
}

function cacheKey(cluster: string, request: ListRequest): string {
  return JSON.stringify([
    cluster,
    request.namespace ?? '*',
    request.kind,
    request.labelSelector ?? '',
  ]);
}
