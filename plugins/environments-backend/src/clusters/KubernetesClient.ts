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

  /**
   * Like {@link KubernetesClient.list}, with the list's `metadata.resourceVersion` (the point a
   * watch starts from). Optional: a client without it is never watched.
   */
  listWithVersion?(
    cluster: ClusterConfig,
    request: ListRequest,
  ): Promise<ListResult>;

  /**
   * Opens a watch of what `request` lists, from `options.resourceVersion`. Events arrive through
   * `handlers.onEvent`; `handlers.onEnd` is called once when the stream ends (not after
   * {@link KubernetesWatch.close}). Optional: a client without it is never watched.
   */
  watch?(
    cluster: ClusterConfig,
    request: ListRequest,
    options: WatchOptions,
    handlers: WatchHandlers,
  ): KubernetesWatch;
}

/** The answer of {@link KubernetesClient.listWithVersion}. */
export type ListResult = {
  items: KubeObject[];
  /** The list's `metadata.resourceVersion`, if the server gave one. */
  resourceVersion?: string;
  /** An optional kind (CRD) that is not installed: 404, read as an empty list. */
  notInstalled?: boolean;
};

export type WatchOptions = {
  resourceVersion: string;
  /** Asks the server to end the stream after this long (default 600). */
  timeoutSeconds?: number;
};

/** One event of a watch stream. */
export type WatchEvent = {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  /** The object; for `ERROR`, a Kubernetes `Status` (e.g. `code: 410` when the version is gone). */
  object: any;
};

export type WatchHandlers = {
  onEvent(event: WatchEvent): void;
  /**
   * The stream ended: without an error when the server closed it normally (e.g. at
   * `timeoutSeconds`); with a {@link KubernetesRequestError} otherwise. Its `statusCode` is set
   * when the server answered but refused the watch (an HTTP error, or an answer that is not a
   * watch stream); it is absent on a connection error or timeout.
   */
  onEnd(error?: KubernetesRequestError): void;
};

/** An open watch. */
export type KubernetesWatch = {
  /** Ends the watch; no handler is called afterwards. */
  close(): void;
};

const WATCH_EVENT_TYPES = new Set([
  'ADDED',
  'MODIFIED',
  'DELETED',
  'BOOKMARK',
  'ERROR',
]);

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
    return (await this.listWithVersion(cluster, request)).items;
  }

  async listWithVersion(
    cluster: ClusterConfig,
    request: ListRequest,
  ): Promise<ListResult> {
    const path = listPath(request);
    const describe = describeCall('list', cluster, request);
    const deadline = Date.now() + this.#timeoutMs;
    const items: KubeObject[] = [];
    let continueToken: string | undefined;
    let resourceVersion: string | undefined;
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
        return { items: [], notInstalled: true };
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
      if (typeof body?.metadata?.resourceVersion === 'string') {
        resourceVersion = body.metadata.resourceVersion || undefined;
      }
    } while (continueToken);
    return { items, resourceVersion };
  }

  watch(
    cluster: ClusterConfig,
    request: ListRequest,
    options: WatchOptions,
    handlers: WatchHandlers,
  ): KubernetesWatch {
    const timeoutSeconds = options.timeoutSeconds ?? 600;
    const query = new URLSearchParams({
      watch: '1',
      resourceVersion: options.resourceVersion,
      allowWatchBookmarks: 'true',
      timeoutSeconds: String(timeoutSeconds),
    });
    if (request.labelSelector) {
      query.set('labelSelector', request.labelSelector);
    }
    const describe = describeCall('watch', cluster, request);
    const abort = new AbortController();
    let ended = false;
    let timer: NodeJS.Timeout | undefined;
    const end = (error?: KubernetesRequestError) => {
      if (ended) return;
      ended = true;
      clearTimeout(timer);
      abort.abort();
      handlers.onEnd(error);
    };
    const arm = (ms: number, message: string) => {
      clearTimeout(timer);
      timer = setTimeout(
        () =>
          end(new KubernetesRequestError(`Failed to ${describe}: ${message}`)),
        Math.max(ms, 0),
      );
      timer.unref?.();
    };
    // Until the answer starts: the call timeout. Then: the server's timeout plus a margin, so a
    // stream that silently stalls is noticed.
    arm(this.#timeoutMs, `no answer within ${this.#timeoutMs} ms`);

    (async () => {
      const [agent, token] = await Promise.all([
        this.#agent(cluster),
        cluster.getBearerToken(),
      ]);
      if (ended) return;
      const url = new URL(`${cluster.url}${listPath(request)}?${query}`);
      const transport = url.protocol === 'https:' ? https : http;
      const headers: Record<string, string> = { Accept: 'application/json' };
      if (token) headers.Authorization = `Bearer ${token}`;
      const connectionError = (e: Error) =>
        end(
          new KubernetesRequestError(
            `Failed to ${describe}: ${e.message}`,
            undefined,
            e,
          ),
        );
      const req = transport.request(
        url,
        { method: 'GET', agent, headers, signal: abort.signal },
        res => {
          const statusCode = res.statusCode ?? 0;
          res.setEncoding('utf8');
          if (statusCode < 200 || statusCode >= 300) {
            let body = '';
            res.on('data', (chunk: string) => {
              if (body.length < 65_536) body += chunk;
            });
            res.on('error', connectionError);
            res.on('end', () =>
              end(
                new KubernetesRequestError(
                  `Failed to ${describe}: HTTP ${statusCode}${statusMessage(
                    body,
                  )}`,
                  statusCode,
                ),
              ),
            );
            return;
          }
          arm(
            timeoutSeconds * 1000 + Math.max(this.#timeoutMs, 30_000),
            `the stream outlived its timeout of ${timeoutSeconds} s`,
          );
          let buffer = '';
          const line = (text: string) => {
            if (!text.trim()) return;
            let event: any;
            try {
              event = JSON.parse(text);
            } catch {
              event = undefined;
            }
            if (!WATCH_EVENT_TYPES.has(event?.type)) {
              end(
                new KubernetesRequestError(
                  `Failed to ${describe}: the answer is not a watch stream`,
                  statusCode,
                ),
              );
              return;
            }
            const object = event.object;
            if (
              event.type !== 'ERROR' &&
              request.namespace &&
              object &&
              typeof object === 'object' &&
              !object.metadata?.namespace
            ) {
              object.metadata = {
                ...object.metadata,
                namespace: request.namespace,
              };
            }
            handlers.onEvent({ type: event.type, object });
          };
          res.on('data', (chunk: string) => {
            buffer += chunk;
            let newline = buffer.indexOf('\n');
            while (newline >= 0 && !ended) {
              const text = buffer.slice(0, newline);
              buffer = buffer.slice(newline + 1);
              line(text);
              newline = buffer.indexOf('\n');
            }
          });
          res.on('error', connectionError);
          res.on('end', () => {
            if (!ended) line(buffer);
            end();
          });
          res.on('close', () => {
            if (!res.complete) {
              connectionError(new Error('the connection closed mid-stream'));
            }
          });
        },
      );
      // A watch must not keep the process alive on its own.
      req.on('socket', socket => socket.unref?.());
      req.on('error', e => {
        if (!abort.signal.aborted) connectionError(e);
      });
      req.end();
    })().catch(e =>
      end(
        new KubernetesRequestError(
          `Failed to ${describe}: ${e?.message ?? String(e)}`,
          undefined,
          e instanceof Error ? e : undefined,
        ),
      ),
    );

    return {
      close: () => {
        ended = true;
        clearTimeout(timer);
        abort.abort();
      },
    };
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

function describeCall(
  verb: string,
  cluster: ClusterConfig,
  request: ListRequest,
): string {
  return `${verb} ${request.kind}${
    request.namespace ? ` in namespace '${request.namespace}'` : ''
  } on cluster '${cluster.name}'`;
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
