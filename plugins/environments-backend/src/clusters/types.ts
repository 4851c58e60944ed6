/**
 * Live state: what the clusters report. These are the wire-facing types of the live-state reader;
 * they use the vocabulary of DESIGN.md (Health, Sync, Workload, Live state).
 */

/**
 * The health of a live object, with Argo CD's gitops-engine semantics.
 *
 * @public
 */
export type Health =
  | 'Healthy'
  | 'Progressing'
  | 'Degraded'
  | 'Suspended'
  | 'Missing'
  | 'Unknown';

/**
 * Whether a live object matches what Git declares.
 *
 * @public
 */
export type SyncStatus = 'Synced' | 'OutOfSync' | 'Unknown';

/**
 * Who says an object is in sync: Argo CD, Flux, or Stagecraft itself ("compared by us").
 *
 * @public
 */
export type SyncController = 'argocd' | 'flux' | 'stagecraft';

/**
 * The sync state of an object, with the controller that reports it.
 *
 * @public
 */
export type LiveSync = {
  status: SyncStatus;
  controller: SyncController;
  /** The revision the controller last compared or applied (Git SHA, chart version …). */
  revision?: string;
};

/**
 * A status condition, as Kubernetes reports it.
 *
 * @public
 */
export type LiveCondition = {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
};

/**
 * One image of a workload.
 *
 * @public
 */
export type LiveImage = {
  /** The container that runs it. */
  container: string;
  /** e.g. `gcr.io/heptio-images/ks-guestbook-demo`. */
  repository: string;
  tag?: string;
  /** `sha256:…`, from the image reference or from the pods' `imageID`. */
  digest?: string;
  /** Whether the workload's pod template asks for this image (false: only old pods still run it). */
  current: boolean;
  /** How many of the workload's pods run this image in that container. */
  pods: number;
};

/**
 * Replica counts of a workload.
 *
 * @public
 */
export type LiveReplicas = {
  desired: number;
  ready: number;
  updated: number;
  available: number;
};

/**
 * The HorizontalPodAutoscaler whose `scaleTargetRef` points at a workload.
 *
 * @public
 */
export type LiveAutoscaling = {
  name: string;
  min: number;
  max: number;
  current: number;
  desired?: number;
};

/**
 * The workload kinds whose live state is read.
 *
 * @public
 */
export type LiveWorkloadKind = 'Deployment' | 'StatefulSet' | 'Rollout';

/**
 * The live state of one workload in one cluster.
 *
 * @public
 */
export type LiveWorkload = {
  cluster: string;
  namespace: string;
  kind: LiveWorkloadKind;
  name: string;
  /** Images from the pod template and the running pods (with digests from the pods' `imageID`). */
  images: LiveImage[];
  /** Absent when the workload is Missing. */
  replicas?: LiveReplicas;
  hpa?: LiveAutoscaling;
  health: Health;
  healthReason?: string;
  /** The latest transition among the workload's conditions (or its creation time). */
  lastChangeTime?: string;
  conditions: LiveCondition[];
};

/**
 * The live state of an Argo CD Application.
 *
 * @public
 */
export type LiveArgoCdApplication = {
  cluster: string;
  namespace: string;
  name: string;
  sync: LiveSync;
  health: Health;
  healthReason?: string;
  /** Where the Application deploys to (`spec.destination`). */
  destination?: { server?: string; name?: string; namespace?: string };
  /** `status.summary.images`. */
  images: string[];
  /** Phase of the last operation (`Succeeded`, `Running`, `Failed` …). */
  operationPhase?: string;
  lastChangeTime?: string;
};

/**
 * The Flux objects whose live state is read.
 *
 * @public
 */
export type LiveFluxKind = 'HelmRelease' | 'Kustomization';

/**
 * The live state of a Flux HelmRelease or Kustomization.
 *
 * @public
 */
export type LiveFluxResource = {
  cluster: string;
  namespace: string;
  kind: LiveFluxKind;
  name: string;
  /** The `Ready` condition, when the controller reported one. */
  ready?: LiveCondition;
  /** The revision Flux last applied: chart version for a HelmRelease, source revision for a Kustomization. */
  lastAppliedRevision?: string;
  lastAttemptedRevision?: string;
  sync: LiveSync;
  health: Health;
  healthReason?: string;
  lastChangeTime?: string;
};

/**
 * The kinds a declared identity may name.
 *
 * @public
 */
export type DeclaredObjectKind =
  | LiveWorkloadKind
  | LiveFluxKind
  | 'Application';

/**
 * The identity the declared state gives a live object: kind, name and namespace after
 * kustomize/Helm naming. `cluster` narrows it to one cluster; `namespace` may be absent for an
 * Argo CD Application or a Flux object found by name.
 *
 * @public
 */
export type DeclaredIdentity = {
  kind: DeclaredObjectKind;
  name: string;
  namespace?: string;
  cluster?: string;
};

/**
 * What to read for one entity.
 *
 * @public
 */
export type LiveStateQuery = {
  /** The `backstage.io/kubernetes-id` annotation. */
  kubernetesId?: string;
  /** The `backstage.io/kubernetes-label-selector` annotation. */
  labelSelector?: string;
  /** Identities from the declared state. */
  declared?: DeclaredIdentity[];
  /** Only these clusters (default: every configured cluster). */
  clusters?: string[];
  /**
   * Namespaces known to hold the entity's objects (e.g. from environment definitions). Lists in
   * these namespaces are shared by every entity; without them, a label selector is resolved
   * with one cluster-wide list per kind.
   */
  namespaces?: string[];
};

/**
 * An error, as it goes over the wire (never with a token or a stack).
 *
 * @public
 */
export type LiveError = {
  name: string;
  message: string;
};

/**
 * The entity's live state in one cluster that answered.
 *
 * @public
 */
export type ClusterLiveState = {
  cluster: string;
  workloads: LiveWorkload[];
  applications: LiveArgoCdApplication[];
  fluxResources: LiveFluxResource[];
  /** Lists that failed while others answered (e.g. a kind the service account may not read). */
  warnings?: Array<LiveError & { kind: string; namespace?: string }>;
};

/**
 * A cluster that could not be read: it degrades only its own cells.
 *
 * @public
 */
export type ClusterLiveError = {
  cluster: string;
  error: LiveError;
};

/**
 * The entity's live state, per cluster.
 *
 * @public
 */
export type EntityLiveState = {
  clusters: Array<ClusterLiveState | ClusterLiveError>;
};

/**
 * Reads what the clusters report for an entity. Lists are shared between entities per (cluster,
 * namespace, kind) and cached for a short time; a cluster that does not answer becomes a
 * {@link ClusterLiveError}, never an exception.
 *
 * @public
 */
export interface LiveStateReader {
  /** The names of the clusters that can be read. */
  listClusters(): string[];
  /** The live state of one entity's objects, per cluster. */
  readEntityLiveState(query: LiveStateQuery): Promise<EntityLiveState>;
}

/**
 * Whether a cluster's result is an error.
 *
 * @public
 */
export function isClusterLiveError(
  result: ClusterLiveState | ClusterLiveError,
): result is ClusterLiveError {
  return 'error' in result;
}
