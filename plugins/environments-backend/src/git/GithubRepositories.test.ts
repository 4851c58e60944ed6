import { mockServices } from '@backstage/backend-test-utils';
import { InputError } from '@backstage/errors';
import { GithubCredentialsProvider } from '@backstage/integration';
import { delay, http } from 'msw';
import { setupServer } from 'msw/node';
import { generateKeyPairSync } from 'node:crypto';
import { FakeGithub } from './__testUtils__/fakeGithub';
import { GithubRepositories } from './GithubRepositories';

const TOKEN = 'fake-configured-github-token';
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const FILES = {
  'apps/catalogue/overlays/dev/kustomization.yaml':
    'resources: [../../base]\nimages:\n  - name: craftista/catalogue\n    newTag: "1.4.0"\n',
  'apps/catalogue/base/kustomization.yaml': 'resources: [deployment.yaml]\n',
};

describe('GithubRepositories', () => {
  let github: FakeGithub;
  let ghe: FakeGithub;
  let now: number;
  const clock = () => now;

  function fromConfig(
    integrations: object[],
    options: Parameters<typeof GithubRepositories.fromConfig>[1] = {},
  ) {
    return GithubRepositories.fromConfig(
      mockServices.rootConfig({
        data: { integrations: { github: integrations } },
      }),
      { now: clock, logger: mockServices.logger.mock(), ...options },
    );
  }

  beforeEach(() => {
    now = Date.parse('2026-11-22T20:00:00Z');
    github = new FakeGithub();
    ghe = new FakeGithub(
      'https://ghe.example.com/api/v3',
      'https://ghe.example.com/api/graphql',
    );
    server.use(...github.handlers(), ...ghe.handlers());
  });

  it('reads a location with the configured token, one repository per repo and ref', async () => {
    github.tokens.add(TOKEN);
    const commit = github.commit('org/gitops', 'main', FILES);
    const repositories = fromConfig([{ host: 'github.com', token: TOKEN }]);

    const { repository, path, location } = repositories.forLocation(
      'url:https://github.com/org/gitops/tree/main/apps/catalogue',
    );
    expect(path).toBe('apps/catalogue');
    expect(location).toMatchObject({
      owner: 'org',
      repo: 'gitops',
      ref: 'main',
    });
    const snapshot = await repository.readSnapshot();
    expect(snapshot.commit).toBe(commit);
    expect(snapshot.files.size).toBe(2);
    expect(github.calls.map(c => c.authorization)).toEqual(
      Array(3).fill(`token ${TOKEN}`),
    );

    expect(
      repositories.forLocation(
        'https://github.com/ORG/GitOps/tree/main/apps/other',
      ).repository,
    ).toBe(repository);
    expect(
      repositories.forLocation('https://github.com/org/gitops/tree/prod')
        .repository,
    ).not.toBe(repository);
  });

  it('reads a branch whose name contains a slash, written %2F in the location', async () => {
    github.tokens.add(TOKEN);
    const commit = github.commit('org/gitops', 'release/v1', FILES);
    const repositories = fromConfig([{ host: 'github.com', token: TOKEN }]);
    const { repository, path } = repositories.forLocation(
      'url:https://github.com/org/gitops/tree/release%2Fv1/apps/catalogue',
    );
    expect(path).toBe('apps/catalogue');
    const snapshot = await repository.readSnapshot();
    expect(snapshot).toMatchObject({ branch: 'release/v1', commit });
    expect(github.calls[0].path).toBe('/repos/org/gitops/commits/release%2Fv1');
  });

  it('reads GitHub Enterprise through its apiBaseUrl', async () => {
    ghe.tokens.add('ghe-token');
    const commit = ghe.commit('platform/gitops', 'main', FILES);
    const repositories = fromConfig([
      {
        host: 'ghe.example.com',
        apiBaseUrl: 'https://ghe.example.com/api/v3',
        token: 'ghe-token',
      },
    ]);
    const { repository } = repositories.forLocation(
      'url:https://ghe.example.com/platform/gitops/tree/main/apps/catalogue',
    );
    expect((await repository.readSnapshot()).commit).toBe(commit);
    expect(ghe.calls.map(c => c.path)).toEqual([
      '/repos/platform/gitops/commits/main',
      `/repos/platform/gitops/git/trees/${commit}?recursive=1`,
      '/graphql',
    ]);
    expect(github.count()).toBe(0);
  });

  it('refuses hosts without a GitHub integration', () => {
    const repositories = fromConfig([
      { host: 'ghe.example.com', token: 'x' }, // no apiBaseUrl
    ]);
    expect(
      repositories.handles('url:https://github.com/org/gitops/tree/main'),
    ).toBe(true);
    expect(
      repositories.handles('url:https://gitlab.com/org/gitops/tree/main'),
    ).toBe(false);
    expect(repositories.handles('gitops:apps/catalogue')).toBe(false);
    expect(() =>
      repositories.forLocation('https://gitlab.com/org/gitops/tree/main/apps'),
    ).toThrow(
      new InputError(
        'There is no GitHub integration for host gitlab.com; add it to integrations.github',
      ),
    );
    expect(() =>
      repositories.forLocation('https://ghe.example.com/org/gitops/tree/main'),
    ).toThrow(/ghe\.example\.com has no apiBaseUrl/);
    expect(() => repositories.forLocation('gitops:apps/catalogue')).toThrow(
      InputError,
    );
  });

  it('asks the credentials provider for a token on every fetch', async () => {
    github.tokens.add('first').add('second');
    github.commit('org/gitops', 'main', FILES);
    const tokens = ['first', 'second'];
    const credentialsProvider: GithubCredentialsProvider = {
      getCredentials: jest.fn(async () => ({
        type: 'app' as const,
        token: tokens.shift(),
      })),
    };
    const repositories = fromConfig([{ host: 'github.com' }], {
      credentialsProvider,
    });
    const { repository } = repositories.forLocation(
      'https://github.com/org/gitops/tree/main',
    );
    await repository.readSnapshot();
    now += 30_000;
    await repository.readSnapshot();
    expect(credentialsProvider.getCredentials).toHaveBeenCalledWith({
      url: 'https://github.com/org/gitops',
    });
    expect(github.calls.map(c => c.authorization)).toEqual([
      'token first',
      'token first',
      'token first',
      'token second',
    ]);
  });

  it('gets an installation token for a GitHub App integration', async () => {
    const { privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    github.installations.push({
      id: 42,
      login: 'org',
      token: 'fake-installation-token-42',
    });
    github.tokens.add('fake-installation-token-42');
    github.commit('org/gitops', 'main', FILES);
    const repositories = fromConfig([
      {
        host: 'github.com',
        apps: [
          { appId: 1, privateKey, clientId: 'Iv1.x', clientSecret: 'secret' },
        ],
      },
    ]);
    const { repository } = repositories.forLocation(
      'https://github.com/org/gitops/tree/main/apps/catalogue',
    );
    const snapshot = await repository.readSnapshot();
    expect(snapshot.files.size).toBe(2);
    expect(github.calls.map(c => `${c.method} ${c.path} ${c.status}`)).toEqual([
      'GET /app/installations 200',
      'POST /app/installations/42/access_tokens 201',
      'GET /repos/org/gitops/commits/main 200',
      expect.stringMatching(/^GET \/repos\/org\/gitops\/git\/trees\//),
      'POST /graphql 200',
    ]);
    expect(github.calls[0].authorization).toMatch(/^bearer ey/); // the app's JWT
    expect(github.calls.slice(2).map(c => c.authorization)).toEqual(
      Array(3).fill('token fake-installation-token-42'),
    );

    // The installation token is cached by the provider: a warm read is one conditional call.
    github.reset();
    now += 30_000;
    await repository.readSnapshot();
    expect(github.calls.map(c => `${c.path} ${c.status}`)).toEqual([
      '/repos/org/gitops/commits/main 304',
    ]);
  });

  it('times calls out', async () => {
    server.use(
      http.get(
        'https://api.github.com/repos/org/slow/commits/main',
        async () => {
          await delay('infinite');
          return new Response();
        },
      ),
    );
    const repositories = fromConfig([{ host: 'github.com', token: TOKEN }], {
      timeoutMs: 50,
    });
    const { repository } = repositories.forLocation(
      'https://github.com/org/slow/tree/main',
    );
    await expect(repository.readSnapshot()).rejects.toThrow(
      /github\.com\/org\/slow.*timeout/i,
    );
  });
});
