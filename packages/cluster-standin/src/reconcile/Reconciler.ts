import type {
  DeclaredModel,
  DeclaredWorkload,
} from '@stagecraft/plugin-environments-node';
import { KubeObject, ObjectStore } from '../store/ObjectStore';
import { resourceKey, resourceTypeOfKind } from '../api/resources';
import { ImageRegistry } from './registry';
import {
  buildDeployment,
  buildHpa,
  buildIngress,
  buildNamespace,
  buildPod,
  buildReplicaSet,
  buildService,
  containerSpecs,
  Revision,
  RolloutSnapshot,
  rollingUpdateBounds,
  templateHash,
  WorkloadContext,
} from './workloadObjects';

export interface ReconcilerOptions {
  /** Cluster name → the environments it runs. */
  clusters: Record<string, string[]>;
  stores: Map<string, ObjectStore>;
  registry: ImageRegistry;
  /** How long a rollout of pullable images takes. */
  rolloutMs: number;
  /** After this long without completing, a rollout gets ProgressDeadlineExceeded. */
  progressDeadlineMs: number;
  now: () => number;
}

interface WorkloadState {
  cluster: string;
  namespace: string;
  workload: DeclaredWorkload;
  createdAt: number;
  generation: number;
  revisions: Revision[];
  current: Revision;
  stable?: Revision;
  rolloutStartedAt: number;
  settledAt?: number;
  /** Since when the workload has had ready pods, if it has. */
  availableSince?: number;
}

const MANAGED = 'app.kubernetes.io/managed-by';
const MANAGED_VALUE = 'stagecraft-cluster-standin';
const BASE_NAMESPACES = ['default', 'kube-system'];

/**
 * Turns the declared state into the objects a cluster would hold, as time
 * passes: per Deployment a ReplicaSet per pod template, Pods, an HPA, a
 * Service and an Ingress; rollouts take `rolloutMs`; images the registry
 * does not have never become ready.
 */
export class Reconciler {
  private readonly states = new Map<string, WorkloadState>();
  private readonly startedAt: number;
  private declared: DeclaredWorkload[] | undefined;

  constructor(private readonly options: ReconcilerOptions) {
    this.startedAt = options.now();
  }

  /** The cluster an environment runs in, if any. */
  clusterOf(environment: string): string | undefined {
    for (const [cluster, environments] of Object.entries(
      this.options.clusters,
    )) {
      if (environments.includes(environment)) return cluster;
    }
    return undefined;
  }

  /** Takes a new declared state; objects follow on the next {@link tick}. */
  apply(model: DeclaredModel) {
    const now = this.options.now();
    const first = this.declared === undefined;
    this.declared = model.workloads;
    const seen = new Set<string>();
    for (const workload of model.workloads) {
      if (workload.kind !== 'Deployment') continue;
      const cluster = this.clusterOf(workload.environment);
      if (!cluster) continue;
      // A release whose namespace Git does not say (helm install -n <env>) goes to a namespace
      // named after its environment, as the tbyte-style layout installs it.
      const namespace = workload.namespace ?? workload.environment;
      const key = `${cluster}/${namespace}/${workload.name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const containers = containerSpecs(workload);
      const hash = templateHash(containers);
      const unpullable = containers
        .filter(c => !this.options.registry.has(c.repository, c.tag))
        .map(c => c.name);
      const existing = this.states.get(key);
      if (!existing) {
        const revision: Revision = {
          hash,
          revision: 1,
          containers,
          unpullable,
          createdAt: first ? this.startedAt : now,
        };
        // What runs when the stand-in starts is already rolled out.
        const settled = first && unpullable.length === 0;
        this.states.set(key, {
          cluster,
          namespace,
          workload,
          createdAt: revision.createdAt,
          generation: 1,
          revisions: [revision],
          current: revision,
          stable: settled ? revision : undefined,
          rolloutStartedAt: revision.createdAt,
          settledAt: settled ? revision.createdAt : undefined,
          availableSince: settled ? revision.createdAt : undefined,
        });
        continue;
      }
      const specChanged =
        existing.current.hash !== hash ||
        this.desiredReplicas(existing.workload) !==
          this.desiredReplicas(workload);
      existing.workload = workload;
      if (specChanged) existing.generation += 1;
      if (existing.current.hash === hash) continue;
      const nextNumber =
        Math.max(...existing.revisions.map(r => r.revision)) + 1;
      let revision = existing.revisions.find(r => r.hash === hash);
      if (revision) {
        revision.revision = nextNumber;
      } else {
        revision = {
          hash,
          revision: nextNumber,
          containers,
          unpullable,
          createdAt: now,
        };
        existing.revisions.push(revision);
        if (existing.revisions.length > 11) existing.revisions.shift();
      }
      existing.current = revision;
      existing.rolloutStartedAt = now;
      existing.settledAt = undefined;
    }
    for (const key of [...this.states.keys()]) {
      if (!seen.has(key)) this.states.delete(key);
    }
  }

  private desiredReplicas(workload: DeclaredWorkload): number {
    const a = workload.autoscaling;
    let n = workload.replicas ?? a?.minReplicas ?? 1;
    if (a?.minReplicas !== null && a?.minReplicas !== undefined)
      n = Math.max(n, a.minReplicas);
    if (a?.maxReplicas !== null && a?.maxReplicas !== undefined)
      n = Math.min(n, a.maxReplicas);
    return n;
  }

  private snapshot(state: WorkloadState, now: number): RolloutSnapshot {
    const desired = this.desiredReplicas(state.workload);
    const { current } = state;
    const base = {
      desired,
      current,
      rolloutStartedAt: state.rolloutStartedAt,
      availableSince: state.availableSince,
    };
    if (state.stable === current) {
      return {
        ...base,
        newPods: desired,
        newReady: desired,
        oldPods: 0,
        complete: true,
        deadlineExceeded: false,
        settledAt: state.settledAt,
      };
    }
    const elapsed = now - state.rolloutStartedAt;
    const { maxSurge } = rollingUpdateBounds(desired);
    const stable = state.stable;
    if (current.unpullable.length === 0 && elapsed >= this.options.rolloutMs) {
      state.stable = current;
      state.settledAt = state.rolloutStartedAt + this.options.rolloutMs;
      state.availableSince ??= state.settledAt;
      return this.snapshot(state, now);
    }
    const deadlineExceeded = elapsed >= this.options.progressDeadlineMs;
    const settledAt = deadlineExceeded
      ? state.rolloutStartedAt + this.options.progressDeadlineMs
      : undefined;
    let newReady = 0;
    if (current.unpullable.length === 0) {
      newReady = Math.min(
        desired - 1,
        Math.floor((elapsed / this.options.rolloutMs) * desired),
      );
    }
    const newPods = stable ? Math.min(desired, newReady + maxSurge) : desired;
    const oldPods = stable ? desired - newReady : 0;
    return {
      ...base,
      stable,
      newPods,
      newReady,
      oldPods,
      complete: false,
      deadlineExceeded,
      settledAt,
    };
  }

  /** Writes every cluster's objects as they are now, and removes the rest. */
  tick() {
    const now = this.options.now();
    const desired = new Map<
      string,
      Map<string, { resource: string; object: KubeObject }>
    >();
    for (const cluster of this.options.stores.keys())
      desired.set(cluster, new Map());
    const put = (cluster: string, object: KubeObject) => {
      const type = resourceTypeOfKind(object.apiVersion, object.kind);
      if (!type) return;
      const resource = resourceKey(type);
      desired
        .get(cluster)
        ?.set(
          `${resource}/${object.metadata.namespace ?? ''}/${
            object.metadata.name
          }`,
          {
            resource,
            object,
          },
        );
    };

    const namespaces = new Map<string, Set<string>>();
    for (const state of this.states.values()) {
      if (!this.options.stores.has(state.cluster)) continue;
      const set = namespaces.get(state.cluster) ?? new Set(BASE_NAMESPACES);
      set.add(state.namespace);
      namespaces.set(state.cluster, set);
      for (const object of this.objectsOf(state, now))
        put(state.cluster, object);
    }
    for (const cluster of this.options.stores.keys()) {
      for (const ns of namespaces.get(cluster) ?? BASE_NAMESPACES) {
        put(cluster, buildNamespace(ns, this.startedAt));
      }
    }

    for (const [cluster, store] of this.options.stores) {
      const want = desired.get(cluster)!;
      for (const { resource, object } of want.values())
        store.upsert(resource, object);
      for (const key of store.keys()) {
        if (want.has(`${key.resource}/${key.namespace ?? ''}/${key.name}`))
          continue;
        const existing = store.get(key.resource, key.namespace, key.name);
        const managed =
          key.resource === 'namespaces' ||
          existing?.metadata.labels?.[MANAGED] === MANAGED_VALUE ||
          existing?.metadata.labels?.['pod-template-hash'] !== undefined;
        if (managed) store.delete(key.resource, key.namespace, key.name);
      }
    }
  }

  private objectsOf(state: WorkloadState, now: number): KubeObject[] {
    const snap = this.snapshot(state, now);
    const ctx: WorkloadContext = {
      cluster: state.cluster,
      workload: state.workload,
      namespace: state.namespace,
      createdAt: state.createdAt,
      generation: state.generation,
      progressDeadlineSeconds: Math.round(
        this.options.progressDeadlineMs / 1000,
      ),
    };
    const objects: KubeObject[] = [buildDeployment(ctx, snap)];
    for (const revision of state.revisions) {
      let replicas = 0;
      let ready = 0;
      if (revision === snap.current) {
        replicas = snap.newPods;
        ready = snap.newReady;
      } else if (revision === snap.stable) {
        replicas = snap.oldPods;
        ready = snap.oldPods;
      }
      objects.push(
        buildReplicaSet(ctx, revision, replicas, ready, snap.desired),
      );
      for (let i = 0; i < replicas; i++) {
        let podState: 'running' | 'creating' | 'imagePullBackOff' = 'running';
        if (i >= ready) {
          podState =
            revision.unpullable.length > 0 ? 'imagePullBackOff' : 'creating';
        }
        const createdAt =
          revision === snap.current && revision !== snap.stable
            ? state.rolloutStartedAt
            : revision.createdAt;
        objects.push(buildPod(ctx, revision, i, podState, createdAt));
      }
    }
    const available = snap.newReady + snap.oldPods;
    const hpa = buildHpa(ctx, available, snap.desired);
    if (hpa) objects.push(hpa);
    const ingress = buildIngress(ctx);
    if (ingress) {
      objects.push(buildService(ctx));
      objects.push(ingress);
    }
    return objects;
  }
}
