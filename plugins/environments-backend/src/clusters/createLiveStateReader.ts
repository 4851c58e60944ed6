import { readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import {
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { ClusterConfig, readClusterConfigs } from './ClusterConfig';
import {
  HttpKubernetesClient,
  KubernetesClient,
  KubernetesRequestError,
  ListRequest,
  ObjectKindKey,
} from './KubernetesClient';
import { Clock, LiveObjectCache } from './LiveObjectCache';
import { LabelSelector } from './labelSelector';
import {
  ClusterObjects,
  entityLabelSelector,
  matchLiveObjects,
  parseEntitySelector,
} from './matchLiveObjects';
import { KubeObject } from './objects';
import { isWorkloadKind } from './toLiveWorkload';
import {
  ClusterLiveError,
  ClusterLiveState,
  EntityLiveState,
  LiveError,
  LiveStateQuery,
  LiveStateReader,
} from './types';

/** The lists read in every namespace that holds an entity's workloads. */
export const WORKLOAD_LIST_KINDS: ObjectKindKey[] = [
  'deployments',
  'statefulsets',
  'rollouts',
  'replicasets',
  'pods',
  'horizontalpodautoscalers',
];

/** The lists that find an entity's workloads cluster-wide by its label selector. */
const DISCOVERY_KINDS: ObjectKindKey[] = [
  'deployments',
  'statefulsets',
  'rollouts',
];

const CONTROLLER_LIST_KIND = {
  Application: 'applications',
  HelmRelease: 'helmreleases',
  Kustomization: 'kustomizations',
} as const;

/** The Argo CD destinations that mean "the cluster Argo CD runs in". */
const IN_CLUSTER_SERVERS = ['https://kubernetes.default.svc'];

export type LiveStateReaderOptions = {
  config: RootConfigService;
  logger: LoggerService;
  /** Per-call timeout; default `environments.clusters.timeout` from config, else 5 s. */
  timeoutMs?: number;
  /** How long a list is shared from memory; default `environments.clusters.cacheTtl`, else 10 s. */
  ttlMs?: number;
  /**
   * Keeps the shared lists current through watches; default `environments.clusters.watch`, else
   * true. False: each list is served for `ttlMs`, then listed again.
   */
  watch?: boolean;
  /** How long a watched list nobody reads stays open; default 5 minutes. */
  idleMs?: number;
  /** Replaces the HTTP client (tests). */
  client?: KubernetesClient;
  clock?: Clock;
  /** Where the pod's service account token is mounted. */
  inClusterTokenPath?: string;
};

function toLiveError(error: unknown): LiveError {
  if (error instanceof Error)
    return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

/** A failure that means the cluster itself did not answer (no HTTP status at all). */
function isUnreachable(error: unknown): boolean {
  return (
    !(error instanceof KubernetesRequestError) || error.statusCode === undefined
  );
}

type ListOutcome = {
  request: ListRequest;
  items?: KubeObject[];
  error?: unknown;
};

/**
 * Creates the {@link LiveStateReader} over the clusters of the standard `kubernetes:` config.
 *
 * Per cluster, an entity is read in two steps, each of parallel lists that go through a cache
 * shared by every entity (one in-flight request and one cached list per cluster, namespace,
 * kind):
 *
 * 1. discovery: declared Argo CD Applications and Flux objects (in their namespace, or
 *    cluster-wide when the declared state gives none), and, when no namespace is known, the
 *    workloads carrying the entity's label selector cluster-wide;
 * 2. the workload lists (Deployments, StatefulSets, Rollouts, ReplicaSets, Pods, HPAs) of every
 *    namespace found: the query's, the declared workloads', where discovered workloads live, and
 *    the in-cluster destinations of declared Applications and HelmReleases.
 *
 * A cluster that does not answer becomes `{ cluster, error }` and costs at most one timeout.
 */
export function createLiveStateReader(
  options: LiveStateReaderOptions,
): LiveStateReader & {
  /** Closes every open watch (on shutdown). */
  close(): void;
} {
  const { config, logger } = options;
  const timeoutMs =
    options.timeoutMs ??
    readMilliseconds(config, 'environments.clusters.timeout') ??
    5000;
  const ttlMs =
    options.ttlMs ??
    readMilliseconds(config, 'environments.clusters.cacheTtl') ??
    10_000;
  const watch =
    options.watch ??
    config.getOptionalBoolean('environments.clusters.watch') ??
    true;
  const clusters = readClusterConfigs({
    config,
    logger,
    inClusterTokenPath: options.inClusterTokenPath,
  });
  const cache = new LiveObjectCache({
    client: options.client ?? new HttpKubernetesClient({ timeoutMs }),
    ttlMs,
    errorTtlMs: Math.min(ttlMs, 5000),
    watch,
    idleMs: options.idleMs,
    clock: options.clock,
    logger,
  });
  logger.info(
    `Live state: reading ${clusters.length} Kubernetes cluster(s)${
      clusters.length ? ` (${clusters.map(c => c.name).join(', ')})` : ''
    }, timeout ${timeoutMs} ms, ${
      watch ? `watched lists (else cache ${ttlMs} ms)` : `cache ${ttlMs} ms`
    }`,
  );

  async function readCluster(
    cluster: ClusterConfig,
    query: LiveStateQuery,
    selector: LabelSelector | undefined,
  ): Promise<ClusterLiveState | ClusterLiveError> {
    const declared = (query.declared ?? []).filter(
      d => !d.cluster || d.cluster === cluster.name,
    );
    const outcomes: ListOutcome[] = [];
    const run = async (requests: ListRequest[]) => {
      const settled = await Promise.allSettled(
        requests.map(r => cache.list(cluster, r)),
      );
      const batch = settled.map((s, i) =>
        s.status === 'fulfilled'
          ? { request: requests[i], items: s.value }
          : { request: requests[i], error: s.reason },
      );
      outcomes.push(...batch);
      return batch;
    };
    const unreachable = () =>
      outcomes.find(o => o.error && isUnreachable(o.error));

    // Step 1: discovery.
    const namespaces = new Set(query.namespaces ?? []);
    const discovery: ListRequest[] = [];
    for (const d of declared) {
      if (isWorkloadKind(d.kind)) {
        if (d.namespace) namespaces.add(d.namespace);
      } else {
        discovery.push({
          kind: CONTROLLER_LIST_KIND[d.kind],
          namespace: d.namespace,
        });
      }
    }
    const labelSelector = entityLabelSelector(query);
    const unplacedWorkloads = declared.filter(
      d => isWorkloadKind(d.kind) && !d.namespace,
    );
    if (namespaces.size === 0 && labelSelector) {
      discovery.push(...DISCOVERY_KINDS.map(kind => ({ kind, labelSelector })));
    }
    if (namespaces.size === 0 && unplacedWorkloads.length > 0) {
      // Declared workloads without a namespace: one shared cluster-wide list per kind.
      discovery.push(...DISCOVERY_KINDS.map(kind => ({ kind })));
    }
    const discovered = await run(dedupe(discovery));
    if (unreachable()) return clusterError(cluster, unreachable()!.error);

    for (const outcome of discovered) {
      for (const item of outcome.items ?? []) {
        const ns = item.metadata?.namespace;
        if (!ns) continue;
        if (item.kind === 'Application') {
          const dest = item.spec?.destination ?? {};
          const inCluster =
            IN_CLUSTER_SERVERS.includes(dest.server) ||
            dest.name === 'in-cluster';
          if (
            inCluster &&
            dest.namespace &&
            declared.some(
              d => d.kind === 'Application' && d.name === item.metadata?.name,
            )
          ) {
            namespaces.add(dest.namespace);
          }
        } else if (item.kind === 'HelmRelease') {
          if (
            declared.some(
              d => d.kind === 'HelmRelease' && d.name === item.metadata?.name,
            )
          ) {
            namespaces.add(item.spec?.targetNamespace ?? ns);
          }
        } else if (item.kind !== 'Kustomization') {
          // A workload found by label selector or by name.
          const matchesName = unplacedWorkloads.some(
            d => d.kind === item.kind && d.name === item.metadata?.name,
          );
          if (outcome.request.labelSelector || matchesName) namespaces.add(ns);
        }
      }
    }

    // Step 2: the workload lists of every namespace found.
    await run(
      [...namespaces]
        .sort()
        .flatMap(namespace =>
          WORKLOAD_LIST_KINDS.map(kind => ({ kind, namespace })),
        ),
    );
    if (unreachable()) return clusterError(cluster, unreachable()!.error);

    const failed = outcomes.filter(o => o.error);
    if (failed.length > 0 && failed.length === outcomes.length) {
      return clusterError(cluster, failed[0].error);
    }

    const objects: ClusterObjects = {
      deployments: [],
      statefulsets: [],
      rollouts: [],
      replicasets: [],
      pods: [],
      horizontalpodautoscalers: [],
      applications: [],
      helmreleases: [],
      kustomizations: [],
    };
    const listed = new Set<string>();
    for (const o of outcomes) {
      if (!o.items) continue;
      objects[o.request.kind].push(...o.items);
      if (!o.request.labelSelector) {
        listed.add(`${o.request.kind}|${o.request.namespace ?? '*'}`);
      }
    }
    const state = matchLiveObjects(objects, {
      cluster: cluster.name,
      selector,
      declared,
      wasListed: (kind, namespace) =>
        listed.has(`${kind}|*`) ||
        (namespace !== undefined && listed.has(`${kind}|${namespace}`)),
    });
    if (failed.length > 0) {
      state.warnings = failed.map(o => ({
        ...toLiveError(o.error),
        kind: o.request.kind,
        ...(o.request.namespace && { namespace: o.request.namespace }),
      }));
    }
    return state;
  }

  function clusterError(
    cluster: ClusterConfig,
    error: unknown,
  ): ClusterLiveError {
    logger.debug(
      `Live state of cluster '${cluster.name}' unavailable: ${
        toLiveError(error).message
      }`,
    );
    return { cluster: cluster.name, error: toLiveError(error) };
  }

  return {
    listClusters: () => clusters.map(c => c.name),

    close: () => cache.close(),

    async readEntityLiveState(query: LiveStateQuery): Promise<EntityLiveState> {
      let selector: LabelSelector | undefined;
      try {
        selector = parseEntitySelector(query);
      } catch (error) {
        const liveError = {
          name: 'InputError',
          message: toLiveError(error).message,
        };
        return {
          clusters: clusters.map(c => ({ cluster: c.name, error: liveError })),
        };
      }
      const wanted = query.clusters ?? clusters.map(c => c.name);
      const results = await Promise.all(
        wanted.map(async name => {
          const cluster = clusters.find(c => c.name === name);
          if (!cluster) {
            return {
              cluster: name,
              error: {
                name: 'NotFoundError',
                message: `Cluster '${name}' is not configured under kubernetes.clusterLocatorMethods, or is not supported`,
              },
            };
          }
          try {
            return await readCluster(cluster, query, selector);
          } catch (error) {
            return clusterError(cluster, error);
          }
        }),
      );
      return { clusters: results };
    },
  };
}

function dedupe(requests: ListRequest[]): ListRequest[] {
  const seen = new Set<string>();
  return requests.filter(r => {
    const key = `${r.kind}|${r.namespace ?? ''}|${r.labelSelector ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function readMilliseconds(
  config: LiveStateReaderOptions['config'],
  key: string,
): number | undefined {
  return config.has(key)
    ? durationToMilliseconds(readDurationFromConfig(config, { key }))
    : undefined;
}
