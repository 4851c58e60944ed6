/** A Kubernetes object as the store keeps it (JSON). */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    creationTimestamp?: string;
    uid?: string;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  /** The resource version this change produced. */
  resourceVersion: number;
  type: WatchEventType;
  /** Store key of the resource type, e.g. `deployments.apps`. */
  resource: string;
  object: KubeObject;
}

export type StoreListener = (event: StoreEvent) => void;

/** How many events are kept for watches that resume from a resourceVersion. */
const EVENT_HISTORY = 10000;

function objectKey(resource: string, namespace: string, name: string) {
  return `${resource}\u0000${namespace}\u0000${name}`;
}

/** JSON with sorted keys, to compare objects whatever their key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)),
        )
      : v,
  );
}

/** The object without its resourceVersion, to detect real changes. */
function withoutVersion(object: KubeObject): string {
  const { resourceVersion: _ignored, ...metadata } = object.metadata;
  return canonical({ ...object, metadata });
}

/** Objects are JSON: a JSON copy is a deep copy. */
function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value));
}

/**
 * The objects of one cluster, with a resourceVersion counter that grows by
 * one on every change, and the recent changes for watches. Objects are
 * copied in and out, never shared.
 */
export class ObjectStore {
  private readonly objects = new Map<
    string,
    { resource: string; object: KubeObject; canonical: string }
  >();
  private readonly events: StoreEvent[] = [];
  private readonly listeners = new Set<StoreListener>();
  private version: number;

  constructor(initialVersion = 1000) {
    this.version = initialVersion;
  }

  /** The cluster's current resourceVersion. */
  get resourceVersion(): number {
    return this.version;
  }

  /** The oldest resourceVersion a watch may resume from. */
  get oldestResumableVersion(): number {
    return this.events.length > 0
      ? this.events[0].resourceVersion - 1
      : this.version;
  }

  /**
   * Creates or replaces an object. Returns the stored copy; does nothing
   * (and keeps the resourceVersion) when nothing but the version differs.
   */
  upsert(resource: string, object: KubeObject): KubeObject {
    const key = objectKey(
      resource,
      object.metadata.namespace ?? '',
      object.metadata.name,
    );
    const existing = this.objects.get(key);
    const canonicalForm = withoutVersion(object);
    if (existing && existing.canonical === canonicalForm) {
      return clone(existing.object);
    }
    this.version += 1;
    const stored = clone(object);
    stored.metadata.resourceVersion = String(this.version);
    this.objects.set(key, {
      resource,
      object: stored,
      canonical: canonicalForm,
    });
    this.emit({
      resourceVersion: this.version,
      type: existing ? 'MODIFIED' : 'ADDED',
      resource,
      object: clone(stored),
    });
    return clone(stored);
  }

  delete(resource: string, namespace: string | undefined, name: string) {
    const key = objectKey(resource, namespace ?? '', name);
    const existing = this.objects.get(key);
    if (!existing) return false;
    this.objects.delete(key);
    this.version += 1;
    const object = clone(existing.object);
    object.metadata.resourceVersion = String(this.version);
    this.emit({
      resourceVersion: this.version,
      type: 'DELETED',
      resource,
      object,
    });
    return true;
  }

  get(
    resource: string,
    namespace: string | undefined,
    name: string,
  ): KubeObject | undefined {
    const entry = this.objects.get(objectKey(resource, namespace ?? '', name));
    return entry ? clone(entry.object) : undefined;
  }

  /** Objects of a type, optionally in one namespace, sorted by namespace/name. */
  list(resource: string, namespace?: string): KubeObject[] {
    const result: KubeObject[] = [];
    for (const entry of this.objects.values()) {
      if (entry.resource !== resource) continue;
      if (
        namespace !== undefined &&
        entry.object.metadata.namespace !== namespace
      )
        continue;
      result.push(clone(entry.object));
    }
    return result.sort((a, b) => {
      const ka = `${a.metadata.namespace ?? ''}/${a.metadata.name}`;
      const kb = `${b.metadata.namespace ?? ''}/${b.metadata.name}`;
      if (ka === kb) return 0;
      return ka < kb ? -1 : 1;
    });
  }

  /** Every (resource, object) pair, for reconcilers that prune. */
  keys(): Array<{ resource: string; namespace?: string; name: string }> {
    return [...this.objects.values()].map(e => ({
      resource: e.resource,
      namespace: e.object.metadata.namespace,
      name: e.object.metadata.name,
    }));
  }

  /** Changes after `resourceVersion`, or undefined when they are no longer kept. */
  eventsSince(resourceVersion: number): StoreEvent[] | undefined {
    if (resourceVersion < this.oldestResumableVersion) return undefined;
    return this.events
      .filter(e => e.resourceVersion > resourceVersion)
      .map(e => ({ ...e, object: clone(e.object) }));
  }

  subscribe(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  private emit(event: StoreEvent) {
    this.events.push(event);
    if (this.events.length > EVENT_HISTORY) this.events.shift();
    for (const listener of [...this.listeners]) {
      listener({ ...event, object: clone(event.object) });
    }
  }
}
