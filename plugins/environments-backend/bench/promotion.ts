/*
 * Promotion benchmark: GitHub calls per promotion, and the time from the request to an open pull
 * request, with every GitHub call answered after a simulated latency (default 50 ms).
 *
 *   yarn bench:promotion [--latency 50] [--runs 10]
 *
 * The plugin runs in a test backend; GitHub is the fake GitHub the tests use (real response
 * shapes), the dev cluster a fake Kubernetes API that reports the source Healthy.
 */
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { delay, http } from 'msw';
import { setupServer } from 'msw/node';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { environmentsPlugin } from '../src/plugin';
import { FakeGithub } from '../src/git/__testUtils__/fakeGithub';
import { fakeKubernetesApi } from '../src/clusters/__testUtils__/fakeKubernetesApi';
import { rolledOutDeployment } from '../src/clusters/__testUtils__/rolledOutDeployment';

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
}

const latencyMs = option('latency', 50);
const runs = option('runs', 10);
const examples = path.resolve(__dirname, '../../../examples/gitops');

function readTree(dir: string, root = dir): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) Object.assign(files, readTree(full, root));
    else files[path.relative(root, full)] = fs.readFileSync(full, 'utf8');
  }
  return files;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))
  ];
}

async function main() {
  const github = new FakeGithub();
  github.tokens.add('bench-token');
  github.commit('org/gitops', 'main', readTree(examples));

  const devDeployment = rolledOutDeployment(
    'craftista-dev',
    'craftista/catalogue:1.4.0',
    1,
  );

  const msw = setupServer(
    // Every GitHub call waits, then falls through to the fake.
    http.all(/^https:\/\/api\.github\.com\//, async () => {
      await delay(latencyMs);
    }),
    ...github.handlers(),
    fakeKubernetesApi([{ host: 'nonprod', objects: [devDeployment] }]).handler,
  );
  msw.listen({ onUnhandledRequest: 'bypass' });

  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-promotion-'));
  const { server } = await startTestBackend({
    features: [
      environmentsPlugin,
      catalogServiceMock.factory({
        entities: [
          {
            apiVersion: 'backstage.io/v1alpha1',
            kind: 'Component',
            metadata: {
              name: 'catalogue',
              annotations: {
                'stagecraft.io/gitops-location':
                  'url:https://github.com/org/gitops/tree/main/craftista/catalogue',
                'stagecraft.io/environments': 'dev,staging,prod',
              },
            },
            spec: { type: 'service', owner: 'group:default/team-a' },
          },
        ],
      }),
      mockServices.rootConfig.factory({
        data: {
          integrations: {
            github: [{ host: 'github.com', token: 'bench-token' }],
          },
          environments: { cacheDirectory: cacheDir },
          kubernetes: {
            clusterLocatorMethods: [
              {
                type: 'config',
                clusters: [
                  {
                    name: 'nonprod',
                    url: 'https://nonprod.k8s.test',
                    authProvider: 'serviceAccount',
                    serviceAccountToken: 'nonprod-token',
                  },
                ],
              },
            ],
          },
        },
      }),
    ],
  });

  const promotions =
    '/api/environments/entities/component/default/catalogue/promotions';
  const auth = mockCredentials.user.header('user:default/ana');
  const plans: number[] = [];
  const opens: number[] = [];
  const planCalls: number[] = [];
  const openCalls: number[] = [];

  // Warm the repository snapshot once: a promotion starts from a matrix someone is looking at.
  await request(server)
    .get('/api/environments/entities/component/default/catalogue')
    .set('Authorization', auth);

  for (let run = 0; run < runs; run++) {
    github.reset();
    let started = performance.now();
    const plan = await request(server)
      .post(promotions)
      .set('Authorization', auth)
      .send({ from: 'dev', to: 'staging', dryRun: true });
    plans.push(performance.now() - started);
    planCalls.push(github.calls.length);
    if (plan.status !== 200 || !plan.body.executable) {
      throw new Error(
        `Plan failed: ${plan.status} ${JSON.stringify(plan.body)}`,
      );
    }

    github.reset();
    started = performance.now();
    const created = await request(server)
      .post(promotions)
      .set('Authorization', auth)
      .set('Idempotency-Key', `bench-${run}`)
      .send({ from: 'dev', to: 'staging', planId: plan.body.planId });
    opens.push(performance.now() - started);
    openCalls.push(github.calls.length);
    if (created.status !== 201 || !created.body.pullRequest) {
      throw new Error(
        `Execute failed: ${created.status} ${JSON.stringify(created.body)}`,
      );
    }
    if (run === 0) {
      console.log(
        `GitHub calls of one execute: ${github.calls
          .map(c => `${c.method} ${c.path.replace(/\?.*/, '')}`)
          .join(', ')}`,
      );
    }
    // Free the slot for the next run (not measured).
    await request(server)
      .post(`/api/environments/promotions/${created.body.id}/cancel`)
      .set('Authorization', auth);
  }

  const ms = (v: number) => `${v.toFixed(0)} ms`;
  console.log(
    `GitHub latency ${latencyMs} ms, ${runs} promotions dev → staging (pull request)`,
  );
  console.log(
    `  plan (dry run):     GitHub calls ${Math.max(...planCalls)} max; p50 ${ms(
      percentile(plans, 50),
    )}, p90 ${ms(percentile(plans, 90))}`,
  );
  console.log(
    `  execute → open PR:  GitHub calls ${Math.max(
      ...openCalls,
    )} max (target ≤ 6); p50 ${ms(percentile(opens, 50))}, p90 ${ms(
      percentile(opens, 90),
    )}`,
  );
  msw.close();
  fs.rmSync(cacheDir, { recursive: true, force: true });
  process.exit(0);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
