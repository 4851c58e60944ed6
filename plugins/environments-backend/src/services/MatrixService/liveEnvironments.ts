import {
  ClusterHealth,
  Drift,
  LiveState,
  MatrixEnvironment,
  MatrixWorkload,
} from '@stagecraft/plugin-environments-common';
import {
  ClusterLiveState,
  EntityLiveState,
  isClusterLiveError,
  LiveWorkload,
} from '../../clusters';
import { worstHealth } from './health';

/** Tags that name a moving target: the same tag may be a different image tomorrow. */
const MUTABLE_TAGS = new Set([
  'latest',
  'main',
  'master',
  'dev',
  'develop',
  'edge',
  'nightly',
]);

function toLiveState(w: LiveWorkload): LiveState {
  return {
    cluster: w.cluster,
    namespace: w.namespace,
    kind: w.kind,
    name: w.name,
    images: w.images,
    replicas: w.replicas,
    autoscaling: w.hpa && {
      min: w.hpa.min,
      max: w.hpa.max,
      current: w.hpa.current,
    },
    health: w.health,
    healthReason: w.healthReason,
    lastChangeTime: w.lastChangeTime,
  };
}

/** The fields whose live value differs from the declared one, per cluster. */
export function driftOf(workload: MatrixWorkload, live: LiveState): Drift[] {
  const declared = workload.declared;
  if (!declared) {
    return [];
  }
  const drift: Drift[] = [];
  for (const container of declared.containers) {
    const running = live.images.filter(
      i => i.container === container.name && i.current,
    );
    if (running.length === 0) {
      continue;
    }
    const show = (tag?: string | null, digest?: string | null) =>
      tag ?? (digest ? digest.slice(0, 19) : null);
    let differs: boolean;
    if (container.digest) {
      differs = running.some(i => i.digest !== container.digest);
    } else if (!container.tag || MUTABLE_TAGS.has(container.tag)) {
      // A mutable tag: the pods agree with Git only if they all run one image.
      differs =
        running.some(i => i.tag !== (container.tag ?? undefined)) ||
        new Set(running.map(i => i.digest).filter(Boolean)).size > 1;
    } else {
      differs = running.some(i => i.tag !== container.tag);
    }
    if (differs) {
      drift.push({
        field: 'image',
        container: container.name,
        cluster: live.cluster,
        declared: show(container.tag, container.digest),
        live: [...new Set(running.map(i => show(i.tag, i.digest)))].join(', '),
        provenance: container.source ?? undefined,
      });
    }
  }
  if (declared.autoscaling) {
    const { minReplicas, maxReplicas } = declared.autoscaling;
    if (
      live.autoscaling &&
      (live.autoscaling.min !== minReplicas ||
        live.autoscaling.max !== maxReplicas)
    ) {
      drift.push({
        field: 'autoscaling',
        cluster: live.cluster,
        declared: `${minReplicas}–${maxReplicas}`,
        live: `${live.autoscaling.min}–${live.autoscaling.max}`,
        provenance: declared.provenance['autoscaling.minReplicas'],
      });
    }
  } else if (
    declared.replicas !== null &&
    live.replicas &&
    live.replicas.desired !== declared.replicas
  ) {
    drift.push({
      field: 'replicas',
      cluster: live.cluster,
      declared: String(declared.replicas),
      live: String(live.replicas.desired),
      provenance: declared.provenance.replicas,
    });
  }
  return drift;
}

/**
 * Adds what the clusters report to the declared columns: each workload's live objects (matched
 * by kind, name and namespace), its drift and health; each environment's health (the worst of its
 * workloads), per-cluster breakdown, sync as compared by us, and last change time. A cluster that
 * did not answer degrades only the workloads it could have run.
 */
export function mergeLiveState(
  environments: MatrixEnvironment[],
  liveState: EntityLiveState,
): MatrixEnvironment[] {
  const answered = liveState.clusters.filter(
    (c): c is ClusterLiveState => !isClusterLiveError(c),
  );
  const failed = liveState.clusters.filter(isClusterLiveError);

  return environments.map(env => {
    const workloads = env.workloads.map(workload => {
      let candidates = answered
        .flatMap(c => c.workloads)
        .filter(
          w =>
            w.kind === workload.kind &&
            w.name === workload.name &&
            (workload.namespace === null || w.namespace === workload.namespace),
        );
      // Git does not always say the namespace (helm install -n <env>): then the objects in a
      // namespace named after the environment are this environment's, if there are any.
      if (workload.namespace === null) {
        const named = candidates.filter(w => w.namespace === env.name);
        candidates = named.length > 0 ? named : candidates;
      }
      const live = candidates.map(toLiveState);
      let health = worstHealth(live.map(l => l.health));
      if (live.length === 0) {
        health =
          failed.length > 0 || answered.length === 0 ? 'Unknown' : 'Missing';
      }
      return {
        ...workload,
        live,
        drift: live.flatMap(l => driftOf(workload, l)),
        health,
      };
    });

    const running = workloads.flatMap(w => w.live);
    const clusters: ClusterHealth[] = [
      ...[...new Set(running.map(l => l.cluster))].sort().map(cluster => ({
        cluster,
        health: worstHealth(
          running.filter(l => l.cluster === cluster).map(l => l.health),
        ),
      })),
      ...failed.map(f => ({
        cluster: f.cluster,
        health: 'Unknown' as const,
        error: f.error.message,
      })),
    ];

    const problems = [...env.problems];
    const unmatched = workloads.filter(w => w.live.length === 0);
    if (unmatched.length > 0) {
      for (const f of failed) {
        problems.push({
          severity: 'warning',
          message: `Cluster ${f.cluster} did not answer (${
            f.error.message
          }); ${unmatched.map(w => w.name).join(', ')} may run there`,
        });
      }
    }

    const lastChangeTime = running
      .map(l => l.lastChangeTime)
      .filter((t): t is string => Boolean(t))
      .sort()
      .pop();
    let syncStatus: 'Synced' | 'OutOfSync' | 'Unknown' = 'Unknown';
    if (workloads.some(w => w.drift.length > 0)) {
      syncStatus = 'OutOfSync';
    } else if (workloads.length > 0 && unmatched.length === 0) {
      syncStatus = 'Synced';
    }

    return {
      ...env,
      workloads,
      health: workloads.length
        ? worstHealth(workloads.map(w => w.health))
        : 'Unknown',
      clusters,
      sync: { status: syncStatus, by: 'stagecraft' as const },
      ...(lastChangeTime && { lastChangeTime }),
      problems,
    };
  });
}

/**
 * For an entity with no declared state: one environment per cluster (in the order the clusters
 * are configured) holding the workloads found there.
 */
export function liveOnlyEnvironments(
  liveState: EntityLiveState,
  clusterOrder: string[],
): MatrixEnvironment[] {
  const byCluster = [...liveState.clusters].sort(
    (a, b) => clusterOrder.indexOf(a.cluster) - clusterOrder.indexOf(b.cluster),
  );
  return byCluster
    .filter(c => isClusterLiveError(c) || c.workloads.length > 0)
    .map((cluster, order) => {
      const declared: MatrixEnvironment = {
        name: cluster.cluster,
        order,
        version: { images: [] },
        workloads: isClusterLiveError(cluster)
          ? []
          : cluster.workloads.map(w => ({
              application: w.name,
              kind: w.kind,
              name: w.name,
              namespace: w.namespace,
              live: [],
              drift: [],
              health: 'Unknown' as const,
            })),
        health: 'Unknown',
        clusters: [],
        sync: { status: 'Unknown' },
        problems: [],
      };
      const [merged] = mergeLiveState([declared], { clusters: [cluster] });
      merged.version = {
        images: merged.workloads.flatMap(w =>
          (w.live[0]?.images ?? [])
            .filter(i => i.current)
            .map(i => ({
              application: w.application,
              container: i.container,
              image: i.repository,
              tag: i.tag ?? null,
              digest: i.digest ?? null,
            })),
        ),
      };
      merged.sync = { status: 'Unknown' };
      if (isClusterLiveError(cluster)) {
        merged.problems.push({
          severity: 'warning',
          message: `Cluster ${cluster.cluster} did not answer (${cluster.error.message})`,
        });
      }
      return merged;
    });
}
