import { NotFoundError, ServiceUnavailableError } from '@backstage/errors';
import { Octokit } from '@octokit/rest';
import {
  MemoryFiles,
  scanRepository,
} from '@stagecraft/plugin-environments-node';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { FakeGithub, FakeFile } from './__testUtils__/fakeGithub';
import { GithubRepository } from './GithubRepository';

const TOKEN = 'fake-github-token-for-tests';
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const COMMITS = /\/commits\//;
const TREES = /\/git\/trees\//;
const GRAPHQL = /^\/graphql$/;

/** A GitOps repository modelled on examples/gitops/craftista/catalogue. */
function craftista(devTag = '1.4.0'): Record<string, FakeFile> {
  const overlay = (env: string, tag: string, extra = '') =>
    `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: craftista-${env}\nresources:\n  - ../../base\n${extra}images:\n  - name: craftista/catalogue\n    newTag: "${tag}"\n`;
  return {
    'README.md': '# GitOps\n',
    'charts.v2/LICENSE': 'Apache-2.0\n',
    'apps/catalogue/base/kustomization.yaml':
      'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - deployment.yaml\n  - service.yaml\n',
    'apps/catalogue/base/deployment.yaml':
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: catalogue\nspec:\n  replicas: 1\n  selector:\n    matchLabels:\n      app: catalogue\n  template:\n    metadata:\n      labels:\n        app: catalogue\n    spec:\n      containers:\n        - name: catalogue\n          image: craftista/catalogue:latest\n          ports:\n            - containerPort: 5000\n',
    'apps/catalogue/base/service.yaml':
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: catalogue\nspec:\n  selector:\n    app: catalogue\n  ports:\n    - port: 80\n      targetPort: 5000\n',
    'apps/catalogue/overlays/dev/kustomization.yaml': overlay(
      'dev',
      devTag,
      'replicas:\n  - name: catalogue\n    count: 1\n',
    ),
    'apps/catalogue/overlays/staging/kustomization.yaml': overlay(
      'staging',
      '1.3.2',
      'replicas:\n  - name: catalogue\n    count: 2\n',
    ),
    'apps/catalogue/overlays/prod/kustomization.yaml': overlay(
      'prod',
      '1.3.0',
    ).replace('  - ../../base\n', '  - ../../base\n  - hpa.yaml\n'),
    'apps/catalogue/overlays/prod/hpa.yaml':
      'apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: catalogue\nspec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: catalogue\n  minReplicas: 3\n  maxReplicas: 10\n',
    'docs/logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3]),
    'tools/blob.dat': Buffer.from([1, 2, 0, 4, 5]),
    'apps/current': { symlink: 'catalogue' },
    'vendor/charts': { submodule: 'abc' },
    'dumps/huge.yaml': `a: "${'x'.repeat(5000)}"\n`,
  };
}

describe('GithubRepository', () => {
  let github: FakeGithub;
  let now: number;
  const clock = () => now;

  function repository(
    overrides: Partial<ConstructorParameters<typeof GithubRepository>[0]> = {},
  ) {
    return new GithubRepository({
      host: 'github.com',
      owner: 'org',
      repo: 'gitops',
      ref: 'main',
      octokit: new Octokit({ baseUrl: github.apiBaseUrl, auth: TOKEN }),
      refreshIntervalMs: 30_000,
      maxFileSize: 4096,
      now: clock,
      ...overrides,
    });
  }

  beforeEach(() => {
    now = Date.parse('2026-11-22T20:00:00Z');
    github = new FakeGithub();
    github.tokens.add(TOKEN);
    server.use(...github.handlers());
  });

  it('reads a cold snapshot with 3 calls, and skips what it should not read', async () => {
    const commit = github.commit('org/gitops', 'main', craftista());
    const snapshot = await repository().readSnapshot();

    expect(github.calls.map(c => `${c.method} ${c.path} ${c.status}`)).toEqual([
      `GET /repos/org/gitops/commits/main 200`,
      `GET /repos/org/gitops/git/trees/${commit}?recursive=1 200`,
      `POST /graphql 200`,
    ]);
    expect(github.calls.every(c => c.authorization === `token ${TOKEN}`)).toBe(
      true,
    );
    expect(snapshot).toMatchObject({
      repository: 'github.com/org/gitops',
      branch: 'main',
      commit,
    });
    expect(snapshot.staleReason).toBeUndefined();
    expect([...snapshot.files.keys()].sort()).toEqual([
      'README.md',
      'apps/catalogue/base/deployment.yaml',
      'apps/catalogue/base/kustomization.yaml',
      'apps/catalogue/base/service.yaml',
      'apps/catalogue/overlays/dev/kustomization.yaml',
      'apps/catalogue/overlays/prod/hpa.yaml',
      'apps/catalogue/overlays/prod/kustomization.yaml',
      'apps/catalogue/overlays/staging/kustomization.yaml',
      'charts.v2/LICENSE',
    ]);
    expect(
      snapshot.files
        .get('apps/catalogue/overlays/dev/kustomization.yaml')!
        .toString('utf8'),
    ).toContain('newTag: "1.4.0"');
    // One query for the 10 blobs that may be text (9 files + blob.dat); none for the .png.
    expect(github.calls[2].blobs).toBe(10);
    expect(
      [...snapshot.skipped].sort((a, b) => a.path.localeCompare(b.path)),
    ).toEqual([
      { path: 'apps/current', reason: 'a symbolic link' },
      { path: 'docs/logo.png', reason: 'a binary file' },
      { path: 'dumps/huge.yaml', reason: 'larger than 4096 bytes' },
      { path: 'tools/blob.dat', reason: 'a binary file' },
      { path: 'vendor/charts', reason: 'a submodule' },
    ]);
  });

  it('feeds the declared-state engine', async () => {
    github.commit('org/gitops', 'main', craftista());
    const snapshot = await repository().readSnapshot();
    const model = await scanRepository(new MemoryFiles(snapshot.files), {
      path: 'apps/catalogue',
    });
    expect(model.environments.map(e => e.name)).toEqual([
      'dev',
      'staging',
      'prod',
    ]);
    expect(
      model.workloads
        .filter(w => w.kind === 'Deployment')
        .map(w => [w.environment, w.containers[0].tag, w.replicas]),
    ).toEqual([
      ['dev', '1.4.0', 1],
      ['staging', '1.3.2', 2],
      ['prod', '1.3.0', 1],
    ]);
    const prod = model.workloads.find(w => w.environment === 'prod')!;
    expect(prod.autoscaling).toMatchObject({ minReplicas: 3, maxReplicas: 10 });
    expect(prod.provenance['containers.catalogue.tag']).toMatchObject({
      file: 'apps/catalogue/overlays/prod/kustomization.yaml',
    });
  });

  it('costs nothing within the refresh interval and one 304 call after it when unchanged', async () => {
    github.commit('org/gitops', 'main', craftista());
    const repo = repository();
    const first = await repo.readSnapshot();
    github.reset();

    now += 10_000;
    expect(await repo.readSnapshot()).toEqual(first);
    expect(github.calls).toEqual([]);

    now += 30_000;
    const warm = await repo.readSnapshot();
    expect(github.calls.map(c => `${c.method} ${c.path} ${c.status}`)).toEqual([
      'GET /repos/org/gitops/commits/main 304',
    ]);
    expect(warm.commit).toBe(first.commit);
    expect(warm.files).toBe(first.files);
    expect(warm.staleReason).toBeUndefined();

    // refresh: true asks even within the interval; still one conditional call.
    github.reset();
    await repo.readSnapshot({ refresh: true });
    expect(github.calls.map(c => c.status)).toEqual([304]);
  });

  it('reads a new commit with a tree and a query for the changed blobs only', async () => {
    github.commit('org/gitops', 'main', craftista());
    const repo = repository();
    const first = await repo.readSnapshot();
    const second = github.commit('org/gitops', 'main', craftista('1.5.0'));
    github.reset();

    now += 30_000;
    const snapshot = await repo.readSnapshot();
    expect(github.calls.map(c => `${c.method} ${c.path} ${c.status}`)).toEqual([
      `GET /repos/org/gitops/commits/main 200`,
      `GET /repos/org/gitops/git/trees/${second}?recursive=1 200`,
      `POST /graphql 200`,
    ]);
    expect(github.calls[2].blobs).toBe(1);
    expect(snapshot.commit).toBe(second);
    expect(snapshot.commit).not.toBe(first.commit);
    expect(
      snapshot.files
        .get('apps/catalogue/overlays/dev/kustomization.yaml')!
        .toString(),
    ).toContain('newTag: "1.5.0"');
    expect(snapshot.files.get('README.md')!.toString()).toBe('# GitOps\n');
    // The binary blob found last time is not asked for again.
    expect(snapshot.skipped).toContainEqual({
      path: 'tools/blob.dat',
      reason: 'a binary file',
    });

    // The new ETag is used: the next refresh is a 304 again.
    github.reset();
    now += 30_000;
    await repo.readSnapshot();
    expect(github.calls.map(c => c.status)).toEqual([304]);
  });

  it('never fetches the same commit twice, even when the ETag changes', async () => {
    github.commit('org/gitops', 'main', craftista());
    const repo = repository();
    await repo.readSnapshot();
    github.reset();
    github.etagSalt = 'another token';
    now += 30_000;
    await repo.readSnapshot();
    expect(github.calls.map(c => `${c.path} ${c.status}`)).toEqual([
      '/repos/org/gitops/commits/main 200',
    ]);
  });

  it('shares one fetch among concurrent readers', async () => {
    github.commit('org/gitops', 'main', craftista());
    const repo = repository();
    const snapshots = await Promise.all(
      Array.from({ length: 5 }, () => repo.readSnapshot()),
    );
    expect(github.count()).toBe(3);
    expect(new Set(snapshots.map(s => s.files)).size).toBe(1);
  });

  it('serves the last good snapshot, marked stale with the reset time, on a rate limit', async () => {
    const commit = github.commit('org/gitops', 'main', craftista());
    const repo = repository();
    await repo.readSnapshot();
    const readAt = new Date(now).toISOString();
    github.reset();
    const reset = Math.floor(now / 1000) + 600;
    github.rateLimitedUntil = reset;

    now += 30_000;
    const stale = await repo.readSnapshot();
    expect(stale.commit).toBe(commit);
    expect(stale.files.size).toBe(9);
    expect(stale.staleReason).toContain('rate limit');
    expect(stale.staleReason).toContain('github.com/org/gitops');
    expect(stale.staleReason).toContain(new Date(reset * 1000).toISOString());
    expect(stale.staleReason).toContain(
      `showing commit ${commit.slice(0, 12)}, current as of ${readAt}`,
    );
    expect(github.calls.map(c => c.status)).toEqual([403]);

    // No calls before the limit resets, even when asked to refresh.
    github.reset();
    now += 60_000;
    expect((await repo.readSnapshot({ refresh: true })).staleReason).toBe(
      stale.staleReason,
    );
    expect(github.calls).toEqual([]);

    // After the reset: one conditional call, fresh again.
    github.rateLimitedUntil = undefined;
    now = reset * 1000 + 1;
    const fresh = await repo.readSnapshot();
    expect(fresh.staleReason).toBeUndefined();
    expect(github.calls.map(c => c.status)).toEqual([304]);
  });

  it('honours retry-after on a secondary rate limit (429)', async () => {
    github.commit('org/gitops', 'main', craftista());
    const repo = repository();
    await repo.readSnapshot();
    github.reset();
    server.use(
      http.get(`${github.apiBaseUrl}/repos/:owner/:repo/commits/:ref`, () =>
        HttpResponse.json(
          { message: 'You have exceeded a secondary rate limit.' },
          { status: 429, headers: { 'retry-after': '120' } },
        ),
      ),
    );
    now += 30_000;
    const stale = await repo.readSnapshot();
    expect(stale.staleReason).toContain(new Date(now + 120_000).toISOString());
  });

  it('keeps the old ETag when a new commit could not be read, so the next refresh reads it', async () => {
    const first = github.commit('org/gitops', 'main', craftista());
    const repo = repository();
    await repo.readSnapshot();
    const second = github.commit('org/gitops', 'main', craftista('1.5.0'));
    github.rateLimitedUntil = Math.floor(now / 1000) + 60;
    github.rateLimitOnly = /graphql/;

    now += 30_000;
    const stale = await repo.readSnapshot();
    expect(stale.commit).toBe(first);
    expect(stale.staleReason).toContain('rate limit');

    github.rateLimitedUntil = undefined;
    github.reset();
    now += 60_000;
    const fresh = await repo.readSnapshot();
    expect(fresh.commit).toBe(second);
    expect(fresh.staleReason).toBeUndefined();
    expect(github.calls.map(c => c.status)).toEqual([200, 200, 200]);
  });

  it('recognises the GraphQL rate limit (errors of type RATE_LIMITED)', async () => {
    const reset = Math.floor(now / 1000) + 900;
    github.commit('org/gitops', 'main', craftista());
    github.graphqlRateLimitedUntil = reset;
    const error = await repository()
      .readSnapshot()
      .catch(e => e);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).toContain(new Date(reset * 1000).toISOString());
  });

  it('notes a truncated tree in skipped', async () => {
    github.commit('org/gitops', 'main', craftista());
    github.truncateTrees = true;
    const snapshot = await repository().readSnapshot();
    expect(snapshot.files.size).toBe(9);
    expect(snapshot.skipped).toContainEqual({
      path: '',
      reason: expect.stringContaining('truncated'),
    });
  });

  it('serves the last good snapshot on a 5xx, and throws on a cold 5xx', async () => {
    github.commit('org/gitops', 'main', craftista());
    const repo = repository();
    await repo.readSnapshot();
    github.failWith = 502;
    now += 30_000;
    const stale = await repo.readSnapshot();
    expect(stale.staleReason).toMatch(/GitHub failed .*\(502/);

    const cold = repository();
    await expect(cold.readSnapshot()).rejects.toThrow(ServiceUnavailableError);
  });

  it('throws a clear error on a cold rate limit, and does not call again before the reset', async () => {
    github.commit('org/gitops', 'main', craftista());
    const reset = Math.floor(now / 1000) + 300;
    github.rateLimitedUntil = reset;
    const repo = repository();
    const error = await repo.readSnapshot().catch(e => e);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).toContain('rate limit');
    expect(error.message).toContain('github.com/org/gitops');
    expect(error.message).toContain(new Date(reset * 1000).toISOString());

    now += 60_000;
    await expect(repo.readSnapshot({ refresh: true })).rejects.toThrow(
      'rate limit',
    );
    expect(github.count()).toBe(1);
  });

  it('names the repository on a 404 and an unknown ref', async () => {
    github.commit('org/gitops', 'main', craftista());
    const missing = repository({ repo: 'nope' });
    const error = await missing.readSnapshot().catch(e => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toContain('github.com/org/nope');

    const noBranch = repository({ ref: 'release' });
    await expect(noBranch.readSnapshot()).rejects.toThrow(
      /github\.com\/org\/gitops.*'release'.*%2F/,
    );
  });

  it('never puts the token in errors or stale reasons', async () => {
    github.commit('org/gitops', 'main', craftista());
    const wrong = repository({
      octokit: new Octokit({
        baseUrl: github.apiBaseUrl,
        auth: 'fake-wrong-token-that-must-not-leak',
      }),
    });
    const error = await wrong.readSnapshot().catch(e => e);
    expect(error.message).toMatch(
      /credentials for GitHub repository github\.com\/org\/gitops .*401: Bad credentials/,
    );
    const everything = `${error.message} ${error.stack} ${JSON.stringify(
      error,
    )} ${String(error.cause)}`;
    expect(everything).not.toContain('fake-wrong-token-that-must-not-leak');

    const repo = repository();
    await repo.readSnapshot();
    github.tokens.clear();
    github.tokens.add('another');
    now += 30_000;
    const stale = await repo.readSnapshot();
    expect(stale.staleReason).toContain('401');
    expect(stale.staleReason).not.toContain(TOKEN);
  });

  it('splits the blobs of a large repository into a few queries', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 7; i++) files[`apps/a${i}.yaml`] = `i: ${i}\n`;
    github.commit('org/gitops', 'main', files);
    const snapshot = await repository({ maxBlobsPerQuery: 3 }).readSnapshot();
    expect(
      github.calls.filter(c => GRAPHQL.test(c.path)).map(c => c.blobs),
    ).toEqual([3, 3, 1]);
    expect(github.count(COMMITS)).toBe(1);
    expect(github.count(TREES)).toBe(1);
    expect(snapshot.files.size).toBe(7);
    expect(snapshot.files.get('apps/a6.yaml')!.toString()).toBe('i: 6\n');
  });

  it('also splits queries by the blobs’ total size', async () => {
    github.commit('org/gitops', 'main', {
      'a.yaml': 'a: 1\n'.repeat(10), // 50 bytes
      'b.yaml': 'b: 1\n'.repeat(10),
      'c.yaml': 'c: 1\n'.repeat(10),
    });
    const snapshot = await repository({ maxBytesPerQuery: 100 }).readSnapshot();
    expect(
      github.calls.filter(c => GRAPHQL.test(c.path)).map(c => c.blobs),
    ).toEqual([2, 1]);
    expect(snapshot.files.size).toBe(3);
  });

  it('reads a GitHub Enterprise API', async () => {
    const ghe = new FakeGithub(
      'https://ghe.example.com/api/v3',
      'https://ghe.example.com/api/graphql',
    );
    server.use(...ghe.handlers());
    const commit = ghe.commit('platform/gitops', 'main', craftista());
    const snapshot = await repository({
      host: 'ghe.example.com',
      owner: 'platform',
      octokit: new Octokit({ baseUrl: ghe.apiBaseUrl, auth: TOKEN }),
    }).readSnapshot();
    expect(snapshot.repository).toBe('ghe.example.com/platform/gitops');
    expect(snapshot.commit).toBe(commit);
    expect(snapshot.files.size).toBe(9);
    expect(ghe.count()).toBe(3);
    expect(github.count()).toBe(0);
  });
});
