/**
 * Where a declared value lives in Git: a file relative to the scanned
 * repository root, a YAML path inside that file and a 1-based line.
 *
 * @public
 */
export interface Provenance {
  /** File path relative to the repository root, with forward slashes. */
  file: string;
  /** YAML path such as `spec.template.spec.containers[0].image` or `images[0].newTag`. */
  path: string;
  /** 1-based line of the value (or of its key when the value is empty). */
  line: number;
  /** 0-based document index, only present when the file holds several YAML documents. */
  document?: number;
}

/**
 * Severity of a {@link Problem}.
 *
 * @public
 */
export type ProblemSeverity = 'error' | 'warning' | 'info';

/**
 * Something the engine could not read or understand. One bad file is one
 * problem; it never aborts the scan.
 *
 * @public
 */
export interface Problem {
  file: string;
  message: string;
  severity: ProblemSeverity;
  line?: number;
}

/**
 * The tool that manages a declared workload.
 *
 * @public
 */
export type ManagedBy =
  | 'kustomize'
  | 'manifests'
  | 'helm'
  | 'flux'
  | 'argocd'
  | (string & {});

/**
 * A named stage (dev, staging, prod …) found in the repository.
 *
 * @public
 */
export interface Environment {
  /** Display name, e.g. `dev`, `prod-eu` or `homelab/prod` when leaves collide. */
  name: string;
  /** Position in promotion order, 0 = first. */
  order: number;
  /** Folders (relative to the repository root) that declare this environment. */
  paths: string[];
  /** Clusters the repository names for this environment (`clusters/<cluster>/<env>`), if any. */
  clusters?: string[];
}

/**
 * CPU / memory requests and limits of a container.
 *
 * @public
 */
export interface ResourceRequirements {
  requests?: Record<string, string>;
  limits?: Record<string, string>;
}

/**
 * One container of a declared workload.
 *
 * @public
 */
export interface DeclaredContainer {
  name: string;
  /** Image repository without tag or digest; null when not declared. */
  image: string | null;
  /** Tag, null when Git does not pin one. */
  tag: string | null;
  /** Digest such as `sha256:…`, null when absent. */
  digest: string | null;
  /** True for init containers. */
  init?: boolean;
  resources: ResourceRequirements | null;
  /** Where a human edits this container's version for this environment. */
  source: Provenance | null;
}

/**
 * One autoscaling metric target.
 *
 * @public
 */
export interface AutoscalingTarget {
  /** `cpu`, `memory`, or the metric name for other metric types. */
  name: string;
  type: string;
  averageUtilization?: number;
  averageValue?: string;
  value?: string;
}

/**
 * Autoscaling declared for a workload (HorizontalPodAutoscaler).
 *
 * @public
 */
export interface DeclaredAutoscaling {
  kind: string;
  name: string;
  minReplicas: number | null;
  maxReplicas: number | null;
  targets: AutoscalingTarget[];
}

/**
 * Where values live: a whole values file (`path` = '') or the values inside
 * a deploying object (`spec.values` of a Flux HelmRelease …).
 *
 * @public
 */
export interface ValuesLayer {
  file: string;
  /** YAML path of the values inside the file; '' for a whole values file. */
  path: string;
  /** Document index when the file holds several documents. */
  document?: number;
}

/**
 * How a Helm-based workload gets its values, so its version can be edited
 * where the chart's templates read it.
 *
 * @public
 */
export interface HelmValuesSource {
  /** Chart name (in-repository chart) or reference (`repo/name`). */
  chart: string | null;
  /** Chart version pinned by the deploying object, if any. */
  chartVersion: string | null;
  /** Where the pinned chart version is written. */
  chartVersionSource?: Provenance;
  /** Layers, lowest priority first; later layers override earlier ones. */
  layers: ValuesLayer[];
  /** Per container: the value paths (relative to the values root) of its image. */
  images: Record<string, { tag: string; repository?: string; digest?: string }>;
  /** The deploying object (a Flux HelmRelease), so an overlay can patch it. */
  object?: { apiVersion: string; kind: string; name: string };
}

/**
 * What deploys a workload: an Argo CD `Application`, a Flux `HelmRelease`
 * or `Kustomization`, or (`folder`) the folder rendered on its own. Part of a workload's
 * identity beside kind, name and namespace.
 *
 * @public
 */
export interface DeployedBy {
  kind:
    | 'Application'
    | 'HelmRelease'
    | 'Kustomization'
    | 'folder'
    | (string & {});
  name: string;
}

/**
 * A workload as the GitOps repository declares it for one environment.
 *
 * @public
 */
export interface DeclaredWorkload {
  /** Row key across environments: the workload name without environment prefixes/suffixes. */
  application: string;
  environment: string;
  /** Cluster of the cell when the repository names one (`clusters/<cluster>/<env>`). */
  cluster?: string;
  kind: string;
  /** Rendered name (after kustomize namePrefix/nameSuffix). */
  name: string;
  namespace: string | null;
  replicas: number | null;
  containers: DeclaredContainer[];
  autoscaling: DeclaredAutoscaling | null;
  ingressHosts: string[];
  /** Non-secret environment variables (secret-looking values are redacted). */
  env: Record<string, string>;
  managedBy: ManagedBy;
  /** Folder (relative to the repository root) that was rendered to produce this workload. */
  root: string;
  /** What deploys it (its Argo CD Application or HelmRelease, else its folder). */
  deployedBy?: DeployedBy;
  /** Provenance per field, keyed like `replicas`, `namespace`, `containers.app.tag`, `env.LOG_LEVEL`. */
  provenance: Record<string, Provenance>;
  /** For workloads deployed with Helm (helm, flux, argocd layouts): where their values come from. */
  helm?: HelmValuesSource;
}

/**
 * The declared state of a repository (or a sub-folder of it).
 *
 * @public
 */
export interface DeclaredModel {
  environments: Environment[];
  workloads: DeclaredWorkload[];
  problems: Problem[];
}
