import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import {
  AddressInfo,
  createServer as createNetServer,
  Server as NetServer,
  Socket,
} from 'node:net';
import {
  apiGroupList,
  apiResourceList,
  apiVersionOf,
  findResourceType,
  groupVersions,
  resourceKey,
  ResourceType,
} from '../api/resources';
import {
  FieldRequirement,
  LabelRequirement,
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
  SelectorError,
} from '../api/selectors';
import { KubeObject, ObjectStore, StoreEvent } from '../store/ObjectStore';
import {
  createSelfSignedCertificate,
  SelfSignedCertificate,
} from './selfSignedCertificate';
import { ApiError, notFoundPath, statusObject } from './status';
import { toTable, wantsTable } from './table';

/** Where the stand-in writes what it does (never request headers or the token). */
export type StandinLogger = (message: string) => void;

export interface StandinServerOptions {
  /** The bearer token every request must carry. */
  token: string;
  /** One store per cluster, by cluster name. */
  clusters: Map<string, ObjectStore>;
  host?: string;
  port?: number;
  logger?: StandinLogger;
  /** Upper bound for a watch without `timeoutSeconds` (default 30 minutes). */
  maxWatchSeconds?: number;
  /**
   * Certificate and key (PEM) for HTTPS on the same port; default: a
   * self-signed certificate for 127.0.0.1 made at start.
   */
  tls?: SelfSignedCertificate;
}

interface Query {
  labelSelector: LabelRequirement[];
  fieldSelector: FieldRequirement[];
  watch: boolean;
  resourceVersion?: string;
  timeoutSeconds?: number;
  /** Answer with meta.k8s.io Tables (server-side printing for kubectl). */
  table: boolean;
  includeObject: string | null;
}

const VERSION_INFO = {
  major: '1',
  minor: '31',
  gitVersion: 'v1.31.0-stagecraft-standin',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z',
  goVersion: 'go1.22.0',
  compiler: 'gc',
  platform: 'linux/amd64',
};

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * Serves the Kubernetes REST API (read-only: get, list, watch) of several
 * stand-in clusters from one port, each under `/clusters/<name>`, plus the
 * fault controls under `/_standin`.
 */
export class StandinServer {
  private readonly listener: NetServer;
  private readonly sockets = new Set<Socket>();
  private readonly certificate: SelfSignedCertificate;
  private readonly tokenDigest: Buffer;
  private readonly down = new Map<string, Array<() => void>>();
  /** Open watch streams, with the cluster each belongs to. */
  private readonly openWatches = new Map<ServerResponse, string>();
  private baseUrl: string | undefined;

  constructor(private readonly options: StandinServerOptions) {
    if (!options.token) throw new Error('a token is required');
    this.tokenDigest = digest(options.token);
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      this.handle(req, res).catch(error => {
        this.log(`internal error: ${(error as Error).message}`);
        if (!res.headersSent) {
          this.sendJson(
            res,
            500,
            statusObject(500, 'InternalError', 'internal error'),
          );
        } else {
          res.destroy();
        }
      });
    };
    this.certificate = options.tls ?? createSelfSignedCertificate();
    const plain = createServer(handler);
    const secure = createTlsServer(
      { cert: this.certificate.cert, key: this.certificate.key },
      handler,
    );
    // One port, both protocols: a TLS handshake starts with byte 0x16.
    this.listener = createNetServer(socket => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => socket.destroy());
      socket.once('data', first => {
        socket.pause();
        socket.unshift(first);
        (first[0] === 0x16 ? secure : plain).emit('connection', socket);
        process.nextTick(() => socket.resume());
      });
    });
  }

  /** The PEM certificate HTTPS clients can trust (`certificate-authority`). */
  get caCertificate(): string {
    return this.certificate.cert;
  }

  /** Starts listening; resolves with the base URL, e.g. `http://127.0.0.1:7007`. */
  async listen(): Promise<string> {
    const host = this.options.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      this.listener.once('error', reject);
      this.listener.listen(this.options.port ?? 0, host, () => {
        this.listener.off('error', reject);
        resolve();
      });
    });
    const { port } = this.listener.address() as AddressInfo;
    this.baseUrl = `http://${host}:${port}`;
    return this.baseUrl;
  }

  /** Base URL over HTTP, e.g. `http://127.0.0.1:7100`. */
  get url(): string {
    if (!this.baseUrl) throw new Error('the server is not listening');
    return this.baseUrl;
  }

  /** The same port over HTTPS. */
  get secureUrl(): string {
    return this.url.replace(/^http:/, 'https:');
  }

  clusterUrl(cluster: string): string {
    return `${this.url}/clusters/${encodeURIComponent(cluster)}`;
  }

  /** Makes a cluster's API hang (down) or answer again (up, which also answers held requests). */
  setClusterDown(cluster: string, isDown: boolean) {
    if (!this.options.clusters.has(cluster))
      throw new Error(`unknown cluster ${cluster}`);
    if (isDown) {
      if (!this.down.has(cluster)) this.down.set(cluster, []);
      // Like a network failure: open watches drop, new requests hang.
      for (const [res, of] of this.openWatches) {
        if (of === cluster) res.destroy();
      }
      this.log(`cluster ${cluster} is down (its API does not answer)`);
      return;
    }
    const held = this.down.get(cluster);
    this.down.delete(cluster);
    if (held) {
      this.log(`cluster ${cluster} is up`);
      held.forEach(release => release());
    }
  }

  isClusterDown(cluster: string): boolean {
    return this.down.has(cluster);
  }

  async close(): Promise<void> {
    for (const res of this.openWatches.keys()) res.end();
    this.openWatches.clear();
    this.down.clear();
    await new Promise<void>(resolve => {
      this.listener.close(() => resolve());
      for (const socket of this.sockets) socket.destroy();
    });
  }

  private log(message: string) {
    this.options.logger?.(message);
  }

  private authorized(req: IncomingMessage): boolean {
    const header = req.headers.authorization ?? '';
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) return false;
    return timingSafeEqual(digest(m[1]), this.tokenDigest);
  }

  private sendJson(res: ServerResponse, code: number, body: unknown) {
    const text = JSON.stringify(body);
    res.writeHead(code, {
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(text),
      'Cache-Control': 'no-cache, private',
    });
    res.end(text);
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://standin');
    const segments = url.pathname
      .split('/')
      .filter(s => s.length > 0)
      .map(s => decodeURIComponent(s));
    this.log(`${req.method} ${url.pathname}${url.search ? '?…' : ''}`);

    const isVersion =
      (segments.length === 3 &&
        segments[0] === 'clusters' &&
        segments[2] === 'version') ||
      (segments.length === 1 && segments[0] === 'version');
    if (!isVersion && !this.authorized(req)) {
      this.sendJson(
        res,
        401,
        statusObject(401, 'Unauthorized', 'Unauthorized'),
      );
      return;
    }

    if (segments[0] === '_standin') {
      this.handleControl(req, res, segments.slice(1));
      return;
    }
    if (segments.length === 1 && segments[0] === 'version') {
      this.sendJson(res, 200, VERSION_INFO);
      return;
    }
    if (segments[0] !== 'clusters' || segments.length < 2) {
      this.sendJson(res, 404, notFoundPath().toStatus());
      return;
    }
    const cluster = segments[1];
    const store = this.options.clusters.get(cluster);
    if (!store) {
      this.sendJson(res, 404, notFoundPath().toStatus());
      return;
    }
    const held = this.down.get(cluster);
    if (held) {
      // The cluster does not answer: hold the request until it is up again.
      await new Promise<void>(resolve => {
        held.push(resolve);
        req.socket.once('close', resolve);
      });
      if (req.socket.destroyed) return;
    }
    try {
      this.handleApi(req, res, url, segments.slice(2), cluster, store);
    } catch (error) {
      if (error instanceof ApiError) {
        this.sendJson(res, error.code, error.toStatus());
      } else if (error instanceof SelectorError) {
        this.sendJson(res, 400, statusObject(400, 'BadRequest', error.message));
      } else {
        throw error;
      }
    }
  }

  private handleControl(
    req: IncomingMessage,
    res: ServerResponse,
    segments: string[],
  ) {
    if (
      segments.length === 1 &&
      segments[0] === 'clusters' &&
      req.method === 'GET'
    ) {
      this.sendJson(res, 200, {
        clusters: [...this.options.clusters.keys()].map(name => ({
          name,
          url: this.clusterUrl(name),
          down: this.isClusterDown(name),
        })),
      });
      return;
    }
    if (
      segments.length === 3 &&
      segments[0] === 'clusters' &&
      (segments[2] === 'down' || segments[2] === 'up')
    ) {
      if (req.method !== 'POST') {
        this.sendJson(
          res,
          405,
          statusObject(405, 'MethodNotAllowed', 'use POST'),
        );
        return;
      }
      const cluster = segments[1];
      if (!this.options.clusters.has(cluster)) {
        this.sendJson(
          res,
          404,
          statusObject(404, 'NotFound', `cluster "${cluster}" not found`),
        );
        return;
      }
      this.setClusterDown(cluster, segments[2] === 'down');
      this.sendJson(res, 200, {
        name: cluster,
        down: this.isClusterDown(cluster),
      });
      return;
    }
    this.sendJson(res, 404, notFoundPath().toStatus());
  }

  private handleApi(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    path: string[],
    cluster: string,
    store: ObjectStore,
  ) {
    if (req.method !== 'GET') {
      throw new ApiError(
        405,
        'MethodNotAllowed',
        `the stand-in is read-only; ${req.method} is not supported`,
      );
    }
    if (path.length === 1 && path[0] === 'version') {
      this.sendJson(res, 200, VERSION_INFO);
      return;
    }
    if (path.length === 1 && path[0] === 'api') {
      this.sendJson(res, 200, {
        kind: 'APIVersions',
        versions: ['v1'],
        serverAddressByClientCIDRs: [
          { clientCIDR: '0.0.0.0/0', serverAddress: new URL(this.url).host },
        ],
      });
      return;
    }
    if (path.length === 1 && path[0] === 'apis') {
      this.sendJson(res, 200, apiGroupList());
      return;
    }
    let group: string;
    let version: string;
    let rest: string[];
    if (path[0] === 'api' && path.length >= 2) {
      [group, version, rest] = ['', path[1], path.slice(2)];
    } else if (path[0] === 'apis' && path.length >= 3) {
      [group, version, rest] = [path[1], path[2], path.slice(3)];
    } else if (path[0] === 'apis' && path.length === 2) {
      const versions = groupVersions().filter(gv => gv.group === path[1]);
      if (versions.length === 0) throw notFoundPath();
      const list = apiGroupList().groups.find(g => g.name === path[1]);
      this.sendJson(res, 200, { kind: 'APIGroup', apiVersion: 'v1', ...list });
      return;
    } else {
      throw notFoundPath();
    }
    if (rest.length === 0) {
      const list = apiResourceList(group, version);
      if (!list) throw notFoundPath();
      this.sendJson(res, 200, list);
      return;
    }
    const query = this.parseQuery(url, req);
    if (rest[0] === 'watch') {
      rest = rest.slice(1);
      query.watch = true;
    }

    let namespace: string | undefined;
    let plural: string;
    let name: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      [namespace, plural, name] = [rest[1], rest[2], rest[3]];
      if (rest.length > 4) throw notFoundPath();
    } else if (rest.length <= 2) {
      [plural, name] = [rest[0], rest[1]];
    } else {
      throw notFoundPath();
    }
    const type = findResourceType(group, version, plural);
    if (!type) throw notFoundPath();
    if (namespace !== undefined && !type.namespaced) throw notFoundPath();
    if (name !== undefined && namespace === undefined && type.namespaced)
      throw notFoundPath();

    if (name !== undefined && !query.watch) {
      const object = store.get(resourceKey(type), namespace, name);
      if (!object) {
        const qualified = type.group
          ? `${type.plural}.${type.group}`
          : type.plural;
        throw new ApiError(
          404,
          'NotFound',
          `${qualified} "${name}" not found`,
          {
            name,
            ...(type.group ? { group: type.group } : {}),
            kind: type.plural,
          },
        );
      }
      this.sendJson(
        res,
        200,
        query.table
          ? toTable(
              type.kind,
              [object],
              object.metadata.resourceVersion ?? '',
              query.includeObject,
            )
          : object,
      );
      return;
    }
    if (name !== undefined) {
      query.fieldSelector.push({ path: 'metadata.name', op: '=', value: name });
    }
    if (query.watch) {
      this.serveWatch(req, res, cluster, store, type, namespace, query);
      return;
    }
    const items = store
      .list(resourceKey(type), namespace)
      .filter(o => this.matches(o, query));
    const resourceVersion = String(store.resourceVersion);
    this.sendJson(
      res,
      200,
      query.table
        ? toTable(type.kind, items, resourceVersion, query.includeObject)
        : {
            apiVersion: apiVersionOf(type),
            kind: `${type.kind}List`,
            metadata: { resourceVersion },
            items,
          },
    );
  }

  private parseQuery(url: URL, req: IncomingMessage): Query {
    const p = url.searchParams;
    const watch = p.get('watch');
    const timeout = p.get('timeoutSeconds');
    return {
      labelSelector: parseLabelSelector(p.get('labelSelector')),
      fieldSelector: parseFieldSelector(p.get('fieldSelector')),
      watch: watch === '1' || watch === 'true',
      resourceVersion: p.get('resourceVersion') ?? undefined,
      timeoutSeconds:
        timeout !== null && /^\d+$/.test(timeout) ? Number(timeout) : undefined,
      table: wantsTable(req.headers.accept),
      includeObject: p.get('includeObject'),
    };
  }

  private matches(object: KubeObject, query: Query): boolean {
    return (
      matchesLabels(object.metadata.labels, query.labelSelector) &&
      matchesFields(object, query.fieldSelector)
    );
  }

  private serveWatch(
    req: IncomingMessage,
    res: ServerResponse,
    cluster: string,
    store: ObjectStore,
    type: ResourceType,
    namespace: string | undefined,
    query: Query,
  ) {
    const resource = resourceKey(type);
    const inScope = (e: StoreEvent) =>
      e.resource === resource &&
      (namespace === undefined || e.object.metadata.namespace === namespace) &&
      this.matches(e.object, query);

    let initial: Array<{ type: string; object: KubeObject }>;
    const rv = query.resourceVersion;
    if (rv === undefined || rv === '' || rv === '0') {
      initial = store
        .list(resource, namespace)
        .filter(o => this.matches(o, query))
        .map(object => ({ type: 'ADDED', object }));
    } else {
      if (!/^\d+$/.test(rv)) {
        throw new ApiError(
          400,
          'BadRequest',
          `invalid resource version "${rv}"`,
        );
      }
      const events = store.eventsSince(Number(rv));
      if (!events) {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(
          `${JSON.stringify({
            type: 'ERROR',
            object: statusObject(
              410,
              'Expired',
              `too old resource version: ${rv} (${store.oldestResumableVersion})`,
            ),
          })}\n`,
        );
        return;
      }
      initial = events
        .filter(inScope)
        .map(e => ({ type: e.type, object: e.object }));
    }

    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-cache, private',
      'Transfer-Encoding': 'chunked',
    });
    res.flushHeaders();
    const write = (event: { type: string; object: KubeObject }) => {
      const object = query.table
        ? toTable(
            type.kind,
            [event.object],
            event.object.metadata.resourceVersion ?? '',
            query.includeObject,
          )
        : event.object;
      res.write(`${JSON.stringify({ type: event.type, object })}\n`);
    };
    initial.forEach(write);
    const unsubscribe = store.subscribe(e => {
      if (inScope(e)) write({ type: e.type, object: e.object });
    });
    this.openWatches.set(res, cluster);
    const max = this.options.maxWatchSeconds ?? 1800;
    const seconds = Math.min(query.timeoutSeconds || max, max);
    const timer = setTimeout(() => res.end(), seconds * 1000);
    const finish = () => {
      clearTimeout(timer);
      unsubscribe();
      this.openWatches.delete(res);
    };
    res.on('close', finish);
    req.on('close', finish);
  }
}
