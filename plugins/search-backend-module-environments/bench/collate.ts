/*
 * Collation benchmark: `yarn bench:collate` collates 2,000 entities x 4 environments "from a warm
 * cache": the EnvironmentsCollatorFactory reads an EnvironmentsService whose portfolio pages are
 * pre-built, realistic matrices (1-3 workloads per environment, declared and live state, drift,
 * promotions), so this measures our collation, paging and document building, not the backend.
 * The documents go through a stream pipeline into an object-mode sink (as the search indexer
 * consumes them), which serialises each one.
 *
 * Prints entities, documents, wall time, peak RSS (sampled every 50 ms) and documents/s.
 * Target: < 30 s and < 300 MB. Exits non-zero when a target is missed.
 *
 *   yarn bench:collate [--entities 2000] [--batch 100]
 */
import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import {
  EnvironmentMatrix,
  HealthStatus,
  MatrixEnvironment,
  MatrixWorkload,
  PromotionStep,
} from '@stagecraft/plugin-environments-common';
import { EnvironmentsService } from '@stagecraft/plugin-environments-node';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { EnvironmentsCollatorFactory } from '../src/collator/EnvironmentsCollatorFactory';

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
}

const ENTITIES = option('entities', 2000);
const BATCH = option('batch', 100);
const ENVS = ['dev', 'qa', 'staging', 'prod'];
const TARGET_MS = 30_000;
const TARGET_MB = 300;
const SAMPLE_MS = 50;

// A deterministic PRNG (mulberry32), so every run collates the same portfolio.
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = random(42);
const pick = <T>(items: readonly T[]): T =>
  items[Math.floor(rand() * items.length)];
const hex = (length: number) =>
  Array.from({ length }, () => Math.floor(rand() * 16).toString(16)).join('');

const TEAMS = Array.from(
  { length: 40 },
  (_, i) => `group:default/team-${String(i).padStart(2, '0')}`,
);
const ROLES = ['api', 'worker', 'web', 'cron', 'gateway'];
const HEALTH: HealthStatus[] = [
  'Healthy',
  'Healthy',
  'Healthy',
  'Healthy',
  'Progressing',
  'Degraded',
  'Missing',
];

function workload(
  app: string,
  role: string,
  env: string,
  order: number,
  tag: string,
  digest: string,
): MatrixWorkload {
  const name = `${app}-${role}`;
  const namespace = `${app}-${env}`;
  const file = `apps/${app}/overlays/${env}/kustomization.yaml`;
  const clusters = env === 'prod' ? ['prod-eu-1', 'prod-us-1'] : ['nonprod'];
  const health = pick(HEALTH);
  const replicas = order + 1;
  const drifted = rand() < 0.1;
  const liveTag = drifted ? `${tag}-rc` : tag;
  return {
    application: name,
    kind: role === 'cron' ? 'CronJob' : 'Deployment',
    name,
    namespace,
    declared: {
      replicas,
      containers: [
        {
          name,
          image: `registry.example.com/${app}/${role}`,
          tag,
          digest: null,
          resources: {
            requests: { cpu: '100m', memory: '128Mi' },
            limits: { cpu: '500m', memory: `${256 * (order + 1)}Mi` },
          },
          source: { file, path: 'images[0].newTag', line: 5 },
        },
        ...(rand() < 0.3
          ? [
              {
                name: 'envoy',
                image: 'envoyproxy/envoy',
                tag: 'v1.31.2',
                digest: null,
                resources: null,
                source: null,
              },
            ]
          : []),
      ],
      autoscaling:
        role === 'api' || role === 'web'
          ? {
              kind: 'HorizontalPodAutoscaler',
              name,
              minReplicas: replicas,
              maxReplicas: replicas * 5,
              targets: [
                { name: 'cpu', type: 'Utilization', averageUtilization: 70 },
              ],
            }
          : null,
      ingressHosts:
        role === 'web' || role === 'gateway'
          ? [`${app}.${env}.example.com`]
          : [],
      env: {
        LOG_LEVEL: env === 'prod' ? 'WARN' : 'DEBUG',
        PORT: '8080',
        DATABASE_URL: `postgres://${app}-db.${namespace}:5432/${app}`,
        DATABASE_PASSWORD: '[redacted]',
        FEATURE_FLAGS: 'search,promotions',
      },
      managedBy: 'kustomize',
      provenance: {
        replicas: { file, path: 'replicas[0].count', line: 9 },
        namespace: { file, path: 'namespace', line: 1 },
        [`containers.${name}.tag`]: {
          file,
          path: 'images[0].newTag',
          line: 5,
        },
        'env.LOG_LEVEL': {
          file: `apps/${app}/overlays/${env}/config.env`,
          path: 'LOG_LEVEL',
          line: 1,
        },
      },
    },
    live: clusters.map(cluster => ({
      cluster,
      namespace,
      kind: role === 'cron' ? 'CronJob' : 'Deployment',
      name,
      images: [
        {
          container: name,
          repository: `registry.example.com/${app}/${role}`,
          tag: liveTag,
          digest: `sha256:${digest}`,
          current: true,
          pods: replicas,
        },
      ],
      replicas: {
        desired: replicas,
        ready: health === 'Healthy' ? replicas : replicas - 1,
        updated: replicas,
        available: health === 'Healthy' ? replicas : replicas - 1,
      },
      health,
      ...(health !== 'Healthy' && {
        healthReason: 'Deployment does not have minimum availability.',
      }),
      lastChangeTime: new Date(
        Date.UTC(2026, 10, 1) + Math.floor(rand() * 20 * 86_400_000),
      ).toISOString(),
    })),
    drift: drifted
      ? clusters.map(cluster => ({
          field: 'image',
          container: name,
          cluster,
          declared: tag,
          live: liveTag,
          provenance: { file, path: 'images[0].newTag', line: 5 },
        }))
      : [],
    health,
  };
}

function matrixFor(index: number): EnvironmentMatrix {
  const app = `service-${String(index).padStart(4, '0')}`;
  const roles = ROLES.slice(0, 1 + Math.floor(rand() * 3)); // 1-3 workloads
  const major = 1 + Math.floor(rand() * 4);
  let minor = 10 + Math.floor(rand() * 30);
  const environments: MatrixEnvironment[] = ENVS.map((env, order) => {
    // Later environments run the same or an older version.
    minor -= rand() < 0.5 ? 0 : 1 + Math.floor(rand() * 3);
    const tag = `${major}.${Math.max(minor, 0)}.${Math.floor(rand() * 10)}`;
    const digest = hex(64);
    const workloads = roles.map(role =>
      workload(app, role, env, order, tag, digest),
    );
    const rank: HealthStatus[] = [
      'Degraded',
      'Missing',
      'Progressing',
      'Suspended',
      'Healthy',
    ];
    const health =
      rank.find(h => workloads.some(w => w.health === h)) ?? 'Unknown';
    return {
      name: env,
      order,
      version: {
        images: workloads.flatMap(w =>
          (w.declared?.containers ?? []).map(c => ({
            application: w.application,
            container: c.name,
            image: c.image,
            tag: c.tag,
            digest: c.digest,
          })),
        ),
      },
      workloads,
      health,
      clusters: [...new Set(workloads.flatMap(w => w.live))].map(l => ({
        cluster: l.cluster,
        health: l.health,
      })),
      sync: {
        status: workloads.some(w => w.drift.length) ? 'OutOfSync' : 'Synced',
        by: 'stagecraft',
      },
      lastChangeTime: workloads[0].live[0]?.lastChangeTime,
      ...(order > 0 && {
        lag: {
          behind: Math.floor(rand() * 4),
          unit: 'versions',
          of: ENVS[order - 1],
        },
      }),
      problems:
        rand() < 0.05
          ? [
              {
                message: 'Could not read the live state of cluster nonprod',
                severity: 'warning',
              },
            ]
          : [],
    };
  });
  const promotions: PromotionStep[] = ENVS.slice(1).map((to, i) => ({
    from: ENVS[i],
    to,
    gates: [
      {
        gate: 'source-has-version',
        passed: true,
        reason: `${ENVS[i]} declares ${roles.length} image versions`,
      },
      {
        gate: 'source-healthy',
        passed: environments[i].health === 'Healthy',
        reason: `${ENVS[i]} is ${environments[i].health}`,
      },
    ],
    permission: { allowed: true },
    available: environments[i].health === 'Healthy',
  }));
  return {
    entityRef: `component:default/${app}`,
    owner: pick(TEAMS),
    source: { type: 'repository', repository: 'gitops', path: `apps/${app}` },
    live: { kubernetesId: app },
    revision: {
      repository: 'example/gitops',
      branch: 'main',
      commit: hex(40),
    },
    environments,
    promotions,
    problems: [],
    generatedAt: '2026-11-22T20:00:00Z',
  };
}

/**
 * A warm cache: every page is already built; the service only slices it. The collator reads
 * nothing but the portfolio, so the rest of the service is left out (and may grow freely).
 */
function warmEnvironmentsService(
  matrices: EnvironmentMatrix[],
): EnvironmentsService {
  const service: Pick<EnvironmentsService, 'getPortfolio'> = {
    async getPortfolio({ cursor, limit = 20 }) {
      const offset = cursor ? Number(cursor) : 0;
      const end = Math.min(offset + limit, matrices.length);
      return {
        items: matrices.slice(offset, end),
        totalItems: matrices.length,
        ...(end < matrices.length && { nextCursor: String(end) }),
      };
    },
  };
  return service as EnvironmentsService;
}

const logger: LoggerService = {
  error: () => {},
  warn: () => {},
  info: () => {},
  debug: () => {},
  child: () => logger,
};

const auth = {
  async getOwnServiceCredentials() {
    return {
      $$type: '@backstage/BackstageCredentials',
      principal: { type: 'service', subject: 'plugin:search' },
    };
  },
} as unknown as AuthService;

const mb = (bytes: number) => bytes / 1024 / 1024;

async function main() {
  const rssAtStart = process.memoryUsage().rss;
  const matrices = Array.from({ length: ENTITIES }, (_, i) => matrixFor(i));
  const factory = EnvironmentsCollatorFactory.fromConfig(new ConfigReader({}), {
    logger,
    auth,
    environments: warmEnvironmentsService(matrices),
    batchSize: BATCH,
  });

  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  let peakRss = rssBefore;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, SAMPLE_MS);

  let documents = 0;
  let bytes = 0;
  const start = process.hrtime.bigint();
  await pipeline(
    await factory.getCollator(),
    new Writable({
      objectMode: true,
      write(document, _encoding, callback) {
        documents += 1;
        bytes += JSON.stringify(document).length;
        callback();
      },
    }),
  );
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);

  const peakMb = mb(peakRss);
  const ok = ms < TARGET_MS && peakMb < TARGET_MB;
  // eslint-disable-next-line no-console
  console.log(
    [
      `entities:   ${ENTITIES} x ${ENVS.length} environments (pages of ${BATCH})`,
      `documents:  ${documents} (${(bytes / documents).toFixed(0)} bytes each)`,
      `wall time:  ${ms.toFixed(0)} ms (target < ${TARGET_MS} ms)`,
      `peak RSS:   ${peakMb.toFixed(
        0,
      )} MB (sampled every ${SAMPLE_MS} ms, target < ${TARGET_MB} MB; ${mb(
        rssBefore,
      ).toFixed(0)} MB with the warm cache before collating, ${mb(
        rssAtStart,
      ).toFixed(0)} MB before building it; max RSS ${(
        process.resourceUsage().maxRSS / 1024
      ).toFixed(0)} MB)`,
      `throughput: ${((documents / ms) * 1000).toFixed(0)} documents/s`,
      ok ? 'within target' : 'TARGET MISSED',
    ].join('\n'),
  );
  if (documents !== ENTITIES * ENVS.length || !ok) process.exitCode = 1;
}

main().catch(e => {
  // eslint-disable-next-line no-console
  console.error(e);
  process.exitCode = 1;
});
