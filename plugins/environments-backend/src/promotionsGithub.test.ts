import {
  createServiceFactory,
  SchedulerServiceTaskFunction,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  NotificationSendOptions,
  notificationService,
} from '@backstage/plugin-notifications-node';
import fs from 'node:fs';
import path from 'node:path';
import { setupServer } from 'msw/node';
import request from 'supertest';
import { environmentsPlugin } from './plugin';
import {
  createDemoGitRepository,
  demoGitopsFiles,
} from './__testUtils__/demoGitRepository';
import { expectToMatchSpec } from './__testUtils__/expectToMatchSpec';
import { fakeKubernetesApi } from './clusters/__testUtils__/fakeKubernetesApi';
import { rolledOutDeployment } from './clusters/__testUtils__/rolledOutDeployment';
import { FakeGithub } from './git/__testUtils__/fakeGithub';

const REPO = 'org/gitops';
const TOKEN = 'ghs_faketokenforpromotiontests';
const promotionsPath =
  '/api/environments/entities/component/default/catalogue/promotions';

function readTree(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (folder: string) => {
    for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) walk(full);
      else files[path.relative(dir, full)] = fs.readFileSync(full, 'utf8');
    }
  };
  walk(dir);
  return files;
}

const cluster = { host: 'nonprod', objects: [] as any[] };
const github = new FakeGithub();
const msw = setupServer(
  ...github.handlers(),
  fakeKubernetesApi([cluster]).handler,
);
beforeAll(() => msw.listen({ onUnhandledRequest: 'bypass' }));
afterAll(() => msw.close());

// Only for its clone cache folder.
let scratch: ReturnType<typeof createDemoGitRepository>;
beforeAll(() => {
  scratch = createDemoGitRepository();
});
afterAll(() => scratch.remove());

beforeEach(() => {
  github.tokens.add(TOKEN);
  github.commit(REPO, 'main', readTree(demoGitopsFiles));
  cluster.objects = [
    rolledOutDeployment('craftista-dev', 'craftista/catalogue:1.4.0', 1),
    rolledOutDeployment('craftista-staging', 'craftista/catalogue:1.3.2', 2),
  ];
});

async function startBackend() {
  let track: SchedulerServiceTaskFunction | undefined;
  const sent: NotificationSendOptions[] = [];
  const { server } = await startTestBackend({
    features: [
      environmentsPlugin,
      mockServices.scheduler.mock({
        async scheduleTask(task) {
          if (task.id === 'environments-promotion-tracker') track = task.fn;
        },
      }).factory,
      createServiceFactory({
        service: notificationService,
        deps: {},
        factory: () => ({
          async send(options: NotificationSendOptions) {
            sent.push(options);
          },
        }),
      }),
      catalogServiceMock.factory({
        entities: [
          {
            apiVersion: 'backstage.io/v1alpha1',
            kind: 'Component',
            metadata: {
              name: 'catalogue',
              annotations: {
                'stagecraft.io/gitops-location': `url:https://github.com/${REPO}/tree/main/craftista/catalogue`,
                'stagecraft.io/environments': 'dev,staging,prod',
              },
            },
            spec: { type: 'service', owner: 'group:default/team-a' },
          },
        ],
      }),
      mockServices.rootConfig.factory({
        data: {
          app: { baseUrl: 'https://backstage.example.com' },
          integrations: { github: [{ host: 'github.com', token: TOKEN }] },
          environments: {
            cacheDirectory: scratch.cacheDir,
            clusters: { cacheTtl: { milliseconds: 1 } },
          },
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
  return {
    server,
    sent,
    track: () => track!(new AbortController().signal as any),
  };
}

describe('promotions on GitHub', () => {
  it('opens a pull request in at most 6 calls, follows it through the merge to Completed, and notifies the requester', async () => {
    const { server, sent, track } = await startBackend();
    await request(server).get(
      '/api/environments/entities/component/default/catalogue',
    );
    github.reset();

    const created = await request(server)
      .post(promotionsPath)
      .set('Idempotency-Key', 'gh-1')
      .send({ from: 'dev', to: 'staging', note: 'Ship it' });

    expect(created.status).toBe(201);
    expectToMatchSpec(created.body, 'Promotion');
    expect(github.calls.length).toBeLessThanOrEqual(6);
    const [pull] = github.pulls(REPO);
    expect(created.body).toMatchObject({
      state: 'pending-review',
      pullRequest: { number: pull.number },
      mergeable: false,
    });
    expect(pull.body).toContain(
      '[Open catalogue in Backstage](https://backstage.example.com/catalog/default/component/catalogue/environments)',
    );
    expect(pull.body).toContain('Ship it');
    expect(JSON.stringify(github.calls.map(c => c.body))).not.toContain(TOKEN);
    expect(JSON.stringify(created.body)).not.toContain(TOKEN);

    // The portal cannot merge a pull request: GitHub does.
    const merge = await request(server).post(
      `/api/environments/promotions/${created.body.id}/merge`,
    );
    expect(merge.status).toBe(403);

    github.mergePull(REPO, pull.number);
    await track(); // pending-review → merged
    await track(); // merged → syncing
    cluster.objects[1] = rolledOutDeployment(
      'craftista-staging',
      'craftista/catalogue:1.4.0',
      2,
    );
    await track(); // syncing → completed
    const done = await request(server).get(
      `/api/environments/promotions/${created.body.id}`,
    );
    expect(done.body.events.map((e: any) => e.state)).toEqual([
      'planned',
      'pending-review',
      'merged',
      'syncing',
      'completed',
    ]);
    expect(sent).toEqual([
      {
        recipients: { type: 'entity', entityRef: 'user:default/mock' },
        payload: expect.objectContaining({
          title: 'Promoted catalogue to staging',
          link: 'https://backstage.example.com/catalog/default/component/catalogue/environments',
        }),
      },
    ]);
  });

  it.each([
    ['createTree', /^POST \/repos\/org\/gitops\/git\/trees$/],
    ['createCommit', /^POST \/repos\/org\/gitops\/git\/commits$/],
    ['createRef', /^POST \/repos\/org\/gitops\/git\/refs$/],
    ['pulls.create', /^POST \/repos\/org\/gitops\/pulls$/],
  ])(
    'records a 502 at %s as a failed promotion, leaves no branch, and opens no second pull request on a retry with the same key',
    async (step, match) => {
      const { server } = await startBackend();
      const pullsBefore = github.pulls(REPO).length;
      const branchesBefore = github.branches(REPO);
      github.inject({ match, status: 502 });

      const failed = await request(server)
        .post(promotionsPath)
        .set('Idempotency-Key', `fail-${step}`)
        .send({ from: 'dev', to: 'staging' });

      expect(failed.status).toBeGreaterThanOrEqual(500);
      expect(failed.body.error.message).toContain(step);
      expect(github.branches(REPO)).toEqual(branchesBefore);
      const history = await request(server).get(
        `${promotionsPath}?environment=staging`,
      );
      const [recorded] = history.body.items;
      expect(recorded).toMatchObject({
        kind: 'promotion',
        state: 'failed',
        reason: expect.stringContaining(step),
      });

      const replay = await request(server)
        .post(promotionsPath)
        .set('Idempotency-Key', `fail-${step}`)
        .send({ from: 'dev', to: 'staging' });
      expect(replay.status).toBe(200);
      expect(replay.body).toMatchObject({ id: recorded.id, state: 'failed' });
      expect(github.pulls(REPO).length).toBe(pullsBefore);
      expect(github.branches(REPO)).toEqual(branchesBefore);
    },
  );
});
