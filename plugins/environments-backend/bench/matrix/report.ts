/*
 * Plain lines of figures, as the other bench scripts print them.
 */
import type { LoadResult } from './load';
import type { UpstreamCall } from './standin';

export const ms = (v: number) => `${v < 10 ? v.toFixed(1) : v.toFixed(0)} ms`;

/** `12 (GET /apis/apps/v1/namespaces/bench-env01/deployments ×2, …)`, grouped by path. */
export function describeCalls(calls: UpstreamCall[], limit = 4): string {
  const byPath = new Map<string, number>();
  for (const c of calls) {
    const key = `${c.method} ${c.cluster}:${c.path}${
      c.labelSelector ? `?labelSelector=${c.labelSelector}` : ''
    }${c.status && c.status >= 400 ? ` → ${c.status} ${c.error ?? ''}` : ''}`;
    byPath.set(key, (byPath.get(key) ?? 0) + 1);
  }
  const shown = [...byPath.entries()]
    .slice(0, limit)
    .map(([k, n]) => (n > 1 ? `${k} ×${n}` : k));
  const more = byPath.size > limit ? `, … ${byPath.size - limit} more` : '';
  return `${calls.length} (${shown.join(', ')}${more})`;
}

/** Distinct kinds listed, e.g. `deployments, pods (10 namespaces × 2 clusters)`. */
export function describeShape(calls: UpstreamCall[]): string {
  const kinds = new Set(calls.map(c => c.path.split('/').pop()));
  const namespaces = new Set(
    calls.map(c => /\/namespaces\/([^/]+)\//.exec(c.path)?.[1]).filter(Boolean),
  );
  const clusters = new Set(calls.map(c => c.cluster));
  return `${kinds.size} kinds × ${
    namespaces.size ? `${namespaces.size} namespaces` : 'all namespaces'
  } × ${clusters.size} clusters`;
}

export function printLoad(label: string, r: LoadResult) {
  console.log(
    `  ${label}: ${r.requestsPerSecond.toFixed(0)} requests/s, p50 ${ms(
      r.p50,
    )}, p90 ${ms(r.p90)}, p99 ${ms(r.p99)}, max ${ms(r.max)} (${
      r.requests
    } requests in ${r.durationS.toFixed(0)} s, ${r.connections} connections, ${
      r.non2xx
    } non-2xx, ${r.errors} errors)`,
  );
}

export type SteadyRow = {
  viewers: number;
  windowS: number;
  ourRequests: number;
  ourCalls: number;
  kubernetesRequests: number;
  kubernetesCalls: number;
};

export function printSteadyTable(rows: SteadyRow[]) {
  const perMinute = (n: number, s: number) => (n * 60) / s;
  const line = (cells: string[]) =>
    console.log(
      `  ${cells
        .map((c, i) => (i === 0 ? c.padEnd(8) : c.padStart(i === 5 ? 9 : 24)))
        .join(' ')}`,
    );
  line([
    'viewers',
    'us: calls/min (raw)',
    'k8s backend: calls/min',
    'us: page requests',
    'k8s: page requests',
    'ratio',
  ]);
  for (const r of rows) {
    const ours = perMinute(r.ourCalls, r.windowS);
    const theirs = perMinute(r.kubernetesCalls, r.windowS);
    line([
      String(r.viewers),
      `${ours.toFixed(0)} (${r.ourCalls} in ${r.windowS} s)`,
      `${theirs.toFixed(0)} (${r.kubernetesCalls} in ${r.windowS} s)`,
      String(r.ourRequests),
      String(r.kubernetesRequests),
      ours > 0 ? `${(theirs / ours).toFixed(1)}×` : '∞',
    ]);
  }
}

export function verdict(label: string, ok: boolean, detail: string) {
  console.log(`  ${ok ? 'PASS' : 'MISS'} ${label}: ${detail}`);
}

/** Bursts of calls (a gap of more than `gapMs` starts a new one): our refresh runs. */
export function bursts(calls: UpstreamCall[], gapMs = 3000): UpstreamCall[][] {
  const runs: UpstreamCall[][] = [];
  for (const c of calls) {
    const last = runs[runs.length - 1];
    if (last && c.at - last[last.length - 1].at <= gapMs) last.push(c);
    else runs.push([c]);
  }
  return runs;
}
