import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { setupServer } from 'msw/node';
import { environmentsPlugin } from './plugin';
import {
  expectToMatchSpec,
  specOperations,
} from './__testUtils__/expectToMatchSpec';
import {
  createDemoGitRepository,
  demoGitopsFiles,
} from './__testUtils__/demoGitRepository';
import { fakeKubernetesApi } from './clusters/__testUtils__/fakeKubernetesApi';
import { FakeGithub } from './git/__testUtils__/fakeGithub';

// A real git repository holding the demo's GitOps files.
const examples = demoGitopsFiles;
let gitops: ReturnType<typeof createDemoGitRepository>;

beforeAll(() => {
  gitops = createDemoGitRepository();
});

afterAll(() => gitops.remove());

const entities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'catalogue',
      annotations: {
        'stagecraft.io/gitops-location': 'demo:craftista/catalogue',
        'stagecraft.io/environments': 'dev,staging,prod',
        'backstage.io/kubernetes-id': 'catalogue',
      },
    },
    spec: {
      type: 'service',
      owner: 'group:default/team-a',
      system: 'craftista',
    },
    relations: [
      { type: 'ownedBy', targetRef: 'group:default/team-a' },
      { type: 'partOf', targetRef: 'system:default/craftista' },
    ],
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'docs-site' },
    spec: { type: 'website', owner: 'group:default/team-a' },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'voting',
      annotations: {
        'stagecraft.io/gitops-location':
          'url:https://github.com/org/gitops/tree/main/craftista/voting',
      },
    },
    spec: { type: 'service', owner: 'group:default/team-votes' },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'elsewhere',
      annotations: { 'stagecraft.io/gitops-location': 'platform:apps/x' },
    },
    spec: { type: 'service', owner: 'group:default/team-a' },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'moved',
      annotations: { 'stagecraft.io/gitops-location': 'demo:craftista/basket' },
    },
    spec: { type: 'service', owner: 'group:default/team-a' },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'live-only',
      annotations: { 'backstage.io/kubernetes-id': 'live-only' },
    },
    spec: { type: 'service', owner: 'group:default/team-a' },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'broken',
      annotations: { 'stagecraft.io/gitops-location': 'no-separator' },
    },
    spec: { type: 'service', owner: 'group:default/team-a' },
  },
];

// Two empty clusters unless a test says otherwise.
const msw = setupServer(
  fakeKubernetesApi([
    { host: 'nonprod', objects: [] },
    { host: 'prod', objects: [] },
  ]).handler,
);
beforeAll(() => msw.listen({ onUnhandledRequest: 'bypass' }));
afterEach(() => msw.resetHandlers());
afterAll(() => msw.close());

/** The prod cluster runs catalogue 1.2.9 (Git says 1.3.0) with 3 of 3 replicas ready. */
const prodDeployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'catalogue',
    namespace: 'craftista-prod',
    generation: 4,
    labels: { 'backstage.io/kubernetes-id': 'catalogue' },
  },
  spec: {
    replicas: 3,
    selector: { matchLabels: { app: 'catalogue' } },
    template: {
      metadata: { labels: { app: 'catalogue' } },
      spec: {
        containers: [{ name: 'catalogue', image: 'craftista/catalogue:1.2.9' }],
      },
    },
  },
  status: {
    observedGeneration: 4,
    replicas: 3,
    updatedReplicas: 3,
    readyReplicas: 3,
    availableReplicas: 3,
    conditions: [
      { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' },
      { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' },
    ],
  },
};

async function startBackend(
  permissionResult:
    | AuthorizeResult.ALLOW
    | AuthorizeResult.DENY = AuthorizeResult.ALLOW,
) {
  const { server } = await startTestBackend({
    features: [
      environmentsPlugin,
      catalogServiceMock.factory({ entities }),
      mockServices.permissions.factory({ result: permissionResult }),
      mockServices.rootConfig.factory({
        data: {
          environments: {
            repositories: { demo: { url: gitops.url } },
            cacheDirectory: gitops.cacheDir,
          },
          integrations: {
            github: [{ host: 'github.com', token: 'fake-github-token' }],
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
                  {
                    name: 'prod',
                    url: 'https://prod.k8s.test',
                    authProvider: 'serviceAccount',
                    serviceAccountToken: 'prod-token',
                  },
                ],
              },
            ],
          },
        },
      }),
    ],
  });
  return server;
}

describe('GET /api/environments/entities/:kind/:namespace/:name', () => {
  it('answers with the matrix declared in the GitOps repository', async () => {
    const server = await startBackend();

    const res = await request(server).get(
      '/api/environments/entities/component/default/catalogue',
    );

    expect(res.status).toBe(200);
    expectToMatchSpec(res.body, 'EnvironmentMatrix');
    expect(res.body).toMatchObject({
      entityRef: 'component:default/catalogue',
      owner: 'group:default/team-a',
      source: {
        type: 'repository',
        repository: 'demo',
        path: 'craftista/catalogue',
      },
      live: { kubernetesId: 'catalogue' },
      revision: { repository: 'demo', branch: 'main' },
      problems: [],
    });
    const columns = res.body.environments.map((env: any) => {
      const [workload] = env.workloads;
      return [
        env.name,
        workload.namespace,
        env.version.images.map((i: any) => `${i.image}:${i.tag}`),
        workload.declared.replicas,
        workload.declared.autoscaling?.maxReplicas ?? null,
        workload.declared.ingressHosts,
      ];
    });
    expect(columns).toEqual([
      [
        'dev',
        'craftista-dev',
        ['craftista/catalogue:1.4.0'],
        1,
        null,
        ['dev.craftista.local'],
      ],
      [
        'staging',
        'craftista-staging',
        ['craftista/catalogue:1.3.2'],
        2,
        null,
        ['staging.craftista.local'],
      ],
      [
        'prod',
        'craftista-prod',
        ['craftista/catalogue:1.3.0'],
        1,
        10,
        ['craftista.com'],
      ],
    ]);
    expect(
      res.body.environments[2].workloads[0].declared.containers[0].source,
    ).toEqual({
      file: 'craftista/catalogue/overlays/prod/kustomization.yaml',
      path: 'images[0].newTag',
      line: expect.any(Number),
    });
  });

  it('adds what the clusters report: health, drift, and an unreachable cluster per cell', async () => {
    // prod answers; nonprod is not there (a network error).
    msw.use(
      fakeKubernetesApi([
        {
          host: 'prod',
          objects: [{ namespace: 'craftista-prod', object: prodDeployment }],
        },
      ]).handler,
    );
    const server = await startBackend();

    const res = await request(server).get(
      '/api/environments/entities/component/default/catalogue',
    );

    expect(res.status).toBe(200);
    expectToMatchSpec(res.body, 'EnvironmentMatrix');
    const [dev, staging, prod] = res.body.environments;
    expect(prod).toMatchObject({
      health: 'Healthy',
      sync: { status: 'OutOfSync', by: 'stagecraft' },
      clusters: [
        { cluster: 'prod', health: 'Healthy' },
        { cluster: 'nonprod', health: 'Unknown', error: expect.any(String) },
      ],
    });
    expect(prod.workloads[0].drift).toEqual([
      expect.objectContaining({
        field: 'image',
        cluster: 'prod',
        declared: '1.3.0',
        live: '1.2.9',
      }),
    ]);
    for (const env of [dev, staging]) {
      expect(env.health).toBe('Unknown');
      expect(env.problems[0].message).toMatch(
        /^Cluster nonprod did not answer/,
      );
    }
    expect(JSON.stringify(res.body)).not.toContain('-token');
  });

  it('reads a GitHub repository in at most 3 calls, then serves it from cache', async () => {
    const github = new FakeGithub();
    github.tokens.add('fake-github-token');
    const files: Record<string, string> = {};
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else
          files[path.relative(examples, full)] = fs.readFileSync(full, 'utf8');
      }
    };
    walk(examples);
    github.commit('org/gitops', 'main', files);
    msw.use(...github.handlers());
    const server = await startBackend();

    const first = await request(server).get(
      '/api/environments/entities/component/default/voting',
    );

    expect(first.status).toBe(200);
    expect(first.body.problems).toEqual([]);
    expect(
      first.body.environments.map((e: any) => [
        e.name,
        e.version.images[0].tag,
      ]),
    ).toEqual([
      ['dev', '0.9.1'],
      ['staging', '0.8.7'],
      ['prod', '0.8.7'],
    ]);
    expect(first.body.revision.repository).toBe('github.com/org/gitops');
    expect(github.calls.length).toBeLessThanOrEqual(3);

    const callsBefore = github.calls.length;
    await request(server).get(
      '/api/environments/entities/component/default/voting',
    );
    expect(github.calls.length).toBe(callsBefore);
    expect(JSON.stringify(first.body)).not.toContain('fake-github-token');
  });

  it('reports a repository that is not configured as a problem, not an error', async () => {
    const server = await startBackend();

    const res = await request(server).get(
      '/api/environments/entities/component/default/elsewhere',
    );

    expect(res.status).toBe(200);
    expect(res.body.environments).toEqual([]);
    expect(res.body.problems).toEqual([
      {
        severity: 'error',
        message: expect.stringContaining(
          "Repository 'platform' is not configured",
        ),
      },
    ]);
  });

  it('reports a folder missing from the repository', async () => {
    const server = await startBackend();

    const res = await request(server).get(
      '/api/environments/entities/component/default/moved',
    );

    expect(res.status).toBe(200);
    expect(res.body.problems[0].message).toBe(
      "Repository 'demo' has no folder 'craftista/basket' on main",
    );
  });

  it('gives a live-only entity an empty matrix that says why', async () => {
    const server = await startBackend();

    const res = await request(server).get(
      '/api/environments/entities/component/default/live-only',
    );

    expect(res.status).toBe(200);
    expect(res.body.source).toBeUndefined();
    expect(res.body.environments).toEqual([]);
    expect(res.body.problems[0]).toMatchObject({
      severity: 'info',
      message: expect.stringContaining('promotion is unavailable'),
    });
  });

  it('answers 400 for a malformed ref', async () => {
    const server = await startBackend();

    const res = await request(server).get(
      '/api/environments/entities/component/default/-bad!',
    );

    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      name: 'InputError',
      message: expect.stringContaining('name must be a catalog name'),
    });
  });

  it('answers 400 naming the annotation when it is malformed', async () => {
    const server = await startBackend();

    const res = await request(server).get(
      '/api/environments/entities/component/default/broken',
    );

    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('stagecraft.io/gitops-location');
  });

  it('answers 401 without valid credentials', async () => {
    const server = await startBackend();

    const res = await request(server)
      .get('/api/environments/entities/component/default/catalogue')
      .set('Authorization', mockCredentials.none.header());

    expect(res.status).toBe(401);
    expect(res.body.error.name).toBe('AuthenticationError');
  });

  it('answers 403 when the policy denies environments.entity.read', async () => {
    const server = await startBackend(AuthorizeResult.DENY);

    const res = await request(server).get(
      '/api/environments/entities/component/default/catalogue',
    );

    expect(res.status).toBe(403);
    expect(res.body.error.name).toBe('NotAllowedError');
  });

  it('answers 404 for an unknown entity', async () => {
    const server = await startBackend();

    const res = await request(server).get(
      '/api/environments/entities/component/default/nope',
    );

    expect(res.status).toBe(404);
    expectToMatchSpec(res.body, 'Error');
    expect(res.body.error.message).toContain('component:default/nope');
  });

  it('answers 404 naming the annotation for an entity without one', async () => {
    const server = await startBackend();

    const res = await request(server).get(
      '/api/environments/entities/component/default/docs-site',
    );

    expect(res.status).toBe(404);
    expect(res.body.error.message).toContain('stagecraft.io/gitops-location');
  });

  it('registers its permissions', async () => {
    const server = await startBackend();

    const res = await request(server).get(
      '/api/environments/.well-known/backstage/permissions/metadata',
    );

    expect(res.status).toBe(200);
    expect(res.body.permissions.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining([
        'environments.entity.read',
        'environments.promotion.create',
      ]),
    );
  });
});

describe('GET /api/environments/entities (portfolio)', () => {
  it('lists the matrices of an owner’s entities that have environments', async () => {
    const server = await startBackend();

    const res = await request(server).get(
      '/api/environments/entities?owner=team-a',
    );

    expect(res.status).toBe(200);
    expectToMatchSpec(res.body, 'EnvironmentPortfolio');
    expect(res.body.items.map((m: any) => m.entityRef)).toEqual([
      'component:default/catalogue',
    ]);
    expect(res.body.items[0].environments.map((e: any) => e.name)).toEqual([
      'dev',
      'staging',
      'prod',
    ]);
  });

  it('narrows by system, and pages with a cursor', async () => {
    const server = await startBackend();

    const bySystem = await request(server).get(
      '/api/environments/entities?system=craftista',
    );
    expect(bySystem.body.items.map((m: any) => m.entityRef)).toEqual([
      'component:default/catalogue',
    ]);

    const all: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await request(server).get(
        `/api/environments/entities?limit=2${
          cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''
        }`,
      );
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      all.push(...page.body.items.map((m: any) => m.entityRef));
      cursor = page.body.nextCursor;
      pages += 1;
    } while (cursor && pages < 10);
    expect(pages).toBeGreaterThan(1);
    // Every entity with an environments annotation, each once; none without.
    expect(new Set(all).size).toBe(all.length);
    expect(all).toEqual(
      expect.arrayContaining([
        'component:default/catalogue',
        'component:default/live-only',
      ]),
    );
    expect(all).not.toContain('component:default/docs-site');
  });

  it('turns an entity whose matrix fails into an item with a problem', async () => {
    const server = await startBackend();

    const res = await request(server).get(
      '/api/environments/entities?limit=100',
    );

    const broken = res.body.items.find(
      (m: any) => m.entityRef === 'component:default/broken',
    );
    expect(broken.problems[0].message).toContain(
      'stagecraft.io/gitops-location',
    );
  });

  it('answers 400 for a malformed query', async () => {
    const server = await startBackend();

    const res = await request(server).get('/api/environments/entities?limit=0');

    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/^Invalid query: limit/);
  });

  it('answers 401 without valid credentials', async () => {
    const server = await startBackend();

    const res = await request(server)
      .get('/api/environments/entities')
      .set('Authorization', mockCredentials.none.header());

    expect(res.status).toBe(401);
  });

  it('leaves out the entities the policy hides', async () => {
    const server = await startBackend(AuthorizeResult.DENY);

    const res = await request(server).get('/api/environments/entities');

    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([]);
    expect(res.body.totalItems).toBeGreaterThan(0);
  });
});

describe('openapi.yaml', () => {
  it('declares exactly the routes the plugin serves', () => {
    expect(specOperations().sort()).toEqual([
      'GET /entities',
      'GET /entities/{kind}/{namespace}/{name}',
      'GET /entities/{kind}/{namespace}/{name}/promotions',
      'GET /promotions/{id}',
      'POST /entities/{kind}/{namespace}/{name}/promotions',
      'POST /environments',
      'POST /promotions/{id}/cancel',
      'POST /promotions/{id}/merge',
      'POST /promotions/{id}/retry',
    ]);
  });

  it('rejects a body that breaks it', () => {
    expect(() =>
      expectToMatchSpec(
        { entityRef: 'x', environments: 'none' },
        'EnvironmentMatrix',
      ),
    ).toThrow(/does not conform to EnvironmentMatrix/);
  });
});
