import { ServiceUnavailableError } from '@backstage/errors';
import { Octokit } from '@octokit/rest';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { GithubPromotionTraces } from './GithubPromotionTraces';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const api = 'https://api.github.com/repos/acme/gitops';
const id = '11111111-2222-4333-8444-555555555555';
const branch = `stagecraft/promote/catalogue-staging-${id.slice(0, 8)}`;
const sha = (c: string) => c.repeat(40);

function traces() {
  return new GithubPromotionTraces({
    client: async () => new Octokit({ auth: 'fake-token-for-tests' }),
    owner: 'acme',
    repo: 'gitops',
    branch: 'main',
    name: 'github.com/acme/gitops',
  });
}

/** A commit of GET /repos/{owner}/{repo}/commits, as GitHub answers (the fields we read, and more). */
function listedCommit(c: string, message: string) {
  return {
    sha: sha(c),
    node_id: 'C_x',
    html_url: `https://github.com/acme/gitops/commit/${sha(c)}`,
    commit: {
      message,
      author: {
        name: 'Jane',
        email: 'jane@example.com',
        date: '2026-12-04T10:00:00Z',
      },
      committer: {
        name: 'GitHub',
        email: 'noreply@github.com',
        date: '2026-12-04T10:00:00Z',
      },
      tree: { sha: sha('t') },
    },
    parents: [{ sha: sha('p') }],
  };
}

describe('GithubPromotionTraces', () => {
  it('finds the branch, its pull request and the commit carrying the trailer', async () => {
    const asked: string[] = [];
    server.use(
      http.get(`${api}/git/ref/*`, ({ request }) => {
        asked.push(decodeURIComponent(new URL(request.url).pathname));
        return HttpResponse.json({
          ref: `refs/heads/${branch}`,
          object: { sha: sha('b'), type: 'commit' },
        });
      }),
      http.get(`${api}/pulls`, ({ request }) => {
        const url = new URL(request.url);
        asked.push(
          `pulls?head=${url.searchParams.get(
            'head',
          )}&state=${url.searchParams.get('state')}`,
        );
        return HttpResponse.json([
          {
            number: 42,
            state: 'closed',
            merged_at: '2026-12-04T10:05:00Z',
            html_url: 'https://github.com/acme/gitops/pull/42',
          },
        ]);
      }),
      http.get(`${api}/commits`, ({ request }) => {
        const url = new URL(request.url);
        asked.push(
          `commits?sha=${url.searchParams.get(
            'sha',
          )}&since=${url.searchParams.get('since')}`,
        );
        return HttpResponse.json([
          listedCommit('a', `Note:\n> Stagecraft-Promotion: ${id}`),
          listedCommit(
            'c',
            `Promote\n\nStagecraft-Promotion: ${id}\nStagecraft-To: staging`,
          ),
        ]);
      }),
    );

    const trace = await traces().trace(id, {
      branch,
      since: '2026-12-04T09:00:00.000Z',
    });

    expect(trace).toEqual({
      branch: { commit: sha('b') },
      pullRequest: {
        number: 42,
        url: 'https://github.com/acme/gitops/pull/42',
        state: 'merged',
      },
      committed: {
        commit: sha('c'),
        url: `https://github.com/acme/gitops/commit/${sha('c')}`,
      },
    });
    expect(asked).toEqual([
      `/repos/acme/gitops/git/ref/heads/${branch}`,
      `pulls?head=acme:${branch}&state=all`,
      'commits?sha=main&since=2026-12-04T09:00:00.000Z',
    ]);
  });

  it('says nothing is there when GitHub answers 404 and no commit carries the trailer', async () => {
    server.use(
      http.get(`${api}/git/ref/*`, () =>
        HttpResponse.json({ message: 'Not Found' }, { status: 404 }),
      ),
      http.get(`${api}/pulls`, () => HttpResponse.json([])),
      http.get(`${api}/commits`, () =>
        HttpResponse.json([listedCommit('a', 'unrelated')]),
      ),
    );
    await expect(
      traces().trace(id, { branch, since: '2026-12-04T09:00:00.000Z' }),
    ).resolves.toEqual({});
  });

  it('fails, rather than saying "nothing", when GitHub cannot answer', async () => {
    server.use(
      http.get(`${api}/git/ref/*`, () =>
        HttpResponse.json({ message: 'Server Error' }, { status: 502 }),
      ),
    );
    const error = await traces()
      .trace(id, { branch, since: '2026-12-04T09:00:00.000Z' })
      .catch(e => e);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).toMatch(
      /git.getRef failed for github.com\/acme\/gitops: 502/,
    );
  });

  it('lists the stagecraft branches and reads a commit message', async () => {
    server.use(
      http.get(`${api}/git/matching-refs/*`, () =>
        HttpResponse.json([
          {
            ref: `refs/heads/${branch}`,
            node_id: 'R_x',
            url: `${api}/git/refs/heads/${branch}`,
            object: { sha: sha('b'), type: 'commit', url: '' },
          },
        ]),
      ),
      http.get(`${api}/git/commits/:sha`, ({ params }) =>
        HttpResponse.json({
          sha: params.sha,
          message: `Promote\n\nStagecraft-Promotion: ${id}`,
          parents: [{ sha: sha('p'), url: '', html_url: '' }],
        }),
      ),
    );
    await expect(traces().listChangeBranches()).resolves.toEqual([
      { branch, commit: sha('b') },
    ]);
    await expect(traces().readCommitMessage(sha('b'))).resolves.toEqual({
      message: `Promote\n\nStagecraft-Promotion: ${id}`,
      parents: [sha('p')],
    });
  });
});
