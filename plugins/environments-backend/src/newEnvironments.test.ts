import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { execFileSync } from 'node:child_process';
import request from 'supertest';
import { environmentsPlugin } from './plugin';
import { createDemoGitRepository } from './__testUtils__/demoGitRepository';
import { expectToMatchSpec } from './__testUtils__/expectToMatchSpec';

const catalogue: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'catalogue',
    annotations: {
      'stagecraft.io/gitops-location': 'demo:craftista/catalogue',
    },
  },
  spec: { type: 'service', owner: 'group:default/team-a' },
};

let gitops: ReturnType<typeof createDemoGitRepository>;
beforeEach(() => {
  gitops = createDemoGitRepository();
});
afterEach(() => gitops.remove());

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: gitops.url }).toString();
}

async function startBackend(
  permission:
    | AuthorizeResult.ALLOW
    | AuthorizeResult.DENY = AuthorizeResult.ALLOW,
) {
  const { server } = await startTestBackend({
    features: [
      environmentsPlugin,
      catalogServiceMock.factory({ entities: [catalogue] }),
      mockServices.permissions.factory({ result: permission }),
      mockServices.rootConfig.factory({
        data: {
          environments: {
            repositories: { demo: { url: gitops.url } },
            cacheDirectory: gitops.cacheDir,
          },
        },
      }),
    ],
  });
  return server;
}

const perf = {
  entityRef: 'component:default/catalogue',
  name: 'perf',
  from: 'staging',
  replicas: 3,
  resources: { requests: { cpu: '250m', memory: '256Mi' } },
  host: 'perf.craftista.local',
};

describe('POST /api/environments/environments', () => {
  it('plans a new environment, then opens exactly that change on a branch', async () => {
    const server = await startBackend();
    const head = git('rev-parse', 'main').trim();

    const plan = await request(server)
      .post('/api/environments/environments')
      .send({ ...perf, dryRun: true });

    expect(plan.status).toBe(200);
    expectToMatchSpec(plan.body, 'NewEnvironmentPlan');
    expect(plan.body).toMatchObject({
      entityRef: 'component:default/catalogue',
      environment: 'perf',
      from: 'staging',
      target: { repository: 'demo', branch: 'main', baseCommit: head },
    });
    const paths = plan.body.files.map((f: any) => f.path).sort();
    expect(paths).toContain(
      'craftista/catalogue/overlays/perf/kustomization.yaml',
    );
    expect(
      git('for-each-ref', '--format=%(refname:short)', 'refs/heads').trim(),
    ).toBe('main');

    const created = await request(server)
      .post('/api/environments/environments')
      .send(perf);

    expect(created.status).toBe(201);
    expectToMatchSpec(created.body, 'NewEnvironmentChange');
    expect(created.body.branch).toBe('stagecraft/environment/catalogue-perf');
    // The branch holds exactly the files of the dry run.
    const changed = git('diff', '--name-only', `main...${created.body.branch}`)
      .trim()
      .split('\n')
      .sort();
    expect(changed).toEqual(paths);
    expect(created.body.files).toEqual(plan.body.files);
    expect(git('rev-parse', 'main').trim()).toBe(head);
    expect(
      git(
        'show',
        `${created.body.branch}:craftista/catalogue/overlays/perf/kustomization.yaml`,
      ),
    ).toMatch(/namespace: craftista-perf/);
  });

  it('refuses a name that is not a DNS label (400), an existing environment (409), an unknown source (400), and a caller who may not (403)', async () => {
    const server = await startBackend();
    const post = (body: object) =>
      request(server).post('/api/environments/environments').send(body);

    expect((await post({ ...perf, name: 'Perf_1' })).status).toBe(400);
    expect((await post({ ...perf, name: 'staging' })).status).toBe(409);
    expect((await post({ ...perf, from: 'qa' })).status).toBe(400);
    expect((await post({ ...perf, extra: 1 })).status).toBe(400);
    expect(
      (await post({ ...perf, entityRef: 'component:default/nope' })).status,
    ).toBe(404);

    const denied = await startBackend(AuthorizeResult.DENY);
    expect(
      (await request(denied).post('/api/environments/environments').send(perf))
        .status,
    ).toBe(403);
    expect(
      git('for-each-ref', '--format=%(refname:short)', 'refs/heads').trim(),
    ).toBe('main');
  });
});
