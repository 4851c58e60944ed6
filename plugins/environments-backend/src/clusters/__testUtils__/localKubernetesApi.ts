import http from 'node:http';
import { AddressInfo } from 'node:net';

/** One request the local API answered. */
export type LocalRequest = {
  path: string;
  query: URLSearchParams;
  authorization?: string;
};

/** A watch stream held open by the local API: the test pushes events and ends it. */
export type LocalWatch = {
  request: LocalRequest;
  /** Writes raw text to the stream. */
  write(text: string): void;
  /** Writes one event as a line of JSON. */
  push(event: { type: string; object: any }): void;
  /** Ends the stream normally, as at `timeoutSeconds`. */
  end(): void;
  /** Breaks the connection. */
  destroy(): void;
  /** Resolves when the client went away. */
  closed: Promise<void>;
};

/**
 * A real HTTP server on a free loopback port that answers list calls with `list(request)` and
 * holds watch calls (`?watch=1`) open, unless `refuseWatch` answers them. Counts every call.
 */
export async function startLocalKubernetesApi(options: {
  list: (request: LocalRequest) => { status?: number; body: any };
  refuseWatch?: (request: LocalRequest) => { status: number; body: any };
}) {
  const requests: LocalRequest[] = [];
  const watches: LocalWatch[] = [];
  const waiters: Array<() => void> = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const request: LocalRequest = {
      path: url.pathname,
      query: url.searchParams,
      authorization: req.headers.authorization,
    };
    requests.push(request);
    if (url.searchParams.get('watch')) {
      const refused = options.refuseWatch?.(request);
      if (refused) {
        res.writeHead(refused.status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(refused.body));
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.flushHeaders();
      const watch: LocalWatch = {
        request,
        write: text => res.write(text),
        push: event => res.write(`${JSON.stringify(event)}\n`),
        end: () => res.end(),
        destroy: () => res.socket?.destroy(),
        closed: new Promise(resolve => res.on('close', () => resolve())),
      };
      watches.push(watch);
      waiters.splice(0).forEach(w => w());
      return;
    }
    const { status, body } = options.list(request);
    res.writeHead(status ?? 200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    watches,
    /** Resolves once `count` watch calls have arrived. */
    async watchCount(count: number): Promise<LocalWatch> {
      while (watches.length < count) {
        await new Promise<void>(resolve => waiters.push(resolve));
      }
      return watches[count - 1];
    },
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Resolves once `predicate` holds, polling. */
export async function eventually(
  predicate: () => boolean,
  timeoutMs = 2000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise(resolve => setTimeout(resolve, 5));
  }
}
