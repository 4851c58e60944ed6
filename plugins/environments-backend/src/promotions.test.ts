import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { SchedulerServiceTaskFunction } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setupServer } from 'msw/node';
import request from 'supertest';
import { environmentsPlugin } from './plugin';
import { createDemoGitRepository } from './__testUtils__/demoGitRepository';
import { expectToMatchSpec } from './__testUtils__/expectToMatchSpec';
import { fakeKubernetesApi } from './clusters/__testUtils__/fakeKubernetesApi';
import { rolledOutDeployment } from './clusters/__testUtils__/rolledOutDeployment';

// Real git and a real backend per test: a loaded 2-core machine needs more than jest's 5 s.
jest.setTimeout(30_000);

const catalogue: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'catalogue',
    annotations: {
      'stagecraft.io/gitops-location': 'demo:craftista/catalogue',
      'stagecraft.io/environments': 'dev,staging,prod',
    },
  },
  spec: { type: 'service', owner: 'group:default/team-a' },
  relations: [{ type: 'ownedBy', targetRef: 'group:default/team-a' }],
};

// One cluster runs dev and staging as Git declares them (dev 1.4.0, staging 1.3.2).
const cluster = {
  host: 'nonprod',
  objects: [
    rolledOutDeployment('craftista-dev', 'craftista/catalogue:1.4.0', 1),
    rolledOutDeployment('craftista-staging', 'craftista/catalogue:1.3.2', 2),
  ],
};
const msw = setupServer(fakeKubernetesApi([cluster]).handler);
beforeAll(() => msw.listen({ onUnhandledRequest: 'bypass' }));
afterAll(() => msw.close());

let gitops: ReturnType<typeof createDemoGitRepository>;
beforeEach(() => {
  gitops = createDemoGitRepository();
  cluster.objects = [
    rolledOutDeployment('craftista-dev', 'craftista/catalogue:1.4.0', 1),
    rolledOutDeployment('craftista-staging', 'craftista/catalogue:1.3.2', 2),
  ];
});
afterEach(() => gitops.remove());

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: gitops.url }).toString().trim();
}

function branches(): string[] {
  return git('for-each-ref', '--format=%(refname:short)', 'refs/heads')
    .split('\n')
    .filter(Boolean);
}

function readOrigin(file: string): string {
  return git('show', `main:${file}`);
}

const stagingOverlay =
  'craftista/catalogue/overlays/staging/kustomization.yaml';
const devOverlay = 'craftista/catalogue/overlays/dev/kustomization.yaml';
const promotionsPath =
  '/api/environments/entities/component/default/catalogue/promotions';

async function startBackend(
  options: { permission?: AuthorizeResult.ALLOW | AuthorizeResult.DENY } = {},
) {
  let track: SchedulerServiceTaskFunction | undefined;
  let reconcile: SchedulerServiceTaskFunction | undefined;
  const scheduler = mockServices.scheduler.mock({
    async scheduleTask(task) {
      if (task.id === 'environments-promotion-tracker') {
        track = task.fn;
      }
      if (task.id === 'environments-promotion-reconcile') {
        reconcile = task.fn;
      }
    },
  });
  const { server } = await startTestBackend({
    features: [
      environmentsPlugin,
      scheduler.factory,
      catalogServiceMock.factory({ entities: [catalogue] }),
      mockServices.permissions.factory({
        result: options.permission ?? AuthorizeResult.ALLOW,
      }),
      mockServices.rootConfig.factory({
        data: {
          app: { baseUrl: 'http://backstage.test' },
          environments: {
            repositories: {
              demo: {
                url: gitops.url,
                allowMerge: true,
                refreshInterval: { seconds: 0 },
              },
            },
            cacheDirectory: gitops.cacheDir,
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
    track: async () => {
      await track!(new AbortController().signal as any);
    },
    reconcile: async () => {
      await reconcile!(new AbortController().signal as any);
    },
  };
}

describe('POST /entities/:kind/:namespace/:name/promotions', () => {
  it('plans without writing: version change, diff, gates, method and planId', async () => {
    const { server } = await startBackend();
    const head = git('rev-parse', 'main');

    const res = await request(server)
      .post(promotionsPath)
      .send({ from: 'dev', to: 'staging', dryRun: true });

    expect(res.status).toBe(200);
    expectToMatchSpec(res.body, 'PromotionPlan');
    expect(res.body).toMatchObject({
      entityRef: 'component:default/catalogue',
      from: 'dev',
      to: 'staging',
      method: 'pull-request',
      target: { repository: 'demo', branch: 'main', baseCommit: head },
      permission: { allowed: true },
      executable: true,
      changes: [
        {
          container: 'catalogue',
          from: { tag: '1.3.2' },
          to: { tag: '1.4.0' },
          provenance: { file: stagingOverlay, path: 'images[0].newTag' },
        },
      ],
    });
    expect(res.body.planId).toMatch(/^plan-[0-9a-f]{32}$/);
    expect(res.body.files).toEqual([
      {
        path: stagingOverlay,
        diff: expect.stringMatching(/^\+ {4}newTag: "1\.4\.0"$/m),
      },
    ]);
    expect(res.body.gates.map((g: any) => [g.gate, g.passed])).toEqual([
      ['allowed-source', true],
      ['source-has-version', true],
      ['source-healthy', true],
      ['source-synced', true],
      ['path-readable', true],
      ['changes-target', true],
    ]);
    expect(git('rev-parse', 'main')).toBe(head);
    expect(branches()).toEqual(['main']);
  });

  it('opens a branch for review, merges it from the portal, and follows it until staging runs it Healthy', async () => {
    const { server, track } = await startBackend();
    const plan = await request(server)
      .post(promotionsPath)
      .send({ from: 'dev', to: 'staging', dryRun: true });

    const created = await request(server)
      .post(promotionsPath)
      .set('Idempotency-Key', 'promote-1')
      .send({
        from: 'dev',
        to: 'staging',
        planId: plan.body.planId,
        note: 'Ship the new search',
      });

    expect(created.status).toBe(201);
    expectToMatchSpec(created.body, 'Promotion');
    const promotion = created.body;
    expect(promotion).toMatchObject({
      state: 'pending-review',
      method: 'pull-request',
      requestedBy: 'user:default/mock',
      note: 'Ship the new search',
      mergeable: true,
      changeBranch: expect.stringMatching(
        /^stagecraft\/promote\/catalogue-staging-/,
      ),
    });
    expect(branches().sort()).toEqual(['main', promotion.changeBranch].sort());
    expect(git('show', `${promotion.changeBranch}:${stagingOverlay}`)).toMatch(
      /newTag: "1.4.0"/,
    );
    expect(
      git('log', '-1', '--format=%an%n%B', promotion.changeBranch),
    ).toContain(`Stagecraft-Promotion: ${promotion.id}`);
    expect(readOrigin(stagingOverlay)).toMatch(/newTag: "1.3.2"/);

    // The matrix lists it as under way, for this caller and any other.
    const matrix = await request(server).get(
      '/api/environments/entities/component/default/catalogue',
    );
    expectToMatchSpec(matrix.body, 'EnvironmentMatrix');
    expect(matrix.body.openPromotions).toEqual([
      expect.objectContaining({
        id: promotion.id,
        from: 'dev',
        to: 'staging',
        state: 'pending-review',
      }),
    ]);

    // The same key with the same request again: the same promotion, no second branch.
    const replay = await request(server)
      .post(promotionsPath)
      .set('Idempotency-Key', 'promote-1')
      .send({
        note: 'Ship the new search',
        planId: plan.body.planId,
        to: 'staging',
        from: 'dev',
      });
    expect(replay.status).toBe(200);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body.id).toBe(promotion.id);
    expect(branches()).toHaveLength(2);

    // The same key with another request is refused, not replayed.
    const reused = await request(server)
      .post(promotionsPath)
      .set('Idempotency-Key', 'promote-1')
      .send({ from: 'dev', to: 'staging' });
    expect(reused.status).toBe(422);
    expect(reused.body.error.message).toMatch(
      /Idempotency-Key 'promote-1' was first used for another request/,
    );
    const otherEntity = await request(server)
      .post('/api/environments/entities/component/default/voting/promotions')
      .set('Idempotency-Key', 'promote-1')
      .send({ from: 'dev', to: 'staging' });
    expect(otherEntity.status).toBe(422);
    expect(branches()).toHaveLength(2);

    // Another request for the same target while this one is open.
    const second = await request(server)
      .post(promotionsPath)
      .send({ from: 'dev', to: 'staging' });
    expect(second.status).toBe(409);
    expect(second.body.error.message).toContain(promotion.id);

    const merged = await request(server).post(
      `/api/environments/promotions/${promotion.id}/merge`,
    );
    expect(merged.status).toBe(200);
    expect(merged.body.state).toBe('merged');
    expect(readOrigin(stagingOverlay)).toMatch(/newTag: "1.4.0"/);
    expect(branches()).toEqual(['main']);

    // The cluster still runs 1.3.2: syncing, and it stays so.
    await track();
    await track();
    let current = await request(server).get(
      `/api/environments/promotions/${promotion.id}`,
    );
    expect(current.body.state).toBe('syncing');

    cluster.objects[1] = rolledOutDeployment(
      'craftista-staging',
      'craftista/catalogue:1.4.0',
      2,
    );
    await track();
    current = await request(server).get(
      `/api/environments/promotions/${promotion.id}`,
    );
    expectToMatchSpec(current.body, 'Promotion');
    expect(current.body).toMatchObject({
      state: 'completed',
      leadTimeSeconds: expect.any(Number),
      completedAt: expect.any(String),
    });
    expect(current.body.events.map((e: any) => e.state)).toEqual([
      'planned',
      'pending-review',
      'merged',
      'syncing',
      'completed',
    ]);

    const after = await request(server).get(
      '/api/environments/entities/component/default/catalogue',
    );
    expect(after.body.openPromotions).toBeUndefined();

    const history = await request(server).get(
      `${promotionsPath}?environment=staging`,
    );
    expect(history.status).toBe(200);
    expectToMatchSpec(history.body, 'PromotionHistory');
    expect(history.body.items[0]).toMatchObject({
      id: promotion.id,
      kind: 'promotion',
      environment: 'staging',
      state: 'completed',
      by: 'user:default/mock',
      changes: [{ from: { tag: '1.3.2' }, to: { tag: '1.4.0' } }],
    });
    expect(
      history.body.items.every((i: any) => i.environment === 'staging'),
    ).toBe(true);
  });

  it('commits straight to main for dev, and finds it in the history with changes made outside the portal', async () => {
    const { server } = await startBackend();
    // A change made outside the portal: staging moved by hand.
    const file = path.join(gitops.url, stagingOverlay);
    fs.writeFileSync(
      file,
      fs
        .readFileSync(file, 'utf8')
        .replace(/newTag: "1.3.2"/, 'newTag: "1.3.3"'),
    );
    git(
      '-c',
      'user.name=Ines',
      '-c',
      'user.email=ines@example.com',
      'commit',
      '-qam',
      'Hotfix staging',
    );

    const res = await request(server)
      .post(promotionsPath)
      .send({
        from: 'dev',
        to: 'dev',
        version: {
          images: [
            {
              application: 'catalogue',
              container: 'catalogue',
              image: 'craftista/catalogue',
              tag: '1.3.9',
              digest: null,
            },
          ],
        },
      });

    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      state: 'merged',
      method: 'direct-commit',
      commit: { sha: git('rev-parse', 'main') },
    });
    expect(readOrigin(devOverlay)).toMatch(/newTag: "1.3.9"/);

    const history = await request(server).get(promotionsPath);
    expect(history.status).toBe(200);
    expectToMatchSpec(history.body, 'PromotionHistory');
    const summary = history.body.items.map((i: any) => [
      i.kind,
      i.environment,
      i.changes.map((c: any) => `${c.from?.tag}->${c.to.tag}`).join(),
      i.by,
    ]);
    expect(summary.slice(0, 2)).toEqual([
      ['promotion', 'dev', '1.4.0->1.3.9', 'user:default/mock'],
      ['commit', 'staging', '1.3.2->1.3.3', 'Ines'],
    ]);
  });

  it('refuses to execute a plan when the branch moved under it, and writes nothing', async () => {
    const { server } = await startBackend();
    const plan = await request(server)
      .post(promotionsPath)
      .send({ from: 'dev', to: 'staging', dryRun: true });
    fs.writeFileSync(path.join(gitops.url, 'README.md'), 'moved\n');
    git('add', 'README.md');
    git('-c', 'user.name=T', '-c', 'user.email=t@e', 'commit', '-qm', 'move');
    const head = git('rev-parse', 'main');

    const res = await request(server)
      .post(promotionsPath)
      .send({ from: 'dev', to: 'staging', planId: plan.body.planId });

    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/re-plan/);
    expect(git('rev-parse', 'main')).toBe(head);
    expect(branches()).toEqual(['main']);
  });

  it('answers 409 with the reasons when a gate fails', async () => {
    cluster.objects = [
      rolledOutDeployment('craftista-dev', 'craftista/catalogue:1.3.0', 1),
    ];
    const { server } = await startBackend();

    const res = await request(server)
      .post(promotionsPath)
      .send({ from: 'dev', to: 'staging' });

    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/dev is OutOfSync/);
    expect(branches()).toEqual(['main']);
  });

  it('fails closed: an environment on the path that does not parse blocks the promotion, it does not vanish', async () => {
    // staging's overlay is broken: "prod takes versions from staging" must not become "from dev".
    fs.writeFileSync(
      path.join(gitops.url, stagingOverlay),
      'images:\n  - name: craftista/catalogue\n    newTag: "1.3.2\n  bad: [\n',
    );
    git(
      '-c',
      'user.name=Test',
      '-c',
      'user.email=test@example.com',
      'commit',
      '-qam',
      'break staging',
    );
    const head = git('rev-parse', 'main');
    const { server } = await startBackend();

    const matrix = await request(server).get(
      '/api/environments/entities/component/default/catalogue',
    );
    expect(matrix.status).toBe(200);
    expect(matrix.body.environments.map((e: any) => e.name)).toEqual([
      'dev',
      'staging',
      'prod',
    ]);
    const toProd = matrix.body.promotions.find((p: any) => p.to === 'prod');
    expect(toProd.gates).toContainEqual(
      expect.objectContaining({ gate: 'path-readable', passed: false }),
    );

    for (const step of [
      { from: 'dev', to: 'prod' },
      { from: 'dev', to: 'staging' },
      { from: 'staging', to: 'prod' },
    ]) {
      const res = await request(server).post(promotionsPath).send(step);
      expect(res.status).toBe(409);
      expect(res.body.error.message).toMatch(/Git could not be read in full/);
      expect(res.body.error.message).toContain('staging');
    }
    expect(git('rev-parse', 'main')).toBe(head);
    expect(branches()).toEqual(['main']);
  });

  it('adopts a promotion branch whose record was lost, so the target stays taken, and leaves unknown branches alone', async () => {
    const lostId = '0f1e2d3c-4b5a-4968-8776-655443322110';
    const branch = `stagecraft/promote/catalogue-staging-${lostId.slice(0, 8)}`;
    const author = ['-c', 'user.name=T', '-c', 'user.email=t@example.com'];
    git('checkout', '-q', '-b', branch);
    fs.writeFileSync(
      path.join(gitops.url, stagingOverlay),
      readOrigin(stagingOverlay).replace('newTag: "1.3.2"', 'newTag: "1.4.0"'),
    );
    git(
      ...author,
      'commit',
      '-qam',
      [
        'Promote catalogue to staging: 1.4.0',
        '',
        `Stagecraft-Promotion: ${lostId}`,
        'Stagecraft-Entity: component:default/catalogue',
        'Stagecraft-From: dev',
        'Stagecraft-To: staging',
        'Stagecraft-Requested-By: user:default/jane',
      ].join('\n'),
    );
    git(
      'checkout',
      '-q',
      '-b',
      'stagecraft/promote/stray-prod-abcdef12',
      'main',
    );
    git(...author, 'commit', '-q', '--allow-empty', '-m', 'no trailers');
    git('checkout', '-q', 'main');

    const { server, reconcile } = await startBackend();
    await reconcile();

    const adopted = await request(server).get(
      `/api/environments/promotions/${lostId}`,
    );
    expect(adopted.status).toBe(200);
    expectToMatchSpec(adopted.body, 'Promotion');
    expect(adopted.body).toMatchObject({
      state: 'pending-review',
      from: 'dev',
      to: 'staging',
      requestedBy: 'user:default/jane',
      changeBranch: branch,
      mergeable: true,
    });
    expect(adopted.body.events[0].message).toMatch(/Adopted from branch/);

    // The target is taken: no second branch for staging.
    const second = await request(server)
      .post(promotionsPath)
      .send({ from: 'dev', to: 'staging' });
    expect(second.status).toBe(409);
    expect(second.body.error.message).toContain(lostId);

    // Adopting twice does nothing; the stray branch is reported, not deleted.
    await reconcile();
    expect(branches().sort()).toEqual(
      ['main', branch, 'stagecraft/promote/stray-prod-abcdef12'].sort(),
    );

    // And it can be cancelled from the portal like any other.
    const cancelled = await request(server).post(
      `/api/environments/promotions/${lostId}/cancel`,
    );
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.state).toBe('cancelled');
    expect(branches()).not.toContain(branch);
  });

  it('cancels a promotion pending review: the branch is deleted', async () => {
    const { server } = await startBackend();
    const created = await request(server)
      .post(promotionsPath)
      .send({ from: 'dev', to: 'staging' });
    expect(created.status).toBe(201);

    const cancelled = await request(server).post(
      `/api/environments/promotions/${created.body.id}/cancel`,
    );

    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ state: 'cancelled' });
    expect(branches()).toEqual(['main']);
    const again = await request(server).post(
      `/api/environments/promotions/${created.body.id}/cancel`,
    );
    expect(again.status).toBe(409);

    // Retry: planned again at the newest commit, as a new promotion.
    const retried = await request(server).post(
      `/api/environments/promotions/${created.body.id}/retry`,
    );
    expect(retried.status).toBe(201);
    expect(retried.body.id).not.toBe(created.body.id);
    expect(retried.body.state).toBe('pending-review');
  });

  it('answers 400 for bad input, 401 without credentials, 403 when denied, 404 for unknown things', async () => {
    const { server } = await startBackend();
    const bad = [
      { to: 'staging' },
      { from: 'dev', to: 'staging', planId: 'yesterday' },
      { from: 'dev', to: 'staging', extra: true },
      { from: 'dev', to: 'qa' },
      {
        from: 'dev',
        to: 'staging',
        version: {
          images: [
            {
              application: 'catalogue',
              container: 'catalogue',
              tag: 'not a tag!',
              digest: null,
            },
          ],
        },
      },
    ];
    for (const body of bad) {
      const res = await request(server).post(promotionsPath).send(body);
      expect(res.status).toBe(400);
    }
    expect(
      (
        await request(server)
          .post(promotionsPath)
          .set('Idempotency-Key', 'with space')
          .send({ from: 'dev', to: 'staging' })
      ).status,
    ).toBe(400);
    expect(
      (await request(server).get('/api/environments/promotions/not-a-uuid'))
        .status,
    ).toBe(400);
    expect(
      (
        await request(server).get(
          '/api/environments/promotions/3b0f4c9e-8a9b-4a8e-9d7e-2f7c1b2a6d11',
        )
      ).status,
    ).toBe(404);
    expect(
      (
        await request(server)
          .post('/api/environments/entities/component/default/nope/promotions')
          .send({ from: 'dev', to: 'staging', dryRun: true })
      ).status,
    ).toBe(404);
    expect(
      (
        await request(server)
          .post(promotionsPath)
          .set('Authorization', mockCredentials.none.header())
          .send({ from: 'dev', to: 'staging' })
      ).status,
    ).toBe(401);
    expect(branches()).toEqual(['main']);

    const denied = await startBackend({ permission: AuthorizeResult.DENY });
    const res = await request(denied.server)
      .post(promotionsPath)
      .send({ from: 'dev', to: 'staging' });
    expect(res.status).toBe(403);
    expect(branches()).toEqual(['main']);
  });
});
