/**
 * The resource types the stand-in serves, as Kubernetes discovery describes
 * them. Kinds the reconciler never creates still answer (an empty list), so
 * clients that ask for every kind they know (the Backstage Kubernetes
 * backend, kubectl) get the shapes they expect.
 */
export interface ResourceType {
  /** API group, '' for the core group. */
  group: string;
  version: string;
  /** Plural name as it appears in URLs. */
  plural: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
}

const READ_VERBS = ['get', 'list', 'watch'];

function r(
  group: string,
  version: string,
  plural: string,
  kind: string,
  namespaced = true,
  shortNames?: string[],
): ResourceType {
  return {
    group,
    version,
    plural,
    singular: kind.toLowerCase(),
    kind,
    namespaced,
    shortNames,
  };
}

export const RESOURCE_TYPES: ResourceType[] = [
  r('', 'v1', 'namespaces', 'Namespace', false, ['ns']),
  r('', 'v1', 'nodes', 'Node', false, ['no']),
  r('', 'v1', 'persistentvolumes', 'PersistentVolume', false, ['pv']),
  r('', 'v1', 'pods', 'Pod', true, ['po']),
  r('', 'v1', 'services', 'Service', true, ['svc']),
  r('', 'v1', 'configmaps', 'ConfigMap', true, ['cm']),
  r('', 'v1', 'secrets', 'Secret'),
  r('', 'v1', 'limitranges', 'LimitRange', true, ['limits']),
  r('', 'v1', 'resourcequotas', 'ResourceQuota', true, ['quota']),
  r('', 'v1', 'persistentvolumeclaims', 'PersistentVolumeClaim', true, ['pvc']),
  r('', 'v1', 'events', 'Event', true, ['ev']),
  r('', 'v1', 'endpoints', 'Endpoints', true, ['ep']),
  r('', 'v1', 'serviceaccounts', 'ServiceAccount', true, ['sa']),
  r('apps', 'v1', 'deployments', 'Deployment', true, ['deploy']),
  r('apps', 'v1', 'replicasets', 'ReplicaSet', true, ['rs']),
  r('apps', 'v1', 'statefulsets', 'StatefulSet', true, ['sts']),
  r('apps', 'v1', 'daemonsets', 'DaemonSet', true, ['ds']),
  r('apps', 'v1', 'controllerrevisions', 'ControllerRevision'),
  r(
    'autoscaling',
    'v2',
    'horizontalpodautoscalers',
    'HorizontalPodAutoscaler',
    true,
    ['hpa'],
  ),
  r('batch', 'v1', 'jobs', 'Job'),
  r('batch', 'v1', 'cronjobs', 'CronJob', true, ['cj']),
  r('networking.k8s.io', 'v1', 'ingresses', 'Ingress', true, ['ing']),
  r('argoproj.io', 'v1alpha1', 'applications', 'Application', true, [
    'app',
    'apps',
  ]),
  r('argoproj.io', 'v1alpha1', 'appprojects', 'AppProject', true, ['appproj']),
  r('argoproj.io', 'v1alpha1', 'rollouts', 'Rollout', true, ['ro']),
  r('helm.toolkit.fluxcd.io', 'v2', 'helmreleases', 'HelmRelease', true, [
    'hr',
  ]),
  r(
    'kustomize.toolkit.fluxcd.io',
    'v1',
    'kustomizations',
    'Kustomization',
    true,
    ['ks'],
  ),
  r(
    'source.toolkit.fluxcd.io',
    'v1',
    'gitrepositories',
    'GitRepository',
    true,
    ['gitrepo'],
  ),
];

/** `apps/v1`, or `v1` for the core group. */
export function apiVersionOf(type: { group: string; version: string }): string {
  return type.group ? `${type.group}/${type.version}` : type.version;
}

/** Key of a resource type in the store: `deployments.apps`, `pods`. */
export function resourceKey(type: { group: string; plural: string }): string {
  return type.group ? `${type.plural}.${type.group}` : type.plural;
}

export function findResourceType(
  group: string,
  version: string,
  plural: string,
): ResourceType | undefined {
  return RESOURCE_TYPES.find(
    t => t.group === group && t.version === version && t.plural === plural,
  );
}

export function resourceTypeOfKind(
  apiVersion: string,
  kind: string,
): ResourceType | undefined {
  return RESOURCE_TYPES.find(
    t => apiVersionOf(t) === apiVersion && t.kind === kind,
  );
}

/** The group/versions served, in discovery order. */
export function groupVersions(): Array<{ group: string; version: string }> {
  const seen = new Map<string, { group: string; version: string }>();
  for (const t of RESOURCE_TYPES) {
    const key = apiVersionOf(t);
    if (!seen.has(key)) seen.set(key, { group: t.group, version: t.version });
  }
  return [...seen.values()];
}

/** An `APIResourceList` as `/api/v1` or `/apis/<group>/<version>` answers. */
export function apiResourceList(group: string, version: string) {
  const types = RESOURCE_TYPES.filter(
    t => t.group === group && t.version === version,
  );
  if (types.length === 0) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: apiVersionOf({ group, version }),
    resources: types.map(t => ({
      name: t.plural,
      singularName: t.singular,
      namespaced: t.namespaced,
      kind: t.kind,
      verbs: READ_VERBS,
      ...(t.shortNames ? { shortNames: t.shortNames } : {}),
    })),
  };
}

/** The `APIGroupList` that `/apis` answers (every group but the core one). */
export function apiGroupList() {
  const groups = new Map<string, string[]>();
  for (const { group, version } of groupVersions()) {
    if (!group) continue;
    groups.set(group, [...(groups.get(group) ?? []), version]);
  }
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [...groups.entries()].map(([name, versions]) => ({
      name,
      versions: versions.map(v => ({
        groupVersion: `${name}/${v}`,
        version: v,
      })),
      preferredVersion: {
        groupVersion: `${name}/${versions[0]}`,
        version: versions[0],
      },
    })),
  };
}
