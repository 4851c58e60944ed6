/*
 * Matrix benchmark: latency and throughput of the matrix route for a 10-environment entity, warm,
 * and the upstream (cluster) calls it costs compared with the Backstage Kubernetes backend's
 * `POST /api/kubernetes/services/:serviceId` serving the same entity from the same clusters.
 *
 *   yarn bench:matrix [--connections 10] [--warmup 10] [--duration 20]
 *                     [--window 60] [--viewers 1,5] [--environments 10] [--clusters 2]
 *                     [--sequential 200]
 *
 * - fixture.ts: a real GitOps repository (kustomize base + 10 overlays) and the entity.
 * - standin.ts: the cluster stand-in in this process, behind a proxy that counts every call and
 *   attributes it to our reader or to the Kubernetes backend.
 * - backend.ts: both plugins in one test backend on a real port; auth and permissions run per
 *   request; the real scheduler runs our background refresh (every 15 s, lists cached 10 s).
 * - load.ts: autocannon in a child process; simulated viewers polling the two routes.
 *
 * Refresh rates, as the UIs poll:
 * - Kubernetes: EntityKubernetesContent → useKubernetesObjects(entity, intervalMs = 1e4)
 *   (node_modules/@backstage/plugin-kubernetes-react/dist/hooks/useKubernetesObjects.esm.js):
 *   every 10 s while the page is open.
 * - Ours: useEnvironmentMatrix → useRefreshingAsync (plugins/environments/src/hooks) loads on open
 *   and on the Refresh button; there is no timer. The bench still polls ours every 10 s too (the
 *   worst case); our upstream calls come from the background refresh, whatever the viewers do.
 */
import { ENTITY_REF, createBenchFixture } from './fixture';
import { startCountingStandin } from './standin';
import { startBenchBackend } from './backend';
import { runAutocannon, simulateViewers, timedRequest } from './load';
import {
  SteadyRow,
  bursts,
  describeCalls,
  describeShape,
  ms,
  printLoad,
  printSteadyTable,
  verdict,
} from './report';

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? process.argv[index + 1] : fallback;
}

const connections = Number(option('connections', '10'));
const warmupS = Number(option('warmup', '10'));
const durationS = Number(option('duration', '20'));
const windowS = Number(option('window', '60'));
const viewerCounts = option('viewers', '1,5').split(',').map(Number);
const environmentCount = Number(option('environments', '10'));
const clusterCount = Number(option('clusters', '2'));
const sequentialCount = Number(option('sequential', '200'));

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))
  ];
}

/** The Kubernetes page's default refresh (useKubernetesObjects' `intervalMs = 1e4`). */
const KUBERNETES_UI_INTERVAL_MS = 10_000;
/** Ours has no timer; polled as often as the Kubernetes page (worst case). */
const OUR_POLL_INTERVAL_MS = 10_000;

const cleanups: Array<() => Promise<void> | void> = [];

async function main() {
  const fixture = createBenchFixture({
    environments: environmentCount,
    clusters: clusterCount,
  });
  cleanups.push(() => fixture.remove());
  const standin = await startCountingStandin({
    repository: fixture.repository,
    clusters: fixture.clusters,
  });
  cleanups.push(() => standin.close());
  const backend = await startBenchBackend({
    entity: fixture.entity,
    standinUrl: standin.url,
    token: standin.token,
    clusters: standin.clusters,
    repository: fixture.repository,
    cacheDir: fixture.cacheDir,
  });
  cleanups.push(() => backend.stop());
  const started = Date.now();

  const [, kind, namespace, name] = /^(\w+):(\w+)\/(.+)$/.exec(ENTITY_REF)!;
  const matrixUrl = `${backend.baseUrl}/api/environments/entities/${kind}/${namespace}/${name}`;
  const kubernetesUrl = `${backend.baseUrl}/api/kubernetes/services/${name}`;
  const headers = { Authorization: backend.authorization };
  const getMatrix = () => timedRequest(matrixUrl, { headers });
  const postKubernetes = () =>
    timedRequest(kubernetesUrl, {
      method: 'POST',
      headers: { ...headers, 'Content-Type': 'application/json' },
      body: JSON.stringify({ entity: fixture.entity }),
    });

  console.log(
    `Matrix benchmark: ${ENTITY_REF}, ${
      fixture.environments.length
    } environments on ${
      standin.clusters.length
    } stand-in clusters (${Object.entries(fixture.clusters)
      .map(([c, envs]) => `${c}: ${envs[0]}–${envs[envs.length - 1]}`)
      .join(', ')})`,
  );

  // 1. Cold: the first request of each route, on fresh caches.
  let mark = standin.calls.length;
  const ourCold = await getMatrix();
  const ourColdCalls = standin.since(mark, 'environments');
  const matrix = ourCold.body;
  const withLive = matrix.environments.filter((e: any) =>
    e.workloads.some((w: any) => w.live.length > 0),
  );
  if (matrix.environments.length !== environmentCount) {
    throw new Error(
      `Expected ${environmentCount} environments, got ${
        matrix.environments.length
      }: ${JSON.stringify(matrix.problems)}`,
    );
  }
  if (withLive.length !== environmentCount) {
    throw new Error(
      `Only ${
        withLive.length
      } environments have live workloads: ${JSON.stringify(
        matrix.environments.map((e: any) => [e.name, e.health, e.problems]),
      )}`,
    );
  }

  mark = standin.calls.length;
  const kubernetesCold = await postKubernetes();
  const kubernetesColdCalls = standin.since(mark, 'kubernetes');
  const found = (kubernetesCold.body.items ?? []).flatMap((c: any) =>
    (c.resources ?? []).flatMap((r: any) =>
      (r.resources ?? []).map((o: any) => `${r.type}/${o.metadata?.name}`),
    ),
  );
  const deployments = found.filter((f: string) => f.startsWith('deployments/'));
  if (deployments.length !== environmentCount) {
    throw new Error(
      `The Kubernetes backend found ${
        deployments.length
      } deployments, expected ${environmentCount}: ${JSON.stringify(
        kubernetesCold.body,
      ).slice(0, 1000)}`,
    );
  }
  mark = standin.calls.length;
  const kubernetesSecond = await postKubernetes();
  const kubernetesSecondCalls = standin.since(mark, 'kubernetes');

  const afterCold = standin.calls.length;
  const afterColdAt = Date.now();
  console.log('Upstream calls, cold (first request, empty caches)');
  console.log(
    `  us, GET matrix:            ${describeCalls(
      ourColdCalls,
    )}; ${describeShape(ourColdCalls)}; ${ms(ourCold.ms)}; ${withLive.length}/${
      matrix.environments.length
    } environments with live workloads`,
  );
  console.log(
    `  k8s backend, POST services: ${describeCalls(
      kubernetesColdCalls,
    )}; ${describeShape(kubernetesColdCalls)}; ${ms(kubernetesCold.ms)}; ${
      found.length
    } objects (${deployments.length} deployments)`,
  );
  console.log(
    `  k8s backend, 2nd request:  ${
      kubernetesSecondCalls.length
    } calls (it caches nothing); ${ms(kubernetesSecond.ms)}`,
  );

  // 2. Warm load on the matrix route.
  console.log(
    `Matrix route, warm (loopback, autocannon in a child process, Authorization on every request)`,
  );
  const sequential: number[] = [];
  for (let i = 0; i < sequentialCount; i++) {
    sequential.push((await getMatrix()).ms);
  }
  console.log(
    `  one at a time, ${sequentialCount} requests: p50 ${ms(
      percentile(sequential, 50),
    )}, p99 ${ms(percentile(sequential, 99))}`,
  );
  const load = { url: matrixUrl, headers, connections };
  printLoad(
    `warm-up ${warmupS} s`,
    await runAutocannon({ ...load, durationS: warmupS }),
  );
  mark = standin.calls.length;
  const loadStarted = Date.now();
  const cpuBefore = process.cpuUsage();
  const measured = await runAutocannon({ ...load, durationS });
  const cpu = process.cpuUsage(cpuBefore);
  const loadCalls = standin.since(mark, 'environments');
  printLoad(`measured ${durationS} s`, measured);
  // CPU time of this process (the backend; autocannon is a child) per request: the figure that
  // the machine's other load disturbs least.
  const cpuMsPerRequest = (cpu.user + cpu.system) / 1000 / measured.requests;
  console.log(
    `  backend CPU per request: ${cpuMsPerRequest.toFixed(2)} ms (user ${(
      cpu.user / 1e6
    ).toFixed(1)} s + system ${(cpu.system / 1e6).toFixed(
      1,
    )} s over the run) → at most ${(1000 / cpuMsPerRequest).toFixed(
      0,
    )} requests/s on one uncontended core; response ${(
      Buffer.byteLength(JSON.stringify(matrix)) / 1024
    ).toFixed(1)} KiB`,
  );
  console.log(
    `  upstream calls of ours during the measured run: ${
      loadCalls.length
    } in ${((Date.now() - loadStarted) / 1000).toFixed(
      0,
    )} s (background refresh only; ${
      measured.requests
    } requests served from the cache)`,
  );
  if (measured.non2xx > 0 || measured.errors > 0) {
    throw new Error(
      `${measured.non2xx} non-2xx answers, ${measured.errors} errors under load`,
    );
  }

  // 3. Steady state: viewers with both pages open, both polling.
  console.log(
    `Upstream calls, steady state (${windowS} s per row; k8s page polls every ${
      KUBERNETES_UI_INTERVAL_MS / 1000
    } s as useKubernetesObjects does; ours polled every ${
      OUR_POLL_INTERVAL_MS / 1000
    } s although its page has no timer; our refresh every 15 s)`,
  );
  const rows: SteadyRow[] = [];
  for (const viewers of viewerCounts) {
    mark = standin.calls.length;
    const made = await simulateViewers({
      viewers,
      windowMs: windowS * 1000,
      routes: [
        { name: 'ours', intervalMs: OUR_POLL_INTERVAL_MS, request: getMatrix },
        {
          name: 'kubernetes',
          intervalMs: KUBERNETES_UI_INTERVAL_MS,
          request: postKubernetes,
        },
      ],
    });
    rows.push({
      viewers,
      windowS,
      ourRequests: made.ours,
      ourCalls: standin.since(mark, 'environments').length,
      kubernetesRequests: made.kubernetes,
      kubernetesCalls: standin.since(mark, 'kubernetes').length,
    });
  }
  printSteadyTable(rows);

  // Over the whole run after the cold request: our calls do not depend on the viewers, so the
  // longest baseline is the best per-minute figure (window edges cut refresh runs in two).
  const ourSince = standin.since(afterCold, 'environments');
  const sinceS = (Date.now() - afterColdAt) / 1000;
  const runs = bursts(ourSince);
  const gaps = runs.slice(1).map((r, i) => (r[0].at - runs[i][0].at) / 1000);
  console.log(
    `  us over the whole run after the cold request: ${
      ourSince.length
    } calls in ${sinceS.toFixed(0)} s = ${(
      (ourSince.length * 60) /
      sinceS
    ).toFixed(0)} calls/min; ${runs.length} refresh runs of ${runs
      .map(r => r.length)
      .join('/')} calls, ${
      gaps.length
        ? `every ${(gaps.reduce((a, b) => a + b, 0) / gaps.length).toFixed(
            1,
          )} s`
        : ''
    }`,
  );

  const agents = new Map<string, number>();
  for (const c of standin.calls) {
    const key = `${c.caller} ← ${c.userAgent || '(no User-Agent)'}`;
    agents.set(key, (agents.get(key) ?? 0) + 1);
  }
  console.log(
    `  attribution by User-Agent: ${[...agents.entries()]
      .map(([k, n]) => `${k}: ${n}`)
      .join('; ')}`,
  );
  const failed = standin.calls.filter(c => (c.status ?? 0) >= 400);
  if (failed.length) {
    console.log(`  upstream errors: ${describeCalls(failed)}`);
  }

  console.log('Targets');
  verdict(
    'warm p99 < 20 ms',
    measured.p99 < 20,
    `p99 ${ms(measured.p99)} (p50 ${ms(measured.p50)})`,
  );
  verdict(
    '≥ 500 requests/s',
    measured.requestsPerSecond >= 500,
    `${measured.requestsPerSecond.toFixed(0)} requests/s`,
  );
  for (const r of rows) {
    const ratio = r.ourCalls ? r.kubernetesCalls / r.ourCalls : Infinity;
    verdict(
      `≥ 5× fewer upstream calls/min, ${r.viewers} viewer${
        r.viewers === 1 ? '' : 's'
      }`,
      ratio >= 5,
      `${((r.ourCalls * 60) / r.windowS).toFixed(0)} vs ${(
        (r.kubernetesCalls * 60) /
        r.windowS
      ).toFixed(0)} calls/min (${ratio.toFixed(1)}×)`,
    );
  }
  console.log(
    `  (${((Date.now() - started) / 1000).toFixed(
      0,
    )} s; 2-core machine shared with other work: absolute figures are noisy)`,
  );
}

async function cleanup() {
  // Last started, first stopped: backend, stand-in, then the temp folders.
  for (const fn of cleanups.reverse()) {
    try {
      await fn();
    } catch (error) {
      console.error(`cleanup: ${(error as Error).message}`);
    }
  }
}

main().then(
  async () => {
    await cleanup();
    process.exit(0);
  },
  async error => {
    console.error(error);
    await cleanup();
    process.exit(1);
  },
);
