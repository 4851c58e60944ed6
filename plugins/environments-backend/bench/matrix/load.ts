/*
 * Load: autocannon in a child process (so the load generator does not share the backend's event
 * loop), and simulated viewers that poll a route the way a page does.
 */
import { execFile } from 'node:child_process';

export type LoadResult = {
  connections: number;
  durationS: number;
  requests: number;
  requestsPerSecond: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  non2xx: number;
  errors: number;
  timeouts: number;
};

/** `autocannon -c <connections> -d <durationS> -j` against a GET url. */
export function runAutocannon(options: {
  url: string;
  headers: Record<string, string>;
  connections: number;
  durationS: number;
}): Promise<LoadResult> {
  const args = [
    require.resolve('autocannon/autocannon.js'),
    '-c',
    String(options.connections),
    '-d',
    String(options.durationS),
    '-j',
    '-n',
    ...Object.entries(options.headers).flatMap(([k, v]) => ['-H', `${k}=${v}`]),
    options.url,
  ];
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      args,
      { maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`autocannon failed: ${error.message}\n${stderr}`));
          return;
        }
        try {
          const r = JSON.parse(stdout);
          resolve({
            connections: options.connections,
            durationS: r.duration,
            requests: r.requests.total,
            requestsPerSecond: r.requests.total / r.duration,
            p50: r.latency.p50,
            p90: r.latency.p90,
            p99: r.latency.p99,
            max: r.latency.max,
            non2xx: r.non2xx,
            errors: r.errors,
            timeouts: r.timeouts,
          });
        } catch (e) {
          reject(
            new Error(`autocannon output is not JSON: ${stdout.slice(0, 500)}`),
          );
        }
      },
    );
  });
}

/** One request; throws unless it answers 2xx. */
export async function timedRequest(
  url: string,
  init: RequestInit,
): Promise<{ ms: number; body: any }> {
  const started = performance.now();
  const res = await fetch(url, init);
  const text = await res.text();
  const ms = performance.now() - started;
  if (!res.ok) {
    throw new Error(`${init.method ?? 'GET'} ${url}: ${res.status} ${text}`);
  }
  return { ms, body: text ? JSON.parse(text) : undefined };
}

export type PollingRoute = {
  name: string;
  /** How often one open page asks again; undefined = only when the page opens. */
  intervalMs?: number;
  request(): Promise<unknown>;
};

/**
 * `viewers` pages open for `windowMs`, each polling every route: once when it opens, then every
 * `intervalMs`. Pages open spread over the first interval, as people arrive at different times.
 * Resolves with the number of requests made per route; throws on the first failed request.
 */
export async function simulateViewers(options: {
  viewers: number;
  windowMs: number;
  routes: PollingRoute[];
}): Promise<Record<string, number>> {
  const { viewers, windowMs, routes } = options;
  const made: Record<string, number> = Object.fromEntries(
    routes.map(r => [r.name, 0]),
  );
  const timers: NodeJS.Timeout[] = [];
  const pending = new Set<Promise<unknown>>();
  let failure: unknown;

  const fire = (route: PollingRoute) => {
    made[route.name] += 1;
    const p = route
      .request()
      .catch(error => {
        failure ??= error;
      })
      .finally(() => pending.delete(p));
    pending.add(p);
  };

  for (const route of routes) {
    const spread = route.intervalMs ?? windowMs;
    for (let v = 0; v < viewers; v++) {
      const offset = Math.floor((v * spread) / viewers);
      timers.push(
        setTimeout(() => {
          fire(route);
          if (route.intervalMs) {
            timers.push(setInterval(() => fire(route), route.intervalMs));
          }
        }, offset),
      );
    }
  }
  await new Promise(resolve => setTimeout(resolve, windowMs));
  for (const t of timers) clearTimeout(t);
  await Promise.all(pending);
  if (failure) throw failure;
  return made;
}
