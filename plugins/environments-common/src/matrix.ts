import { GitOpsSource } from './annotations';
import { LiveIdentity } from './types';

/**
 * Health of a workload or an environment, as Argo CD names it.
 *
 * @public
 */
export type HealthStatus =
  | 'Healthy'
  | 'Progressing'
  | 'Degraded'
  | 'Suspended'
  | 'Missing'
  | 'Unknown';

/**
 * Whether the cluster runs what Git declares, and who says so.
 *
 * @public
 */
export type SyncState = {
  status: 'Synced' | 'OutOfSync' | 'Unknown';
  /** The controller that reports it, or `stagecraft` when compared by us. */
  by?: 'argocd' | 'flux' | 'stagecraft';
};

/**
 * Where a declared value lives in Git: file (relative to the repository root), YAML path and
 * 1-based line.
 *
 * @public
 */
export type Provenance = {
  file: string;
  path: string;
  line: number;
};

/**
 * Something that could not be read or understood: it degrades the cell it belongs to, never the
 * whole matrix.
 *
 * @public
 */
export type MatrixProblem = {
  message: string;
  severity: 'error' | 'warning' | 'info';
  file?: string;
  line?: number;
};

/**
 * One container as the GitOps repository declares it.
 *
 * @public
 */
export type DeclaredContainer = {
  name: string;
  /** The image repository, without tag or digest. */
  image: string | null;
  /** Null when Git does not pin one. */
  tag: string | null;
  digest: string | null;
  resources: {
    requests?: Record<string, string>;
    limits?: Record<string, string>;
  } | null;
  /** Where its version is edited for this environment. */
  source: Provenance | null;
};

/**
 * A workload's declared state in one environment. Every field's provenance is in `provenance`,
 * keyed like `replicas`, `namespace`, `containers.<name>.tag`, `env.<NAME>`.
 *
 * @public
 */
export type DeclaredState = {
  replicas: number | null;
  containers: DeclaredContainer[];
  autoscaling: {
    kind: string;
    name: string;
    minReplicas: number | null;
    maxReplicas: number | null;
    targets: Array<{
      name: string;
      type: string;
      averageUtilization?: number;
      averageValue?: string;
      value?: string;
    }>;
  } | null;
  ingressHosts: string[];
  /** Non-secret environment variables; secret-looking values are redacted. */
  env: Record<string, string>;
  /** The tool that manages it: kustomize, manifests, helm, flux, argocd. */
  managedBy: string;
  provenance: Record<string, Provenance>;
};

/**
 * What one cluster reports for a workload.
 *
 * @public
 */
export type LiveState = {
  cluster: string;
  namespace: string;
  kind: string;
  name: string;
  /** The images the pods run; `current` when in the pod template (not an old ReplicaSet's). */
  images: Array<{
    container: string;
    repository: string;
    tag?: string;
    digest?: string;
    current: boolean;
    pods: number;
  }>;
  replicas?: {
    desired: number;
    ready: number;
    updated: number;
    available: number;
  };
  autoscaling?: { min: number; max: number; current: number };
  health: HealthStatus;
  healthReason?: string;
  /** When the cluster last reported a change (ISO 8601). */
  lastChangeTime?: string;
};

/**
 * A field whose declared and live values differ.
 *
 * @public
 */
export type Drift = {
  /** `image`, `replicas` or `autoscaling`. */
  field: string;
  /** The container, for `image`. */
  container?: string;
  cluster: string;
  declared: string | null;
  live: string | null;
  /** Where the declared value lives. */
  provenance?: Provenance;
};

/**
 * One deployable object of the entity in one environment.
 *
 * @public
 */
export type MatrixWorkload = {
  /** The row key across environments. */
  application: string;
  kind: string;
  name: string;
  namespace: string | null;
  declared?: DeclaredState;
  /** What each cluster that runs it reports. */
  live: LiveState[];
  drift: Drift[];
  health: HealthStatus;
};

/**
 * An environment's health in one cluster, or why that cluster could not be read.
 *
 * @public
 */
export type ClusterHealth = {
  cluster: string;
  health: HealthStatus;
  error?: string;
};

/**
 * What moves between environments: the image tags (or digests) of the entity's workloads.
 *
 * @public
 */
export type Version = {
  images: Array<{
    application: string;
    container: string;
    image: string | null;
    tag: string | null;
    digest: string | null;
  }>;
};

/**
 * How far an environment lags behind the one before it.
 *
 * @public
 */
export type EnvironmentLag = {
  /** How many versions (or commits) the previous environment went through since this one's; null when unknown. */
  behind: number | null;
  /** `commits` where the tags are commit SHAs. */
  unit: 'versions' | 'commits';
  /** The previous environment. */
  of: string;
  /** Why it is unknown. */
  reason?: string;
};

/**
 * One column of the matrix.
 *
 * @public
 */
export type MatrixEnvironment = {
  name: string;
  /** Position in promotion order, 0 first. */
  order: number;
  version: Version;
  workloads: MatrixWorkload[];
  /** The worst health of its workloads, as Argo CD ranks them. */
  health: HealthStatus;
  /** The health per cluster. */
  clusters: ClusterHealth[];
  sync: SyncState;
  /** When a cluster last reported a change to one of its workloads (ISO 8601). */
  lastChangeTime?: string;
  /** How far it lags behind the previous environment; absent for the first. */
  lag?: EnvironmentLag;
  problems: MatrixProblem[];
};

/**
 * One condition checked before a promotion may start.
 *
 * @public
 */
export type GateResult = {
  /** e.g. `source-has-version`, `source-healthy`, `source-synced`. */
  gate: string;
  passed: boolean;
  /** Why it passed or failed, for people. */
  reason: string;
};

/**
 * A promotion the entity allows: from one environment to the next.
 *
 * @public
 */
export type PromotionStep = {
  from: string;
  to: string;
  gates: GateResult[];
  /** Whether the caller may promote along this step (`environments.promotion.create`). */
  permission: { allowed: boolean; reason?: string };
  /** True when every gate passed and the caller may promote. */
  available: boolean;
};

/**
 * A promotion under way, as the matrix lists it.
 *
 * @public
 */
export type OpenPromotion = {
  id: string;
  from: string;
  to: string;
  /** `planned`, `pending-review`, `merged` or `syncing`. */
  state: string;
  requestedBy: string;
  createdAt: string;
  pullRequest?: { number: number; url: string };
};

/**
 * The answer of `GET /entities/:kind/:namespace/:name`: what runs where for one entity.
 *
 * @public
 */
export type EnvironmentMatrix = {
  entityRef: string;
  /** The entity's owner (its first `ownedBy` relation), when it has one. */
  owner?: string;
  /** Where the declared state lives; absent for a live-only entity. */
  source?: GitOpsSource;
  live: LiveIdentity;
  /** The commit the declared state was read at. */
  revision?: { repository: string; branch: string; commit: string };
  environments: MatrixEnvironment[];
  /** The promotions between consecutive environments, with their gates and the caller's permission. */
  promotions: PromotionStep[];
  /** Problems of the entity as a whole, e.g. a repository that could not be read. */
  problems: MatrixProblem[];
  /** Present when part of the matrix is older than it should be, with the reason. */
  stale?: { reason: string };
  /** The promotions under way (not final yet), newest first. */
  openPromotions?: OpenPromotion[];
  /** When this matrix was computed (ISO 8601). */
  generatedAt: string;
};

/**
 * The answer of `GET /entities`: a page of entities' matrices.
 *
 * @public
 */
export type EnvironmentPortfolio = {
  items: EnvironmentMatrix[];
  /** How many entities match, before permission filtering. */
  totalItems: number;
  /** Pass it as `cursor` for the next page. */
  nextCursor?: string;
};
