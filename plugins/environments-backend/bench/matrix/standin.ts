/*
 * The cluster stand-in (packages/cluster-standin) in this process, behind a small counting HTTP
 * proxy: every upstream call either backend makes goes through the proxy, which records it and
 * says whose it is.
 *
 * Both plugins read the same `kubernetes:` config, so they reach the same URLs. They are told
 * apart by their HTTP clients: our reader (node:http, src/clusters/KubernetesClient.ts) sends no
 * User-Agent; the Kubernetes backend (@kubernetes/client-node) sends one. The report prints the
 * User-Agents seen, so the attribution can be checked.
 */
import { startClusterStandin } from '@stagecraft/cluster-standin';
import http from 'node:http';
import { AddressInfo } from 'node:net';

export type Caller = 'environments' | 'kubernetes';

export type UpstreamCall = {
  at: number;
  caller: Caller;
  userAgent: string;
  method: string;
  cluster: string;
  /** Path below the cluster, without the query. */
  path: string;
  labelSelector?: string;
  status?: number;
  error?: string;
};

export type CountingStandin = {
  /** Base URL of the proxy: clusters are at `<url>/clusters/<name>`. */
  url: string;
  token: string;
  clusters: string[];
  calls: UpstreamCall[];
  /** Calls since `from` (an index into `calls`), by caller. */
  since(from: number, caller?: Caller): UpstreamCall[];
  close(): Promise<void>;
};

export function attribute(userAgent: string | undefined): Caller {
  return userAgent ? 'kubernetes' : 'environments';
}

export async function startCountingStandin(options: {
  repository: string;
  clusters: Record<string, string[]>;
}): Promise<CountingStandin> {
  const token = `bench-${Math.random().toString(36).slice(2)}${Date.now()}`;
  const standin = await startClusterStandin({
    token,
    repository: options.repository,
    clusters: options.clusters,
  });
  const upstream = new URL(standin.url);
  // A new connection per forwarded call: reusing idle sockets races the stand-in's keep-alive
  // timeout (ECONNRESET), and a proxy failure must not count against either backend.
  const agent = new http.Agent({ keepAlive: false });
  const calls: UpstreamCall[] = [];

  const proxy = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    const match = /^\/clusters\/([^/]+)(\/.*)?$/.exec(url.pathname);
    const userAgent = req.headers['user-agent'] ?? '';
    const call: UpstreamCall = {
      at: Date.now(),
      caller: attribute(userAgent),
      userAgent,
      method: req.method ?? 'GET',
      cluster: match?.[1] ?? '',
      path: match ? match[2] ?? '/' : url.pathname,
      ...(url.searchParams.get('labelSelector') && {
        labelSelector: url.searchParams.get('labelSelector')!,
      }),
    };
    calls.push(call);
    const forward = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
        agent,
      },
      answer => {
        call.status = answer.statusCode;
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        // As an API server does: a watch's headers go out before its first event.
        res.flushHeaders();
        answer.pipe(res);
      },
    );
    forward.on('error', error => {
      call.status = 502;
      call.error = error.message;
      if (!res.headersSent) res.writeHead(502);
      res.end(String(error));
    });
    req.pipe(forward);
  });
  await new Promise<void>(resolve =>
    proxy.listen(0, '127.0.0.1', () => resolve()),
  );
  const { port } = proxy.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    token,
    clusters: standin.clusters,
    calls,
    since: (from, caller) =>
      calls.slice(from).filter(c => !caller || c.caller === caller),
    close: async () => {
      proxy.closeAllConnections();
      await new Promise<void>(resolve => proxy.close(() => resolve()));
      agent.destroy();
      await standin.close();
    },
  };
}
