import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { Octokit } from '@octokit/rest';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { FakeFailure, FakeFault, FakeGithub } from './__testUtils__/fakeGithub';
import { GithubChanges, withCoAuthor } from './GithubChanges';
import { GithubRepository } from './GithubRepository';
import { ChangeRequest, CommitRequest } from './types';

const TOKEN = 'fake-github-token-for-tests';
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const REPO = 'org/gitops';
const DEV = 'apps/catalogue/overlays/dev/kustomization.yaml';
const PROD = 'apps/catalogue/overlays/prod/kustomization.yaml';
const BRANCH = 'promote/catalogue/prod-1.4.0';
const JANE = { name: 'Jane Doe', email: 'jane@example.com' };
const GRAPHQL = /^\/graphql$/;

const overlay = (env: string, tag: string) =>
  `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: craftista-${env}\nimages:\n  - name: craftista/catalogue\n    newTag: "${tag}"\n`;

/** The steps of `openChange`, by the calls they make. */
const STEPS: Array<[step: string, match: RegExp]> = [
  ['getBranch', /^GET \/repos\/org\/gitops\/branches\//],
  ['createTree', /^POST \/repos\/org\/gitops\/git\/trees$/],
  ['createCommit', /^POST \/repos\/org\/gitops\/git\/commits$/],
  ['createRef', /^POST \/repos\/org\/gitops\/git\/refs$/],
  ['pulls.create', /^POST \/repos\/org\/gitops\/pulls$/],
];
const RULES = /^GET \/repos\/org\/gitops\/rules\/branches\//;

describe('GithubChanges', () => {
  let github: FakeGithub;
  let base: string;
  let now: number;

  function client(timeoutMs = 500) {
    return new Octokit({
      baseUrl: github.apiBaseUrl,
      auth: TOKEN,
      request: {
        fetch: (url: string, init: RequestInit) =>
          fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) }),
      },
    });
  }

  function changes(octokit = client()) {
    return new GithubChanges({
      client: async () => octokit,
      owner: 'org',
      repo: 'gitops',
      branch: 'main',
      name: 'github.com/org/gitops',
      now: () => now,
    });
  }

  const commitRequest = (overrides: Partial<CommitRequest> = {}) => ({
    baseCommit: base,
    files: [{ path: PROD, content: overlay('prod', '1.4.0') }],
    message: 'Promote catalogue 1.4.0 to prod\n\nFrom staging.',
    author: JANE,
    ...overrides,
  });

  const changeRequest = (
    overrides: Partial<ChangeRequest> = {},
  ): ChangeRequest => ({
    ...commitRequest(),
    branch: BRANCH,
    title: 'Promote catalogue 1.4.0 to prod',
    body: 'Promotes **catalogue** `1.4.0` from staging to prod.',
    ...overrides,
  });

  const calls = () =>
    github.calls.map(c => `${c.method} ${c.path} ${c.status}`);

  beforeEach(() => {
    now = Date.parse('2026-11-22T20:00:00Z');
    github = new FakeGithub();
    github.tokens.add(TOKEN);
    server.use(...github.handlers());
    base = github.commit(REPO, 'main', {
      'README.md': '# GitOps\n',
      [DEV]: overlay('dev', '1.4.0'),
      [PROD]: overlay('prod', '1.3.0'),
    });
  });

  describe('commit', () => {
    it('commits onto the branch with 4 calls: an inline tree on the base tree, a commit with a Co-authored-by trailer, a fast-forward', async () => {
      const result = await changes().commit(commitRequest());

      const head = github.head(REPO, 'main')!;
      expect(calls()).toEqual([
        'GET /repos/org/gitops/branches/main 200',
        'POST /repos/org/gitops/git/trees 201',
        'POST /repos/org/gitops/git/commits 201',
        'PATCH /repos/org/gitops/git/refs/heads%2Fmain 200',
      ]);
      expect(
        github.calls.every(c => c.authorization === `token ${TOKEN}`),
      ).toBe(true);
      expect(github.calls[1].body).toEqual({
        base_tree: github.commitInfo(REPO, base)!.tree,
        tree: [
          {
            path: PROD,
            mode: '100644',
            type: 'blob',
            content: overlay('prod', '1.4.0'),
          },
        ],
      });
      expect(github.calls[2].body).toMatchObject({
        message:
          'Promote catalogue 1.4.0 to prod\n\nFrom staging.\n\nCo-authored-by: Jane Doe <jane@example.com>',
        parents: [base],
      });
      expect(github.calls[3].body).toEqual({ sha: head, force: false });

      expect(result).toEqual({
        commit: head,
        url: `https://github.com/org/gitops/commit/${head}`,
      });
      expect(github.commitInfo(REPO, head)!.parents).toEqual([base]);
      expect(github.files(REPO, 'main')).toEqual({
        'README.md': '# GitOps\n',
        [DEV]: overlay('dev', '1.4.0'),
        [PROD]: overlay('prod', '1.4.0'),
      });
    });

    it('fails with ConflictError, before creating anything, when the branch moved since the plan', async () => {
      const moved = github.commit(REPO, 'main', {
        ...github.files(REPO, 'main'),
        'README.md': '# Moved\n',
      });
      const error = await changes()
        .commit(commitRequest())
        .catch(e => e);
      expect(error).toBeInstanceOf(ConflictError);
      expect(error.message).toMatch(/^main moved: re-plan/);
      expect(calls()).toEqual(['GET /repos/org/gitops/branches/main 200']);
      expect(github.head(REPO, 'main')).toBe(moved);
    });

    it('fails with ConflictError when the branch moves during the commit (not a fast forward)', async () => {
      const octokit = client();
      let moved = '';
      octokit.hook.before('request', options => {
        if (options.method === 'PATCH') {
          moved = github.commit(REPO, 'main', {
            ...github.files(REPO, 'main'),
            'README.md': '# Moved meanwhile\n',
          });
        }
      });
      const error = await changes(octokit)
        .commit(commitRequest())
        .catch(e => e);
      expect(error).toBeInstanceOf(ConflictError);
      expect(error.message).toMatch(/^main moved: re-plan/);
      expect(github.calls.map(c => c.status)).toEqual([200, 201, 201, 422]);
      expect(github.head(REPO, 'main')).toBe(moved);
    });

    it('reports a 5xx of the branch update, unless the branch was updated all the same', async () => {
      github.inject({ match: /^PATCH /, status: 502 });
      const error = await changes()
        .commit(commitRequest())
        .catch(e => e);
      expect(error).toBeInstanceOf(ServiceUnavailableError);
      expect(error.message).toBe(
        'GitHub updateRef failed for github.com/org/gitops: 502 Server Error',
      );
      expect(github.head(REPO, 'main')).toBe(base);

      github.reset();
      github.inject({ match: /^PATCH /, status: 502, after: true });
      const result = await changes().commit(commitRequest());
      expect(result.commit).toBe(github.head(REPO, 'main'));
      expect(result.commit).not.toBe(base);
      expect(calls().slice(3)).toEqual([
        'PATCH /repos/org/gitops/git/refs/heads%2Fmain 502',
        'GET /repos/org/gitops/git/ref/heads%2Fmain 200',
      ]);
    });

    it('rejects invalid requests before calling GitHub', async () => {
      for (const files of [
        [],
        [{ path: '../etc/passwd', content: 'x' }],
        [{ path: 'apps//a.yaml', content: 'x' }],
        [
          { path: PROD, content: 'a' },
          { path: PROD, content: 'b' },
        ],
      ]) {
        await expect(
          changes().commit(commitRequest({ files })),
        ).rejects.toThrow(InputError);
      }
      await expect(
        changes().openChange(changeRequest({ branch: 'bad..name' })),
      ).rejects.toThrow(InputError);
      await expect(
        changes().openChange(changeRequest({ branch: 'main' })),
      ).rejects.toThrow(InputError);
      expect(github.calls).toEqual([]);
    });
  });

  describe('withCoAuthor', () => {
    it('adds the trailer after a blank line, or to the trailers the message has', () => {
      expect(withCoAuthor('Subject\n', JANE)).toBe(
        'Subject\n\nCo-authored-by: Jane Doe <jane@example.com>',
      );
      expect(
        withCoAuthor('Subject\n\nBody.\n\nSigned-off-by: A <a@x.org>\n', JANE),
      ).toBe(
        'Subject\n\nBody.\n\nSigned-off-by: A <a@x.org>\nCo-authored-by: Jane Doe <jane@example.com>',
      );
      const once = withCoAuthor('Subject', JANE);
      expect(withCoAuthor(once, JANE)).toBe(once);
      expect(
        withCoAuthor('Subject', { name: 'Eve\n<x>', email: '<eve@x.org> ' }),
      ).toBe('Subject\n\nCo-authored-by: Eve x <eve@x.org>');
    });
  });

  describe('openChange', () => {
    it('opens a pull request with 6 calls, with the approvals the rulesets require', async () => {
      github.setRules(REPO, 'main', [
        { type: 'deletion', ruleset_id: 1 },
        {
          type: 'pull_request',
          ruleset_id: 2,
          parameters: { required_approving_review_count: 1 },
        },
        {
          type: 'pull_request',
          ruleset_id: 3,
          parameters: { required_approving_review_count: 2 },
        },
      ]);
      const change = await changes().openChange(changeRequest());

      expect(calls()).toEqual([
        'GET /repos/org/gitops/branches/main 200',
        'POST /repos/org/gitops/git/trees 201',
        'POST /repos/org/gitops/git/commits 201',
        'POST /repos/org/gitops/git/refs 201',
        'POST /repos/org/gitops/pulls 201',
        'GET /repos/org/gitops/rules/branches/main?per_page=100 200',
      ]);
      expect(github.count()).toBeLessThanOrEqual(6);
      const commit = github.head(REPO, BRANCH)!;
      expect(change).toEqual({
        branch: BRANCH,
        commit,
        commitUrl: `https://github.com/org/gitops/commit/${commit}`,
        pullRequest: {
          number: 1,
          url: 'https://github.com/org/gitops/pull/1',
          requiredApprovals: 2,
        },
      });
      expect(github.calls[1].body.base_tree).toBe(
        github.commitInfo(REPO, base)!.tree,
      );
      expect(github.calls[1].body.tree).toEqual([
        expect.objectContaining({
          path: PROD,
          content: overlay('prod', '1.4.0'),
        }),
      ]);
      expect(github.calls[2].body.message).toMatch(
        /\n\nCo-authored-by: Jane Doe <jane@example\.com>$/,
      );
      expect(github.calls[3].body).toEqual({
        ref: `refs/heads/${BRANCH}`,
        sha: commit,
      });
      expect(github.pulls(REPO)).toEqual([
        expect.objectContaining({
          title: 'Promote catalogue 1.4.0 to prod',
          body: 'Promotes **catalogue** `1.4.0` from staging to prod.',
          head: BRANCH,
          base: 'main',
          state: 'open',
        }),
      ]);
      expect(github.commitInfo(REPO, commit)!.parents).toEqual([base]);
      expect(github.head(REPO, 'main')).toBe(base);
      expect(github.files(REPO, BRANCH)![PROD]).toBe(overlay('prod', '1.4.0'));
    });

    it('leaves requiredApprovals undefined without a pull request rule, or when the rules cannot be read', async () => {
      const first = await changes().openChange(changeRequest());
      expect(first.pullRequest).toEqual({
        number: 1,
        url: expect.any(String),
        requiredApprovals: undefined,
      });

      for (const [i, status] of [403, 404].entries()) {
        github.inject({ match: RULES, status });
        const change = await changes().openChange(
          changeRequest({ branch: `${BRANCH}-${i}` }),
        );
        expect(change.pullRequest!.requiredApprovals).toBeUndefined();
        expect(github.calls[github.calls.length - 1].status).toBe(status);
      }
    });

    it('fails with ConflictError, leaving nothing behind, when the branch moved since the plan', async () => {
      github.commit(REPO, 'main', {
        ...github.files(REPO, 'main'),
        'README.md': '# Moved\n',
      });
      const error = await changes()
        .openChange(changeRequest())
        .catch(e => e);
      expect(error).toBeInstanceOf(ConflictError);
      expect(error.message).toMatch(/^main moved: re-plan/);
      expect(github.count()).toBe(1);
      expect(github.branches(REPO)).toEqual(['main']);
      expect(github.pulls(REPO)).toEqual([]);
    });

    it('fails with ConflictError when the branch exists, and keeps that branch', async () => {
      const theirs = github.commit(REPO, BRANCH, { 'x.yaml': 'x: 1\n' });
      const error = await changes()
        .openChange(changeRequest())
        .catch(e => e);
      expect(error).toBeInstanceOf(ConflictError);
      expect(error.message).toContain(`Branch ${BRANCH} already exists`);
      expect(github.head(REPO, BRANCH)).toBe(theirs);
      expect(github.pulls(REPO)).toEqual([]);
      expect(github.count(/\/git\/refs\//)).toBe(0);
    });

    it('fails, deleting its branch, when a pull request already exists for the branch', async () => {
      server.use(
        http.post(`${github.apiBaseUrl}/repos/:owner/:repo/pulls`, () =>
          HttpResponse.json(
            {
              message: 'Validation Failed',
              errors: [
                {
                  resource: 'PullRequest',
                  code: 'custom',
                  message: `A pull request already exists for org:${BRANCH}.`,
                },
              ],
            },
            { status: 422 },
          ),
        ),
      );
      const error = await changes()
        .openChange(changeRequest())
        .catch(e => e);
      expect(error).toBeInstanceOf(ConflictError);
      expect(error.message).toContain('GitHub pulls.create failed');
      expect(error.message).toContain('A pull request already exists');
      expect(github.branches(REPO)).toEqual(['main']);
    });

    describe('leaves no branch behind when a step fails', () => {
      const faults: Array<[kind: string, fault: FakeFailure]> = [
        ['a 502', { status: 502 }],
        ['a network error', { network: true }],
        ['a timeout', { hang: true }],
        ['a 502 after the call took effect', { status: 502, after: true }],
        ['a timeout after the call took effect', { hang: true, after: true }],
      ];

      it.each(
        STEPS.flatMap(([step, match]) =>
          faults.map(([kind, fault]) => [step, kind, { ...fault, match }]),
        ) as Array<[string, string, FakeFault]>,
      )('%s: %s', async (step, _kind, fault) => {
        github.inject(fault);
        const error = await changes(client(200))
          .openChange(changeRequest())
          .catch(e => e);
        expect(error).toBeInstanceOf(ServiceUnavailableError);
        expect(error.message).toContain(
          `GitHub ${step} failed for github.com/org/gitops: `,
        );
        expect(error.message).not.toContain('left behind');
        expect(github.branches(REPO)).toEqual(['main']);
        expect(github.head(REPO, 'main')).toBe(base);
        expect(github.pulls(REPO).filter(p => p.state === 'open')).toEqual([]);
      });

      it.each(faults)(
        'the rules: %s does not fail the change',
        async (_kind, fault) => {
          github.setRules(REPO, 'main', [
            {
              type: 'pull_request',
              parameters: { required_approving_review_count: 2 },
            },
          ]);
          github.inject({ ...fault, match: RULES });
          const change = await changes(client(200)).openChange(changeRequest());
          expect(change.pullRequest).toMatchObject({
            number: 1,
            requiredApprovals: undefined,
          });
          expect(github.branches(REPO)).toEqual(['main', BRANCH]);
        },
      );
    });

    it('keeps a branch created by someone else when creating it failed without an answer', async () => {
      // GitHub created no branch; the same name appeared meanwhile, at another commit.
      github.inject({ match: STEPS[3][1], status: 502 });
      const octokit = client();
      let theirs = '';
      octokit.hook.after('request', (_response, options) => {
        if (options.url.includes('/git/commits') && !theirs) {
          theirs = github.commit(REPO, BRANCH, { 'x.yaml': 'x: 1\n' });
        }
      });
      await expect(
        changes(octokit).openChange(changeRequest()),
      ).rejects.toThrow(ServiceUnavailableError);
      expect(github.head(REPO, BRANCH)).toBe(theirs);
    });

    it('says so when the branch of a failed change cannot be deleted', async () => {
      github.inject({ match: STEPS[4][1], status: 502 });
      github.inject({ match: /^DELETE /, status: 503 });
      const error = await changes()
        .openChange(changeRequest())
        .catch(e => e);
      expect(error.message).toMatch(
        new RegExp(
          `^GitHub pulls.create failed .*: 502 Server Error; branch ${BRANCH} could not be deleted and is left behind \\(GitHub deleteRef failed .*: 503`,
        ),
      );
      expect(github.branches(REPO)).toEqual(['main', BRANCH]);
    });

    it('maps 403 to NotAllowedError and 401 to a clear error, never with the token', async () => {
      github.inject({ match: STEPS[1][1], status: 403 });
      await expect(changes().openChange(changeRequest())).rejects.toThrow(
        NotAllowedError,
      );

      const wrong = new Octokit({
        baseUrl: github.apiBaseUrl,
        auth: 'fake-wrong-token-that-must-not-leak',
      });
      const error = await changes(wrong)
        .openChange(changeRequest())
        .catch(e => e);
      expect(error.message).toBe(
        'GitHub getBranch failed for github.com/org/gitops: 401 Bad credentials; check the credentials in integrations.github',
      );
      expect(
        `${error.message} ${error.stack} ${JSON.stringify(error)}`,
      ).not.toContain('fake-wrong-token-that-must-not-leak');
    });
  });

  describe('getChangeStatus', () => {
    it('tells open, merged and closed apart with one call', async () => {
      const writer = changes();
      const change = await writer.openChange(changeRequest());
      github.reset();

      expect(await writer.getChangeStatus(change)).toEqual({ state: 'open' });
      expect(calls()).toEqual(['GET /repos/org/gitops/pulls/1 200']);

      const merge = github.mergePull(REPO, 1);
      expect(await writer.getChangeStatus(change)).toEqual({
        state: 'merged',
        mergeCommit: merge,
        mergedAt: github.commitInfo(REPO, merge)!.date,
      });
      expect(github.files(REPO, 'main')![PROD]).toBe(overlay('prod', '1.4.0'));

      const other = await writer.openChange(
        changeRequest({ baseCommit: merge, branch: `${BRANCH}-2` }),
      );
      github.pulls(REPO)[1].state = 'closed';
      expect(await writer.getChangeStatus(other)).toEqual({ state: 'closed' });

      github.reset();
      expect(
        await writer.getChangeStatus({ branch: BRANCH, commit: base }),
      ).toEqual({ state: 'closed' });
      expect(github.calls).toEqual([]);
    });

    it('throws NotFoundError for an unknown pull request', async () => {
      await expect(
        changes().getChangeStatus({
          branch: BRANCH,
          commit: base,
          pullRequest: { number: 42, url: 'x' },
        }),
      ).rejects.toThrow(NotFoundError);
    });
  });

  describe('closeChange', () => {
    it('closes the pull request and deletes the branch; closing again does nothing', async () => {
      const writer = changes();
      const change = await writer.openChange(changeRequest());
      github.reset();

      await writer.closeChange(change);
      expect(calls()).toEqual([
        'GET /repos/org/gitops/pulls/1 200',
        'PATCH /repos/org/gitops/pulls/1 200',
        `DELETE /repos/org/gitops/git/refs/heads%2F${encodeURIComponent(
          BRANCH,
        )} 204`,
      ]);
      expect(github.calls[1].body).toEqual({ state: 'closed' });
      expect(github.pulls(REPO)[0].state).toBe('closed');
      expect(github.branches(REPO)).toEqual(['main']);
      expect(await writer.getChangeStatus(change)).toEqual({ state: 'closed' });

      github.reset();
      await writer.closeChange(change);
      expect(github.calls.map(c => `${c.method} ${c.status}`)).toEqual([
        'GET 200',
        'DELETE 422',
      ]);
    });

    it('does not reopen or close a merged pull request, and deletes its branch', async () => {
      const writer = changes();
      const change = await writer.openChange(changeRequest());
      github.mergePull(REPO, 1);
      github.reset();
      await writer.closeChange(change);
      expect(github.calls.map(c => c.method)).toEqual(['GET', 'DELETE']);
      expect(github.branches(REPO)).toEqual(['main']);
      expect((await writer.getChangeStatus(change)).state).toBe('merged');
    });

    it('never deletes the repository’s branch', async () => {
      await expect(
        changes().closeChange({ branch: 'main', commit: base }),
      ).rejects.toThrow(InputError);
      expect(github.branches(REPO)).toEqual(['main']);
    });
  });

  it('cannot merge: changes are merged on GitHub', async () => {
    const writer = changes();
    expect(writer.canMerge).toBe(false);
    const change = await writer.openChange(changeRequest());
    github.reset();
    const error = await writer
      .mergeChange(change, { message: 'Merge', author: JANE })
      .catch(e => e);
    expect(error).toBeInstanceOf(NotAllowedError);
    expect(error.message).toContain(
      'merge the pull request on GitHub (https://github.com/org/gitops/pull/1)',
    );
    expect(github.calls).toEqual([]);
  });

  describe('readFileHistory', () => {
    let c1: string;
    let c3: string;
    let c4: string;

    beforeEach(() => {
      github = new FakeGithub();
      github.tokens.add(TOKEN);
      server.use(...github.handlers());
      c1 = github.commit(
        REPO,
        'main',
        { 'README.md': 'a\n', [DEV]: overlay('dev', '1.0.0') },
        {
          message: 'Add dev\n\nBody.',
          author: { name: 'Ann', email: 'ann@example.com', login: 'ann' },
          date: '2026-03-01T10:00:00Z',
        },
      );
      github.commit(
        REPO,
        'main',
        { 'README.md': 'b\n', [DEV]: overlay('dev', '1.0.0') },
        { date: '2026-03-02T10:00:00Z' },
      );
      c3 = github.commit(
        REPO,
        'main',
        {
          'README.md': 'b\n',
          [DEV]: overlay('dev', '1.1.0'),
          [PROD]: overlay('prod', '1.0.0'),
        },
        {
          message: 'Promote catalogue 1.1.0 to dev',
          author: { name: 'Bob', email: 'bob@example.com' },
          date: '2026-03-03T10:00:00Z',
        },
      );
      c4 = github.commit(
        REPO,
        'main',
        {
          'README.md': 'b\n',
          [DEV]: overlay('dev', '1.1.0'),
          [PROD]: overlay('prod', '1.1.0'),
        },
        {
          message: 'Promote catalogue 1.1.0 to prod',
          date: '2026-03-04T10:00:00Z',
        },
      );
    });

    it('reads the newest commits that touched the paths, with their contents, in 2 queries', async () => {
      const history = await changes().readFileHistory([DEV, PROD], {
        limit: 10,
      });
      expect(github.calls.map(c => c.path)).toEqual(['/graphql', '/graphql']);
      expect(history.map(h => h.sha)).toEqual([c4, c3, c1]);
      expect(history[0].files).toEqual(
        new Map([
          [DEV, overlay('dev', '1.1.0')],
          [PROD, overlay('prod', '1.1.0')],
        ]),
      );
      expect(history[2]).toEqual({
        sha: c1,
        author: { name: 'Ann', email: 'ann@example.com', login: 'ann' },
        date: '2026-03-01T10:00:00Z',
        message: 'Add dev',
        url: `https://github.com/x/y/commit/${c1}`,
        // PROD did not exist yet.
        files: new Map([[DEV, overlay('dev', '1.0.0')]]),
      });
      expect(history[1].author).toEqual({
        name: 'Bob',
        email: 'bob@example.com',
        login: undefined,
      });

      // The paths go in as variables; the second query asks for commits × paths.
      const [first, second] = github.calls.map(c => c.body);
      expect(first.variables).toMatchObject({ ref: 'main', p0: DEV, p1: PROD });
      expect(
        Object.keys(second.variables).filter(k => /^e\d+$/.test(k)),
      ).toHaveLength(6);
      expect(second.variables.e0).toBe(`${c4}:${DEV}`);
    });

    it('cuts to the limit', async () => {
      const history = await changes().readFileHistory([DEV, PROD], {
        limit: 2,
      });
      expect(history.map(h => h.sha)).toEqual([c4, c3]);
      expect(github.calls[1].body.variables).not.toHaveProperty('e4');
    });

    it('costs nothing the second time, until the time to live passes while no head commit is known', async () => {
      const writer = changes();
      const first = await writer.readFileHistory([PROD], { limit: 5 });
      expect(github.count(GRAPHQL)).toBe(2);
      github.reset();

      expect(await writer.readFileHistory([PROD], { limit: 5 })).toEqual(first);
      expect(github.calls).toEqual([]);

      await writer.readFileHistory([PROD], { limit: 4 });
      expect(github.count(GRAPHQL)).toBe(2);

      github.reset();
      now += 30_000;
      await writer.readFileHistory([PROD], { limit: 5 });
      expect(github.count(GRAPHQL)).toBe(2);
    });

    it('makes 1 query when no commit touched the paths', async () => {
      expect(
        await changes().readFileHistory(['nope.yaml'], { limit: 5 }),
      ).toEqual([]);
      expect(github.count()).toBe(1);
      expect(await changes().readFileHistory([], { limit: 5 })).toEqual([]);
      expect(github.count()).toBe(1);
    });

    it('throws NotFoundError for an unknown repository or branch', async () => {
      const writer = new GithubChanges({
        client: async () => client(),
        owner: 'org',
        repo: 'gitops',
        branch: 'release',
      });
      await expect(writer.readFileHistory([DEV], { limit: 5 })).rejects.toThrow(
        NotFoundError,
      );
      const missing = new GithubChanges({
        client: async () => client(),
        owner: 'org',
        repo: 'nope',
        branch: 'main',
      });
      await expect(
        missing.readFileHistory([DEV], { limit: 5 }),
      ).rejects.toThrow(NotFoundError);
    });
  });
});

describe('GithubRepository as a GitRepositoryWriter', () => {
  it('delegates to GithubChanges, cannot merge, and caches history per snapshot commit', async () => {
    let now = Date.parse('2026-11-22T20:00:00Z');
    const github = new FakeGithub();
    server.use(...github.handlers());
    const base = github.commit(REPO, 'main', { [PROD]: overlay('prod', '1') });
    const repository = new GithubRepository({
      host: 'github.com',
      owner: 'org',
      repo: 'gitops',
      ref: 'main',
      octokit: new Octokit({ baseUrl: github.apiBaseUrl }),
      now: () => now,
    });
    expect(repository.canMerge).toBe(false);
    await repository.readSnapshot();

    const history = await repository.readFileHistory([PROD], { limit: 5 });
    expect(history.map(h => h.sha)).toEqual([base]);
    github.reset();
    now += 3600_000;
    // The snapshot's commit is unchanged (no refresh): still cached, however late.
    await repository.readFileHistory([PROD], { limit: 5 });
    expect(github.calls).toEqual([]);

    const { commit } = await repository.commit({
      baseCommit: base,
      files: [{ path: PROD, content: overlay('prod', '2') }],
      message: 'Promote',
      author: JANE,
    });
    expect(github.head(REPO, 'main')).toBe(commit);
    // A commit of its own clears the cache, though the snapshot is not refreshed.
    github.reset();
    const after = await repository.readFileHistory([PROD], { limit: 5 });
    expect(after.map(h => h.sha)).toEqual([commit, base]);
    expect(github.count(GRAPHQL)).toBe(2);

    // Someone else's commit counts once the snapshot has it.
    const theirs = github.commit(REPO, 'main', {
      [PROD]: overlay('prod', 't'),
    });
    github.reset();
    await repository.readFileHistory([PROD], { limit: 5 });
    expect(github.calls).toEqual([]);
    await repository.readSnapshot({ refresh: true });
    github.reset();
    const latest = await repository.readFileHistory([PROD], { limit: 5 });
    expect(latest.map(h => h.sha)).toEqual([theirs, commit, base]);
    expect(github.count(GRAPHQL)).toBe(2);

    const change = await repository.openChange({
      baseCommit: theirs,
      files: [{ path: PROD, content: overlay('prod', '3') }],
      message: 'Promote 3',
      author: JANE,
      branch: 'promote-3',
      title: 'Promote 3',
      body: '',
    });
    expect(await repository.getChangeStatus(change)).toEqual({ state: 'open' });
    await repository.closeChange(change);
    expect(github.branches(REPO)).toEqual(['main']);
    await expect(
      repository.mergeChange(change, { message: 'x', author: JANE }),
    ).rejects.toThrow(NotAllowedError);
  });
});

describe('GithubRepository writes on a head GitHub just confirmed', () => {
  it('skips asking for the branch within 5 seconds of confirming it, and asks after', async () => {
    let now = Date.parse('2026-11-22T20:00:00Z');
    const github = new FakeGithub();
    server.use(...github.handlers());
    const base = github.commit(REPO, 'main', { [PROD]: overlay('prod', '1') });
    const repository = new GithubRepository({
      host: 'github.com',
      owner: 'org',
      repo: 'gitops',
      ref: 'main',
      octokit: new Octokit({ baseUrl: github.apiBaseUrl }),
      now: () => now,
    });
    await repository.readSnapshot({ refresh: true });
    github.reset();

    const first = await repository.openChange({
      baseCommit: base,
      files: [{ path: PROD, content: overlay('prod', '2') }],
      message: 'Promote 2',
      author: JANE,
      branch: 'promote-2',
      title: 'Promote 2',
      body: '',
    });
    expect(github.count(/\/branches\/main$/)).toBe(0);
    expect(github.calls.length).toBe(5);
    expect(github.files(REPO, first.commit)?.[PROD]).toBe(overlay('prod', '2'));

    // Someone moves main; a write planned at the old head, 6 s after the confirmation, asks.
    github.commit(REPO, 'main', { [PROD]: overlay('prod', 'x') });
    now += 6_000;
    github.reset();
    await expect(
      repository.openChange({
        baseCommit: base,
        files: [{ path: PROD, content: overlay('prod', '3') }],
        message: 'Promote 3',
        author: JANE,
        branch: 'promote-3',
        title: 'Promote 3',
        body: '',
      }),
    ).rejects.toThrow(ConflictError);
    expect(github.count(/\/branches\/main$/)).toBe(1);
    expect(github.branches(REPO).sort()).toEqual(['main', 'promote-2']);
  });
});
