import { CustomErrorBase } from '@backstage/errors';
import http from 'node:http';
import https from 'node:https';
import { ClusterConfig } from './ClusterConfig';
import { KubeObject } from './objects';

/**
 * The kinds the live-state reader lists, and where the API serves them. `optional` kinds are
 * CRDs: a 404 means "not installed here" and reads as an empty list.
 */
export const OBJECT_KINDS = {
  pods: { kind: 'Pod', prefix: '/api/v1', plural: 'pods', optional: false },
  deployments: {
    kind: 'Deployment',
    prefix: '/apis/apps/v1',
    plural: 'deployments',
    optional: false,
  },
  statefulsets: {
    kind: 'StatefulSet',
    prefix: '/apis/apps/v1',
    plural: 'statefulsets',
    optional: false,
  },
  replicasets: {
    kind: 'ReplicaSet',
    prefix: '/apis/apps/v1',
    plural: 'replicasets',
    optional: false,
  },
  horizontalpodautoscalers: {
    kind: 'HorizontalPodAutoscaler',
    prefix: '/apis/autoscaling/v2',
    plural: 'horizontalpodautoscalers',
    optional: false,
  },
  rollouts: {
    kind: 'Rollout',
    prefix: '/apis/argoproj.io/v1alpha1',
    plural: 'rollouts',
    optional: true,
  },
  applications: {
    kind: 'Application',
    prefix: '/apis/argoproj.io/v1alpha1',
    plural: 'applications',
    optional: true,
  },
  helmreleases: {
    kind: 'HelmRelease',
    prefix: '/apis/helm.toolkit.fluxcd.io/v2',
    plural: 'helmreleases',
    optional: true,
  },
  kustomizations: {
    kind: 'Kustomization',
    prefix: '/apis/kustomize.toolkit.fluxcd.io/v1',
    plural: 'kustomizations',
    optional: true,
  },
} as const;

/** A key of {@link OBJECT_KINDS}: the plural resource name. */
export type ObjectKindKey = keyof typeof OBJECT_KINDS;

/** One list call. */
export type ListRequest = {
  kind: ObjectKindKey;
  /** Absent: cluster-wide. */
  namespace?: string;
  labelSelector?: string;
};

/**
 * A small read-only Kubernetes REST client: lists objects of the known kinds.
 */
export interface KubernetesClient {
  /**
   * Lists objects. Items without `metadata.namespace` get the namespace of the request.
   * Rejects with {@link KubernetesRequestError} on a failed call or timeout.
   */
  list(cluster: ClusterConfig, request: ListRequest): Promise<KubeObject[]>;
}

/**
 * A failed call to a cluster. The message names the cluster and the call, never the credentials.
 */
export class KubernetesRequestError extends CustomErrorBase {
  name = 'KubernetesRequestError' as const;
  constructor(message: string, readonly statusCode?: number, cause?: Error) {
    super(message, cause);
  }
}

/** Builds the API path of a list call (without the query string). */
export function listPath(request: ListRequest): string {
  const { prefix, plural } = OBJECT_KINDS[request.kind];
  return request.namespace
    ? `${prefix}/namespaces/${encodeURIComponent(request.namespace)}/${plural}`
    : `${prefix}/${plural}`;
}

export type HttpKubernetesClientOptions = {
  /** Per-call timeout in milliseconds (default 5000). */
  timeoutMs?: number;
  /** Page size for `limit`/`continue` paging (default 500). */
  pageSize?: number;
};

/**
 * {@link KubernetesClient} over `node:http`/`node:https`, honouring each cluster's CA and
 * `skipTLSVerify`. One keep-alive agent per cluster.
 */
export class HttpKubernetesClient implements KubernetesClient {
  readonly #timeoutMs: number;
  readonly #pageSize: number;
  readonly #agents = new Map<string, Promise<http.Agent>>();

  constructor(options: HttpKubernetesClientOptions = {}) {
    this.#timeoutMs = options.timeoutMs ?? 5000;
    this.#pageSize = options.pageSize ?? 500;
  }

  async list(
    cluster: ClusterConfig,
    request: ListRequest,
  ): Promise<KubeObject[]> {
    const path = listPath(request);
    const describe = `list ${request.kind}${
      request.namespace ? ` in namespace '${request.namespace}'` : ''
    } on cluster '${cluster.name}'`;
    const deadline = Date.now() + this.#timeoutMs;
    const items: KubeObject[] = [];
    let continueToken: string | undefined;
    do {
      const query = new URLSearchParams({ limit: String(this.#pageSize) });
      if (request.labelSelector) {
        query.set('labelSelector', request.labelSelector);
      }
      if (continueToken) query.set('continue', continueToken);
      const response = await this.#get(
        cluster,
        `${path}?${query}`,
        deadline - Date.now(),
        describe,
      );
      if (response.statusCode === 404 && OBJECT_KINDS[request.kind].optional) {
        return [];
      }
      if (response.statusCode < 200 || response.statusCode >= 300) {
        throw new KubernetesRequestError(
          `Failed to ${describe}: HTTP ${response.statusCode}${statusMessage(
            response.body,
          )}`,
          response.statusCode,
        );
      }
      let body: any;
      try {
        body = JSON.parse(response.body);
      } catch (e) {
        throw new KubernetesRequestError(
          `Failed to ${describe}: the answer is not JSON`,
          response.statusCode,
        );
      }
      for (const item of Array.isArray(body?.items) ? body.items : []) {
        if (request.namespace && !item?.metadata?.namespace) {
          item.metadata = { ...item.metadata, namespace: request.namespace };
        }
        items.push(item);
      }
      continueToken = body?.metadata?.continue || undefined;
    } while (continueToken);
    return items;
  }

  async #agent(cluster: ClusterConfig): Promise<http.Agent> {
    let agent = this.#agents.get(cluster.name);
    if (!agent) {
      agent = (async () => {
        if (!cluster.url.startsWith('https:')) {
          return new http.Agent({ keepAlive: true });
        }
        return new https.Agent({
          keepAlive: true,
          ca: await cluster.getCa(),
          rejectUnauthorized: !cluster.skipTLSVerify,
        });
      })();
      agent.catch(() => this.#agents.delete(cluster.name));
      this.#agents.set(cluster.name, agent);
    }
    return agent;
  }

  async #get(
    cluster: ClusterConfig,
    pathAndQuery: string,
    timeoutMs: number,
    describe: string,
  ): Promise<{ statusCode: number; body: string }> {
    const [agent, token] = await Promise.all([
      this.#agent(cluster),
      cluster.getBearerToken(),
    ]);
    const url = new URL(`${cluster.url}${pathAndQuery}`);
    const transport = url.protocol === 'https:' ? https : http;
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (token) headers.Authorization = `Bearer ${token}`;

    return new Promise((resolve, reject) => {
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(), Math.max(timeoutMs, 0));
      let settled = false;
      const settle = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        fn();
      };
      const fail = (e: Error) =>
        settle(() =>
          reject(
            abort.signal.aborted
              ? new KubernetesRequestError(
                  `Failed to ${describe}: no answer within ${
                    this.#timeoutMs
                  } ms`,
                )
              : new KubernetesRequestError(
                  `Failed to ${describe}: ${e.message}`,
                  undefined,
                  e,
                ),
          ),
        );
      const req = transport.request(
        url,
        { method: 'GET', agent, headers, signal: abort.signal },
        res => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', fail);
          res.on('end', () =>
            settle(() =>
              resolve({
                statusCode: res.statusCode ?? 0,
                body: Buffer.concat(chunks).toString('utf8'),
              }),
            ),
          );
        },
      );
      req.on('error', fail);
      req.end();
    });
  }
}

/** The `message` of a Kubernetes Status body, if there is one. */
function statusMessage(body: string): string {
  try {
    const status = JSON.parse(body);
    return typeof status?.message === 'string' ? ` (${status.message})` : '';
  } catch {
    return '';
  }
}
