import {
  HealthResult,
  deploymentHealth,
  podHealth,
  rolloutHealth,
  statefulSetHealth,
  worstHealth,
} from './health';
import {
  digestFromImageId,
  normalizeRepository,
  parseImageReference,
} from './images';
import {
  KubeCondition,
  KubeObject,
  Pod,
  PodTemplate,
  num,
  readConditions,
} from './objects';
import {
  LiveAutoscaling,
  LiveCondition,
  LiveImage,
  LiveWorkload,
  LiveWorkloadKind,
} from './types';

/** The objects of a namespace that a workload's live state is built from. */
export type NamespaceObjects = {
  replicaSets: KubeObject[];
  pods: Pod[];
  hpas: KubeObject[];
};

const WORKLOAD_KINDS: LiveWorkloadKind[] = [
  'Deployment',
  'StatefulSet',
  'Rollout',
];

/** Whether an object is one of the workload kinds. */
export function isWorkloadKind(
  kind: string | undefined,
): kind is LiveWorkloadKind {
  return WORKLOAD_KINDS.includes(kind as LiveWorkloadKind);
}

function isOwnedBy(obj: KubeObject, owner: KubeObject): boolean {
  return (obj.metadata?.ownerReferences ?? []).some(ref =>
    ref.uid && owner.metadata?.uid
      ? ref.uid === owner.metadata.uid
      : ref.kind === owner.kind && ref.name === owner.metadata?.name,
  );
}

/** The pods of a workload: through its ReplicaSets (Deployment, Rollout) or directly (StatefulSet). */
export function podsOfWorkload(
  workload: KubeObject,
  objects: Pick<NamespaceObjects, 'replicaSets' | 'pods'>,
): Pod[] {
  const namespace = workload.metadata?.namespace;
  const sameNamespace = (o: KubeObject) => o.metadata?.namespace === namespace;
  const owners =
    workload.kind === 'StatefulSet'
      ? [workload]
      : objects.replicaSets.filter(
          rs => sameNamespace(rs) && isOwnedBy(rs, workload),
        );
  return objects.pods.filter(
    pod => sameNamespace(pod) && owners.some(owner => isOwnedBy(pod, owner)),
  );
}

/** The HorizontalPodAutoscaler that scales a workload, by `spec.scaleTargetRef`. */
export function hpaOfWorkload(
  workload: KubeObject,
  hpas: KubeObject[],
): KubeObject | undefined {
  return hpas.find(hpa => {
    const target = hpa.spec?.scaleTargetRef ?? {};
    return (
      hpa.metadata?.namespace === workload.metadata?.namespace &&
      target.kind === workload.kind &&
      target.name === workload.metadata?.name
    );
  });
}

function toCondition(c: KubeCondition): LiveCondition {
  const status =
    c.status === 'True' || c.status === 'False' ? c.status : 'Unknown';
  return {
    type: c.type!,
    status,
    ...(c.reason && { reason: c.reason }),
    ...(c.message && { message: c.message }),
    ...(c.lastTransitionTime && { lastTransitionTime: c.lastTransitionTime }),
  };
}

function latest(times: Array<string | undefined>): string | undefined {
  let best: string | undefined;
  let bestMs = -Infinity;
  for (const t of times) {
    const ms = t ? Date.parse(t) : NaN;
    if (!Number.isNaN(ms) && ms > bestMs) {
      best = t;
      bestMs = ms;
    }
  }
  return best;
}

/**
 * The images of a workload: one per container of the pod template (with the digest the pods
 * report for it), plus images that only older pods still run.
 */
export function workloadImages(
  template: PodTemplate | undefined,
  pods: Pod[],
): LiveImage[] {
  const images = new Map<string, LiveImage>();
  const keyOf = (
    container: string,
    repository: string,
    tag?: string,
    digest?: string,
  ) =>
    `${container}|${normalizeRepository(repository)}|${tag ?? ''}|${
      digest ?? ''
    }`;

  for (const container of template?.spec?.containers ?? []) {
    if (!container.image) continue;
    const ref = parseImageReference(container.image);
    const name = container.name ?? '';
    images.set(keyOf(name, ref.repository, ref.tag, ref.digest), {
      container: name,
      ...ref,
      current: true,
      pods: 0,
    });
  }

  for (const pod of pods) {
    for (const status of pod.status?.containerStatuses ?? []) {
      const name = status.name ?? '';
      const specImage = (pod.spec?.containers ?? []).find(
        c => c.name === name,
      )?.image;
      const reported = specImage ?? status.image;
      if (!reported) continue;
      const ref = parseImageReference(reported);
      const digest = digestFromImageId(status.imageID);
      const key = keyOf(name, ref.repository, ref.tag, ref.digest);
      const existing = images.get(key);
      if (existing) {
        existing.pods += 1;
        if (!existing.digest && digest) existing.digest = digest;
      } else {
        images.set(key, {
          container: name,
          ...ref,
          ...(digest && !ref.digest && { digest }),
          current: false,
          pods: 1,
        });
      }
    }
  }
  return [...images.values()];
}

function toAutoscaling(
  hpa: KubeObject | undefined,
): LiveAutoscaling | undefined {
  if (!hpa) return undefined;
  const max = num(hpa.spec?.maxReplicas);
  if (max === undefined) return undefined;
  const desired = num(hpa.status?.desiredReplicas);
  return {
    name: hpa.metadata?.name ?? '',
    min: num(hpa.spec?.minReplicas) ?? 1,
    max,
    current: num(hpa.status?.currentReplicas) ?? 0,
    ...(desired !== undefined && { desired }),
  };
}

function ownHealth(workload: KubeObject): HealthResult {
  switch (workload.kind) {
    case 'Deployment':
      return deploymentHealth(workload);
    case 'StatefulSet':
      return statefulSetHealth(workload);
    case 'Rollout':
      return rolloutHealth(workload);
    default:
      return { health: 'Unknown', reason: `Unsupported kind ${workload.kind}` };
  }
}

/**
 * The live state of a Deployment, StatefulSet or Rollout in a cluster, from the object, the
 * ReplicaSets and Pods it owns and the HPA that scales it. A workload whose pods fail to pull or
 * keep crashing is Degraded even when its own status still reads Progressing or Healthy.
 */
export function toLiveWorkload(
  cluster: string,
  workload: KubeObject,
  objects: NamespaceObjects,
): LiveWorkload {
  const kind = workload.kind as LiveWorkloadKind;
  const spec = workload.spec ?? {};
  const status = workload.status ?? {};
  const pods = podsOfWorkload(workload, objects);
  const hpa = toAutoscaling(hpaOfWorkload(workload, objects.hpas));

  const podResults = pods.map(podHealth);
  const degradedPods = podResults.filter(r => r.health === 'Degraded');
  let health = ownHealth(workload);
  if (degradedPods.length > 0) {
    health = worstHealth(health, {
      health: 'Degraded',
      reason: `${degradedPods.length} of ${pods.length} pods are degraded: ${degradedPods[0].reason}`,
    });
  }

  const rawConditions = readConditions(status.conditions);
  const conditions = rawConditions.map(toCondition);
  const ready = num(status.readyReplicas) ?? 0;
  const replicas = {
    desired: num(spec.replicas) ?? 1,
    ready,
    updated:
      num(status.updatedReplicas) ??
      (kind === 'StatefulSet' ? num(status.currentReplicas) ?? 0 : 0),
    available:
      num(status.availableReplicas) ?? (kind === 'StatefulSet' ? ready : 0),
  };

  const lastChangeTime =
    latest(
      rawConditions.flatMap(c => [c.lastTransitionTime, c.lastUpdateTime]),
    ) ?? workload.metadata?.creationTimestamp;

  return {
    cluster,
    namespace: workload.metadata?.namespace ?? '',
    kind,
    name: workload.metadata?.name ?? '',
    images: workloadImages(spec.template, pods),
    replicas,
    ...(hpa && { hpa }),
    health: health.health,
    ...(health.reason && { healthReason: health.reason }),
    ...(lastChangeTime && { lastChangeTime }),
    conditions,
  };
}

/** The entry of a declared workload that the cluster does not have. */
export function missingWorkload(
  cluster: string,
  identity: { kind: LiveWorkloadKind; name: string; namespace: string },
): LiveWorkload {
  return {
    cluster,
    namespace: identity.namespace,
    kind: identity.kind,
    name: identity.name,
    images: [],
    health: 'Missing',
    healthReason: `${identity.kind} ${identity.namespace}/${identity.name} is not in cluster '${cluster}'`,
    conditions: [],
  };
}
