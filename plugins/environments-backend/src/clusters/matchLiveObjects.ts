import {
  LabelSelector,
  matchesLabelSelector,
  parseLabelSelector,
} from './labelSelector';
import { KubeObject, Pod } from './objects';
import {
  missingArgoCdApplication,
  toLiveArgoCdApplication,
} from './toLiveArgoCdApplication';
import { missingFluxResource, toLiveFluxResource } from './toLiveFluxResource';
import {
  isWorkloadKind,
  missingWorkload,
  toLiveWorkload,
} from './toLiveWorkload';
import {
  ClusterLiveState,
  DeclaredIdentity,
  LiveFluxKind,
  LiveStateQuery,
  LiveWorkloadKind,
} from './types';

/** The Kubernetes plugin's label. */
export const KUBERNETES_ID_LABEL = 'backstage.io/kubernetes-id';

/**
 * The label selector an entity's objects carry, as the Kubernetes plugin computes it: the
 * `backstage.io/kubernetes-label-selector` annotation wins over `backstage.io/kubernetes-id`.
 */
export function entityLabelSelector(
  query: Pick<LiveStateQuery, 'kubernetesId' | 'labelSelector'>,
): string | undefined {
  if (query.labelSelector?.trim()) return query.labelSelector.trim();
  if (query.kubernetesId?.trim()) {
    return `${KUBERNETES_ID_LABEL}=${query.kubernetesId.trim()}`;
  }
  return undefined;
}

/** The objects read from one cluster, by kind (items of every listed namespace together). */
export type ClusterObjects = {
  deployments: KubeObject[];
  statefulsets: KubeObject[];
  rollouts: KubeObject[];
  replicasets: KubeObject[];
  pods: Pod[];
  horizontalpodautoscalers: KubeObject[];
  applications: KubeObject[];
  helmreleases: KubeObject[];
  kustomizations: KubeObject[];
};

export type MatchOptions = {
  cluster: string;
  /** The parsed entity label selector, if any. */
  selector?: LabelSelector;
  /** Declared identities that apply to this cluster. */
  declared: DeclaredIdentity[];
  /**
   * Whether the list of a kind in a namespace (or cluster-wide: `undefined`) answered, so that an
   * absent object can be called Missing rather than unknown.
   */
  wasListed(kind: keyof ClusterObjects, namespace?: string): boolean;
};

const FLUX_KINDS: LiveFluxKind[] = ['HelmRelease', 'Kustomization'];

function identityKey(
  kind: string,
  namespace: string | undefined,
  name: string,
) {
  return `${kind}|${namespace ?? ''}|${name}`;
}

function matchesIdentity(obj: KubeObject, identity: DeclaredIdentity): boolean {
  return (
    obj.kind === identity.kind &&
    obj.metadata?.name === identity.name &&
    (!identity.namespace || obj.metadata?.namespace === identity.namespace)
  );
}

/**
 * Whether a workload belongs to a declared controller object: Flux labels what a HelmRelease or
 * Kustomization applies; Argo CD labels (or annotates) what an Application applies.
 */
function managedBy(workload: KubeObject, identity: DeclaredIdentity): boolean {
  const labels = workload.metadata?.labels ?? {};
  switch (identity.kind) {
    case 'HelmRelease':
    case 'Kustomization': {
      const prefix =
        identity.kind === 'HelmRelease'
          ? 'helm.toolkit.fluxcd.io'
          : 'kustomize.toolkit.fluxcd.io';
      return (
        labels[`${prefix}/name`] === identity.name &&
        (!identity.namespace ||
          labels[`${prefix}/namespace`] === identity.namespace)
      );
    }
    case 'Application': {
      const trackingId =
        workload.metadata?.annotations?.['argocd.argoproj.io/tracking-id'];
      return (
        labels['app.kubernetes.io/instance'] === identity.name ||
        (trackingId?.startsWith(`${identity.name}:`) ?? false)
      );
    }
    default:
      return false;
  }
}

/** Parses the entity's selector, or undefined when it has none. Throws on a malformed one. */
export function parseEntitySelector(
  query: Pick<LiveStateQuery, 'kubernetesId' | 'labelSelector'>,
): LabelSelector | undefined {
  const selector = entityLabelSelector(query);
  return selector ? parseLabelSelector(selector) : undefined;
}

/**
 * Picks one entity's objects out of the objects read from a cluster, and normalises them. An
 * object matches when it carries the entity's labels (on itself or on its pod template), when the
 * declared state names it (kind, name, namespace), or when a declared Argo CD Application or Flux
 * object manages it. Declared objects assigned to this cluster that a successful list did not
 * return are Missing.
 */
export function matchLiveObjects(
  objects: ClusterObjects,
  options: MatchOptions,
): ClusterLiveState {
  const { cluster, selector, declared, wasListed } = options;
  const controllers = declared.filter(d => !isWorkloadKind(d.kind));

  const workloads = [
    ...objects.deployments,
    ...objects.statefulsets,
    ...objects.rollouts,
  ].filter(
    workload =>
      (selector &&
        (matchesLabelSelector(selector, workload.metadata?.labels) ||
          matchesLabelSelector(
            selector,
            workload.spec?.template?.metadata?.labels,
          ))) ||
      declared.some(d => matchesIdentity(workload, d)) ||
      controllers.some(d => managedBy(workload, d)),
  );

  const seen = new Set<string>();
  const liveWorkloads = workloads
    .filter(w => {
      const key = identityKey(
        w.kind!,
        w.metadata?.namespace,
        w.metadata?.name!,
      );
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .map(w =>
      toLiveWorkload(cluster, w, {
        replicaSets: objects.replicasets,
        pods: objects.pods,
        hpas: objects.horizontalpodautoscalers,
      }),
    );

  const listKey: Record<LiveWorkloadKind, keyof ClusterObjects> = {
    Deployment: 'deployments',
    StatefulSet: 'statefulsets',
    Rollout: 'rollouts',
  };
  for (const d of declared) {
    if (!isWorkloadKind(d.kind) || !d.namespace) continue;
    const found = liveWorkloads.some(
      w =>
        w.kind === d.kind && w.name === d.name && w.namespace === d.namespace,
    );
    // Absent here is Missing only for an object assigned to this cluster; an identity without a
    // cluster may run in another one.
    if (!found && d.cluster && wasListed(listKey[d.kind], d.namespace)) {
      liveWorkloads.push(
        missingWorkload(cluster, {
          kind: d.kind,
          name: d.name,
          namespace: d.namespace,
        }),
      );
    }
  }

  const applications = declared
    .filter(d => d.kind === 'Application')
    .map(d => {
      const app = objects.applications.find(a => matchesIdentity(a, d));
      if (app) return toLiveArgoCdApplication(cluster, app);
      return d.cluster && wasListed('applications', d.namespace)
        ? missingArgoCdApplication(cluster, d)
        : undefined;
    })
    .filter(<T>(a: T | undefined): a is T => a !== undefined);

  const fluxResources = declared
    .filter(d => FLUX_KINDS.includes(d.kind as LiveFluxKind))
    .map(d => {
      const kind = d.kind as LiveFluxKind;
      const list =
        kind === 'HelmRelease' ? objects.helmreleases : objects.kustomizations;
      const obj = list.find(o => matchesIdentity(o, d));
      if (obj) return toLiveFluxResource(cluster, obj);
      return d.cluster &&
        wasListed(
          kind === 'HelmRelease' ? 'helmreleases' : 'kustomizations',
          d.namespace,
        )
        ? missingFluxResource(cluster, { ...d, kind })
        : undefined;
    })
    .filter(<T>(a: T | undefined): a is T => a !== undefined);

  return { cluster, workloads: liveWorkloads, applications, fluxResources };
}
