import { createHash } from 'node:crypto';
import { delay, http, HttpResponse } from 'msw';

/** A file of a fake commit: text, bytes, or a special tree entry. */
export type FakeFile =
  | string
  | Buffer
  | { symlink: string }
  | { submodule: string };

/** Who made a fake commit; `login` when the email belongs to a GitHub account. */
export type FakeActor = { name: string; email: string; login?: string };

type CommitInfo = {
  parents: string[];
  tree: string;
  message: string;
  /** ISO 8601. */
  date: string;
  author: FakeActor;
};

/** A pull request of the fake. */
export type FakePull = {
  number: number;
  title: string;
  body: string;
  head: string;
  headSha: string;
  base: string;
  baseSha: string;
  state: 'open' | 'closed';
  merged: boolean;
  mergeCommit?: string;
  mergedAt?: string;
};

type Repo = {
  branches: Map<string, string>;
  commits: Map<string, Record<string, FakeFile>>;
  info: Map<string, CommitInfo>;
  trees: Map<string, Record<string, FakeFile>>;
  pulls: FakePull[];
  /** Rules of `GET /rules/branches/{branch}`, by branch. */
  rules: Map<string, object[]>;
};

/**
 * A failure injected into the next call that matches `METHOD path` (path as in `FakeCall`):
 * an HTTP status, a network error, or an answer that never comes (for client timeouts). With
 * `after`, the call takes effect first, as when GitHub's answer is lost on the way back.
 */
export type FakeFault = { match: RegExp } & FakeFailure;

/** How an injected fault fails; see {@link FakeFault}. */
export type FakeFailure = { after?: boolean } & (
  | { status: number }
  | { network: true }
  | { hang: true }
);

/** The identity GitHub gives commits created through the API by an app. */
export const FAKE_APP_ACTOR: FakeActor = {
  name: 'stagecraft[bot]',
  email: '1234+stagecraft[bot]@users.noreply.github.com',
  login: 'stagecraft[bot]',
};

export type FakeCall = {
  method: string;
  /** Path after the API base URL, with query, e.g. `/repos/org/gitops/commits/main`. */
  path: string;
  /** 0 for an injected network error or hang. */
  status: number;
  authorization: string | null;
  /** For GraphQL: the number of blobs asked for. */
  blobs?: number;
  /** The JSON body of POST, PATCH and DELETE calls and GraphQL queries. */
  body?: any;
};

function gitSha(type: string, content: Buffer): string {
  return createHash('sha1')
    .update(`${type} ${content.length}\0`)
    .update(content)
    .digest('hex');
}

function contentOf(file: FakeFile): Buffer {
  if (typeof file === 'string') return Buffer.from(file, 'utf8');
  if (Buffer.isBuffer(file)) return file;
  if ('symlink' in file) return Buffer.from(file.symlink, 'utf8');
  return Buffer.from(file.submodule, 'utf8');
}

/**
 * GitHub's REST and GraphQL API, as far as `GithubRepository` uses it, with realistic response
 * shapes, played by msw. Counts every call.
 */
export class FakeGithub {
  readonly calls: FakeCall[] = [];
  private readonly repos = new Map<string, Repo>();
  private readonly blobs = new Map<string, Buffer>();
  private commitCounter = 0;
  private pullCounter = 0;
  private readonly faults: FakeFault[] = [];

  /** Answer every call with 403 and an exhausted rate limit, resetting at this epoch second. */
  rateLimitedUntil?: number;
  /** Only rate limit calls whose path matches. */
  rateLimitOnly?: RegExp;
  /** Answer GraphQL queries as GitHub does when its GraphQL rate limit is spent (200, errors). */
  graphqlRateLimitedUntil?: number;
  /** Mark tree listings truncated, as GitHub does past 100,000 entries or 7 MB. */
  truncateTrees = false;
  /** Changes every ETag, as a new token does on GitHub (ETags vary with Authorization). */
  etagSalt = '';
  /** Answer every call with this status (e.g. 502). */
  failWith?: number;
  /** Tokens accepted (`token x` or `bearer x`); none: any call is allowed. */
  readonly tokens = new Set<string>();
  /** GitHub App installations, for `GET /app/installations`. */
  readonly installations: Array<{ id: number; login: string; token: string }> =
    [];

  constructor(
    readonly apiBaseUrl = 'https://api.github.com',
    readonly graphqlUrl = 'https://api.github.com/graphql',
  ) {}

  /** Commits `files` (all of them) as the new head of `branch`; returns the commit SHA. */
  commit(
    fullName: string,
    branch: string,
    files: Record<string, FakeFile>,
    options: { message?: string; author?: FakeActor; date?: string } = {},
  ): string {
    let repo = this.repos.get(fullName.toLowerCase());
    if (!repo) {
      repo = {
        branches: new Map(),
        commits: new Map(),
        info: new Map(),
        trees: new Map(),
        pulls: [],
        rules: new Map(),
      };
      this.repos.set(fullName.toLowerCase(), repo);
    }
    const parent = repo.branches.get(branch);
    const sha = this.addCommit(repo, {
      parents: parent ? [parent] : [],
      tree: this.addTree(repo, files),
      message: options.message ?? `Commit ${this.commitCounter + 1}`,
      date: options.date ?? this.nextDate(),
      author: options.author ?? {
        name: 'Dev',
        email: 'dev@example.com',
        login: 'dev',
      },
    });
    repo.branches.set(branch, sha);
    return sha;
  }

  /** Fails the next call matching `fault.match`; see {@link FakeFault}. */
  inject(fault: FakeFault) {
    this.faults.push(fault);
  }

  /** The repository's branch names, sorted. */
  branches(fullName: string): string[] {
    return [...(this.repos.get(fullName.toLowerCase())?.branches.keys() ?? [])]
      .slice()
      .sort();
  }

  /** The commit a branch points at. */
  head(fullName: string, branch: string): string | undefined {
    return this.repos.get(fullName.toLowerCase())?.branches.get(branch);
  }

  /** The files of a commit, or of a branch's head. */
  files(fullName: string, ref: string): Record<string, FakeFile> | undefined {
    const repo = this.repos.get(fullName.toLowerCase());
    return repo?.commits.get(repo.branches.get(ref) ?? ref);
  }

  /** A commit's parents, message and author. */
  commitInfo(fullName: string, sha: string): CommitInfo | undefined {
    return this.repos.get(fullName.toLowerCase())?.info.get(sha);
  }

  pulls(fullName: string): FakePull[] {
    return this.repos.get(fullName.toLowerCase())?.pulls ?? [];
  }

  /** Sets what `GET /rules/branches/{branch}` answers for the branch. */
  setRules(fullName: string, branch: string, rules: object[]) {
    this.repos.get(fullName.toLowerCase())!.rules.set(branch, rules);
  }

  /** Squash-merges an open pull request into its base, as a reviewer would on GitHub. */
  mergePull(fullName: string, number: number): string {
    const repo = this.repos.get(fullName.toLowerCase())!;
    const pull = repo.pulls.find(p => p.number === number)!;
    const headFiles = repo.commits.get(pull.headSha)!;
    const parentFiles =
      repo.commits.get(repo.info.get(pull.headSha)!.parents[0]) ?? {};
    const files = { ...repo.commits.get(repo.branches.get(pull.base)!)! };
    for (const path of new Set([
      ...Object.keys(headFiles),
      ...Object.keys(parentFiles),
    ])) {
      if (!(path in headFiles)) delete files[path];
      else if (headFiles[path] !== parentFiles[path])
        files[path] = headFiles[path];
    }
    const sha = this.commit(fullName, pull.base, files, {
      message: `${pull.title} (#${number})`,
    });
    Object.assign(pull, {
      state: 'closed',
      merged: true,
      mergeCommit: sha,
      mergedAt: repo.info.get(sha)!.date,
    });
    return sha;
  }

  private nextDate(): string {
    return new Date(
      Date.parse('2026-01-01T00:00:00Z') + (this.commitCounter + 1) * 60_000,
    ).toISOString();
  }

  private addTree(repo: Repo, files: Record<string, FakeFile>): string {
    const hash = createHash('sha1').update('tree');
    for (const [path, file] of Object.entries(files).sort()) {
      hash.update(`\0${path}\0${gitSha('blob', contentOf(file))}`);
      const content = contentOf(file);
      this.blobs.set(gitSha('blob', content), content);
    }
    const sha = hash.digest('hex');
    repo.trees.set(sha, files);
    return sha;
  }

  private addCommit(repo: Repo, info: CommitInfo): string {
    this.commitCounter += 1;
    const sha = createHash('sha1')
      .update(`commit ${this.commitCounter} ${info.tree} ${info.parents}`)
      .update(info.message)
      .digest('hex');
    repo.commits.set(sha, repo.trees.get(info.tree)!);
    repo.info.set(sha, info);
    return sha;
  }

  private isAncestor(repo: Repo, ancestor: string, commit: string): boolean {
    const queue = [commit];
    const seen = new Set<string>();
    while (queue.length) {
      const sha = queue.shift()!;
      if (sha === ancestor) return true;
      if (seen.has(sha)) continue;
      seen.add(sha);
      queue.push(...(repo.info.get(sha)?.parents ?? []));
    }
    return false;
  }

  count(pattern?: RegExp): number {
    return this.calls.filter(c => !pattern || pattern.test(c.path)).length;
  }

  reset() {
    this.calls.length = 0;
  }

  handlers() {
    const base = this.apiBaseUrl;
    return [
      http.get(
        `${base}/repos/:owner/:repo/commits/:ref`,
        ({ request, params }) =>
          this.answer(request, () => {
            const repo = this.repo(params);
            // The path as sent: a ref with '/' arrives as one %2F-encoded segment.
            const sent = new URL(request.url).pathname.split('/').pop()!;
            params.ref = decodeURIComponent(sent);
            const sha =
              repo?.branches.get(String(params.ref)) ??
              (repo?.commits.has(String(params.ref))
                ? String(params.ref)
                : undefined);
            if (!repo) return notFound();
            if (!sha) {
              return HttpResponse.json(
                {
                  message: `No commit found for SHA: ${params.ref}`,
                  documentation_url:
                    'https://docs.github.com/rest/commits/commits#get-a-commit',
                  status: '422',
                },
                { status: 422 },
              );
            }
            const accept = request.headers.get('accept') ?? '';
            const etag = `"${createHash('sha256')
              .update(`${sha} ${accept} ${this.etagSalt}`)
              .digest('hex')}"`;
            if (request.headers.get('if-none-match') === etag) {
              return new HttpResponse(null, { status: 304, headers: { etag } });
            }
            if (!accept.includes('application/vnd.github.sha')) {
              return HttpResponse.json({ sha }, { headers: { etag } });
            }
            return new HttpResponse(sha, {
              headers: {
                'content-type': 'application/vnd.github.sha; charset=utf-8',
                etag,
                'x-ratelimit-limit': '5000',
                'x-ratelimit-remaining': '4999',
              },
            });
          }),
      ),
      http.get(
        `${base}/repos/:owner/:repo/git/trees/:sha`,
        ({ request, params }) =>
          this.answer(request, () => {
            const repo = this.repo(params);
            const files =
              repo?.commits.get(String(params.sha)) ??
              repo?.trees.get(String(params.sha));
            if (!files) return notFound();
            const recursive =
              new URL(request.url).searchParams.get('recursive') === '1';
            const tree: object[] = [];
            const folders = new Set<string>();
            for (const [path, file] of Object.entries(files).sort()) {
              const parts = path.split('/');
              for (let i = 1; i < parts.length; i++) {
                const folder = parts.slice(0, i).join('/');
                if (!folders.has(folder)) {
                  folders.add(folder);
                  tree.push({
                    path: folder,
                    mode: '040000',
                    type: 'tree',
                    sha: gitSha('tree', Buffer.from(folder)),
                    url: `${base}/repos/${params.owner}/${params.repo}/git/trees/x`,
                  });
                }
              }
              const content = contentOf(file);
              const sha = gitSha('blob', content);
              if (typeof file === 'object' && 'submodule' in file) {
                tree.push({ path, mode: '160000', type: 'commit', sha });
              } else {
                tree.push({
                  path,
                  mode:
                    typeof file === 'object' && 'symlink' in file
                      ? '120000'
                      : '100644',
                  type: 'blob',
                  sha,
                  size: content.length,
                  url: `${base}/repos/${params.owner}/${params.repo}/git/blobs/${sha}`,
                });
              }
            }
            // Asked by commit, GitHub answers with the commit's root tree.
            return HttpResponse.json({
              sha: repo?.info.get(String(params.sha))?.tree ?? params.sha,
              url: request.url,
              tree: recursive
                ? tree
                : tree.filter(t => !(t as { path: string }).path.includes('/')),
              truncated: this.truncateTrees,
            });
          }),
      ),
      http.post(this.graphqlUrl, ({ request }) =>
        this.answer(request, async () => {
          const body = (await request.json()) as {
            query: string;
            variables: { owner: string; name: string };
          };
          if (this.graphqlRateLimitedUntil !== undefined) {
            return HttpResponse.json(
              {
                errors: [
                  {
                    type: 'RATE_LIMITED',
                    code: 'graphql_rate_limit',
                    message: 'API rate limit already exceeded for user ID 1.',
                  },
                ],
              },
              {
                headers: {
                  'x-ratelimit-limit': '5000',
                  'x-ratelimit-remaining': '0',
                  'x-ratelimit-reset': String(this.graphqlRateLimitedUntil),
                  'x-ratelimit-resource': 'graphql',
                },
              },
            );
          }
          const repo = this.repos.get(
            `${body.variables.owner}/${body.variables.name}`.toLowerCase(),
          );
          if (!repo) {
            return HttpResponse.json({
              data: { repository: null },
              errors: [
                {
                  type: 'NOT_FOUND',
                  path: ['repository'],
                  locations: [{ line: 2, column: 3 }],
                  message: `Could not resolve to a Repository with the name '${body.variables.owner}/${body.variables.name}'.`,
                },
              ],
            });
          }
          if (/history\(path:|object\(expression:/.test(body.query)) {
            return HttpResponse.json({
              data: { repository: this.answerHistory(repo, body) },
            });
          }
          const repository: Record<string, object | null> = {};
          for (const [, alias, oid] of body.query.matchAll(
            /(\w+): object\(oid: "([0-9a-f]+)"\)/g,
          )) {
            const content = this.blobs.get(oid);
            const isBinary = content ? content.includes(0) : false;
            repository[alias] = content
              ? {
                  text: isBinary ? null : content.toString('utf8'),
                  isBinary,
                  byteSize: content.length,
                  isTruncated: false,
                }
              : null;
          }
          return HttpResponse.json({ data: { repository } });
        }),
      ),
      http.get(
        `${base}/repos/:owner/:repo/branches/:branch`,
        ({ request, params }) =>
          this.answer(request, () => {
            const repo = this.repo(params);
            const branch = lastSegment(request);
            const sha = repo?.branches.get(branch);
            if (!repo || !sha) {
              return HttpResponse.json(
                { message: 'Branch not found', status: '404' },
                { status: 404 },
              );
            }
            const info = repo.info.get(sha)!;
            return HttpResponse.json({
              name: branch,
              commit: {
                sha,
                html_url: this.htmlUrl(params, `commit/${sha}`),
                commit: {
                  message: info.message,
                  tree: { sha: info.tree },
                  author: { ...info.author, date: info.date },
                },
                parents: info.parents.map(p => ({ sha: p })),
              },
              protected: false,
            });
          }),
      ),
      http.post(`${base}/repos/:owner/:repo/git/trees`, ({ request, params }) =>
        this.answer(request, async () => {
          const repo = this.repo(params);
          if (!repo) return notFound();
          const body = (await request.json()) as {
            base_tree?: string;
            tree: Array<{
              path: string;
              mode: string;
              type: string;
              content?: string;
              sha?: string | null;
            }>;
          };
          const files: Record<string, FakeFile> = {};
          if (body.base_tree) {
            const baseFiles = repo.trees.get(body.base_tree);
            if (!baseFiles) {
              return unprocessable('base_tree is not a valid tree oid');
            }
            Object.assign(files, baseFiles);
          }
          for (const entry of body.tree) {
            if (entry.sha === null) {
              delete files[entry.path];
            } else if (typeof entry.content === 'string') {
              files[entry.path] = entry.content;
            } else {
              return unprocessable('tree.sha is not supported by the fake');
            }
          }
          const sha = this.addTree(repo, files);
          return HttpResponse.json(
            { sha, url: `${base}/x`, tree: [], truncated: false },
            { status: 201 },
          );
        }),
      ),
      http.post(
        `${base}/repos/:owner/:repo/git/commits`,
        ({ request, params }) =>
          this.answer(request, async () => {
            const repo = this.repo(params);
            if (!repo) return notFound();
            const body = (await request.json()) as {
              message: string;
              tree: string;
              parents: string[];
            };
            if (!repo.trees.has(body.tree)) {
              return unprocessable('Tree SHA does not exist');
            }
            if (body.parents.some(p => !repo.commits.has(p))) {
              return unprocessable(
                'Parent SHA does not exist or is not a commit object',
              );
            }
            const info: CommitInfo = {
              parents: body.parents,
              tree: body.tree,
              message: body.message,
              date: this.nextDate(),
              author: FAKE_APP_ACTOR,
            };
            const sha = this.addCommit(repo, info);
            const actor = {
              name: info.author.name,
              email: info.author.email,
              date: info.date,
            };
            return HttpResponse.json(
              {
                sha,
                url: `${base}/repos/${params.owner}/${params.repo}/git/commits/${sha}`,
                html_url: this.htmlUrl(params, `commit/${sha}`),
                author: actor,
                committer: actor,
                message: body.message,
                tree: { sha: body.tree },
                parents: body.parents.map(p => ({ sha: p })),
                verification: { verified: true, reason: 'valid' },
              },
              { status: 201 },
            );
          }),
      ),
      http.get(`${base}/repos/:owner/:repo/git/ref/*`, ({ request, params }) =>
        this.answer(request, () => {
          const repo = this.repo(params);
          const ref = refOf(request, '/git/ref/');
          const sha = repo?.branches.get(ref.replace(/^heads\//, ''));
          if (!sha || !ref.startsWith('heads/')) return notFound();
          return HttpResponse.json(refJson(ref, sha));
        }),
      ),
      http.post(`${base}/repos/:owner/:repo/git/refs`, ({ request, params }) =>
        this.answer(request, async () => {
          const repo = this.repo(params);
          if (!repo) return notFound();
          const body = (await request.json()) as { ref: string; sha: string };
          const branch = body.ref.match(/^refs\/heads\/(.+)$/)?.[1];
          if (!branch) return unprocessable('Reference name is not valid');
          if (repo.branches.has(branch)) {
            return unprocessable('Reference already exists');
          }
          if (!repo.commits.has(body.sha)) {
            return unprocessable('Object does not exist');
          }
          repo.branches.set(branch, body.sha);
          return HttpResponse.json(refJson(`heads/${branch}`, body.sha), {
            status: 201,
          });
        }),
      ),
      http.patch(
        `${base}/repos/:owner/:repo/git/refs/*`,
        ({ request, params }) =>
          this.answer(request, async () => {
            const repo = this.repo(params);
            if (!repo) return notFound();
            const body = (await request.json()) as {
              sha: string;
              force?: boolean;
            };
            const ref = refOf(request, '/git/refs/');
            const branch = ref.replace(/^heads\//, '');
            const current = repo.branches.get(branch);
            if (!current || !ref.startsWith('heads/')) {
              return unprocessable('Reference does not exist');
            }
            if (!repo.commits.has(body.sha)) {
              return unprocessable('Object does not exist');
            }
            if (!body.force && !this.isAncestor(repo, current, body.sha)) {
              return unprocessable('Update is not a fast forward');
            }
            repo.branches.set(branch, body.sha);
            return HttpResponse.json(refJson(ref, body.sha));
          }),
      ),
      http.delete(
        `${base}/repos/:owner/:repo/git/refs/*`,
        ({ request, params }) =>
          this.answer(request, () => {
            const repo = this.repo(params);
            if (!repo) return notFound();
            const ref = refOf(request, '/git/refs/');
            const branch = ref.replace(/^heads\//, '');
            if (!ref.startsWith('heads/') || !repo.branches.delete(branch)) {
              return unprocessable('Reference does not exist');
            }
            // As on GitHub: deleting a pull request's head branch closes it.
            for (const pull of repo.pulls) {
              if (pull.head === branch && pull.state === 'open') {
                pull.state = 'closed';
              }
            }
            return new HttpResponse(null, { status: 204 });
          }),
      ),
      http.post(`${base}/repos/:owner/:repo/pulls`, ({ request, params }) =>
        this.answer(request, async () => {
          const repo = this.repo(params);
          if (!repo) return notFound();
          const body = (await request.json()) as {
            title: string;
            body?: string;
            head: string;
            base: string;
          };
          const invalid = ['head', 'base'].filter(
            field =>
              !repo.branches.has(body[field as 'head' | 'base'] as string),
          );
          if (invalid.length) {
            return validationFailed(
              invalid.map(field => ({
                resource: 'PullRequest',
                field,
                code: 'invalid',
              })),
            );
          }
          if (
            repo.pulls.some(
              p =>
                p.head === body.head &&
                p.base === body.base &&
                p.state === 'open',
            )
          ) {
            return validationFailed([
              {
                resource: 'PullRequest',
                code: 'custom',
                message: `A pull request already exists for ${params.owner}:${body.head}.`,
              },
            ]);
          }
          this.pullCounter += 1;
          const pull: FakePull = {
            number: this.pullCounter,
            title: body.title,
            body: body.body ?? '',
            head: body.head,
            headSha: repo.branches.get(body.head)!,
            base: body.base,
            baseSha: repo.branches.get(body.base)!,
            state: 'open',
            merged: false,
          };
          repo.pulls.push(pull);
          return HttpResponse.json(this.pullJson(params, pull), {
            status: 201,
          });
        }),
      ),
      http.get(
        `${base}/repos/:owner/:repo/pulls/:number`,
        ({ request, params }) =>
          this.answer(request, () => {
            const pull = this.repo(params)?.pulls.find(
              p => String(p.number) === params.number,
            );
            if (!pull) return notFound();
            return HttpResponse.json(this.pullJson(params, pull));
          }),
      ),
      http.patch(
        `${base}/repos/:owner/:repo/pulls/:number`,
        ({ request, params }) =>
          this.answer(request, async () => {
            const pull = this.repo(params)?.pulls.find(
              p => String(p.number) === params.number,
            );
            if (!pull) return notFound();
            const body = (await request.json()) as { state?: string };
            if (body.state && pull.merged) {
              return validationFailed([
                {
                  resource: 'PullRequest',
                  code: 'custom',
                  message: 'Cannot change the state of a merged pull request.',
                },
              ]);
            }
            if (body.state === 'closed' || body.state === 'open') {
              pull.state = body.state;
            }
            return HttpResponse.json(this.pullJson(params, pull));
          }),
      ),
      http.get(
        `${base}/repos/:owner/:repo/rules/branches/:branch`,
        ({ request, params }) =>
          this.answer(request, () => {
            const repo = this.repo(params);
            if (!repo) return notFound();
            return HttpResponse.json(
              repo.rules.get(lastSegment(request)) ?? [],
            );
          }),
      ),
      http.get(`${base}/app/installations`, ({ request }) =>
        this.answer(request, () =>
          HttpResponse.json(
            this.installations.map(i => ({
              id: i.id,
              account: { login: i.login, id: i.id * 10, type: 'Organization' },
              repository_selection: 'all',
              app_id: 1,
              target_type: 'Organization',
              suspended_by: null,
            })),
          ),
        ),
      ),
      http.post(
        `${base}/app/installations/:id/access_tokens`,
        ({ request, params }) =>
          this.answer(request, () => {
            const installation = this.installations.find(
              i => String(i.id) === params.id,
            );
            if (!installation) return notFound();
            return HttpResponse.json(
              {
                token: installation.token,
                expires_at: new Date(Date.now() + 3600_000).toISOString(),
                permissions: { contents: 'read' },
                repository_selection: 'all',
              },
              { status: 201 },
            );
          }),
      ),
    ];
  }

  private repo(params: Record<string, unknown>): Repo | undefined {
    return this.repos.get(`${params.owner}/${params.repo}`.toLowerCase());
  }

  private htmlUrl(params: Record<string, unknown>, rest: string): string {
    const web = new URL(this.apiBaseUrl).origin.replace('//api.', '//');
    return `${web}/${params.owner}/${params.repo}/${rest}`;
  }

  private pullJson(params: Record<string, unknown>, pull: FakePull) {
    const repo = this.repo(params)!;
    return {
      number: pull.number,
      html_url: this.htmlUrl(params, `pull/${pull.number}`),
      state: pull.state,
      title: pull.title,
      body: pull.body,
      merged: pull.merged,
      // As on GitHub: an open pull request has a test merge commit.
      merge_commit_sha:
        pull.mergeCommit ??
        createHash('sha1').update(`test merge ${pull.number}`).digest('hex'),
      merged_at: pull.mergedAt ?? null,
      head: {
        ref: pull.head,
        sha: repo.branches.get(pull.head) ?? pull.headSha,
        label: `${params.owner}:${pull.head}`,
      },
      base: {
        ref: pull.base,
        sha: pull.baseSha,
        label: `${params.owner}:${pull.base}`,
      },
    };
  }

  /**
   * Answers the file history queries: `aliasN: history(path: $pN, first: $limit)` under
   * `object(expression: $ref)`, and `aliasN: object(expression: $eN)` for blobs.
   */
  private answerHistory(
    repo: Repo,
    body: { query: string; variables: Record<string, unknown> },
  ) {
    const vars = body.variables;
    const result: Record<string, unknown> = {};
    for (const [, alias, name] of body.query.matchAll(
      /(\w+): object\(expression: \$(\w+)\)/g,
    )) {
      const [rev, ...rest] = String(vars[name]).split(':');
      const file = repo.commits.get(repo.branches.get(rev) ?? rev)?.[
        rest.join(':')
      ];
      result[alias] =
        file === undefined
          ? null
          : { text: contentOf(file).toString('utf8'), isBinary: false };
    }
    const ref = body.query.match(/object\(expression: \$ref\)/)
      ? String(vars.ref)
      : undefined;
    if (ref === undefined) {
      return result;
    }
    const head = repo.branches.get(ref) ?? (repo.commits.has(ref) ? ref : '');
    if (!head) {
      return { object: null };
    }
    const object: Record<string, unknown> = { oid: head };
    for (const [, alias, name] of body.query.matchAll(
      /(\w+): history\(path: \$(\w+), first: \$limit\)/g,
    )) {
      const path = String(vars[name]);
      const nodes: object[] = [];
      for (
        let sha: string | undefined = head;
        sha && nodes.length < Number(vars.limit);
        sha = repo.info.get(sha)?.parents[0]
      ) {
        const info = repo.info.get(sha)!;
        const before = info.parents[0]
          ? repo.commits.get(info.parents[0])?.[path]
          : undefined;
        const after = repo.commits.get(sha)?.[path];
        const same =
          before === undefined || after === undefined
            ? before === after
            : contentOf(before).equals(contentOf(after));
        if (!same) {
          nodes.push({
            oid: sha,
            committedDate: info.date,
            authoredDate: info.date,
            messageHeadline: info.message.split('\n')[0],
            url: `https://github.com/x/y/commit/${sha}`,
            author: {
              name: info.author.name,
              email: info.author.email,
              user: info.author.login ? { login: info.author.login } : null,
            },
          });
        }
      }
      object[alias] = { nodes };
    }
    return { object };
  }

  private async answer(
    request: Request,
    respond: () => Response | Promise<Response>,
  ): Promise<Response> {
    const url = new URL(request.url);
    const path =
      request.url.slice(this.apiBaseUrl.length).split('#')[0] || url.pathname;
    const authorization = request.headers.get('authorization');
    const body =
      request.method === 'GET' || request.method === 'HEAD'
        ? undefined
        : await request
            .clone()
            .json()
            .catch(() => undefined);
    const record = (response: Response | undefined, blobs?: number) => {
      this.calls.push({
        method: request.method,
        path: request.url.startsWith(this.graphqlUrl) ? '/graphql' : path,
        status: !response || response.type === 'error' ? 0 : response.status,
        authorization,
        blobs,
        body,
      });
      return response!;
    };

    const isAppCall = url.pathname.includes('/app/installations');
    const token = authorization?.replace(/^(token|bearer) /i, '');
    if (
      !isAppCall &&
      this.tokens.size > 0 &&
      (!token || !this.tokens.has(token))
    ) {
      return record(
        HttpResponse.json(
          {
            message: 'Bad credentials',
            documentation_url: 'https://docs.github.com/rest',
            status: '401',
          },
          { status: 401 },
        ),
      );
    }
    if (
      this.rateLimitedUntil !== undefined &&
      (!this.rateLimitOnly || this.rateLimitOnly.test(request.url))
    ) {
      return record(
        HttpResponse.json(
          {
            message:
              'API rate limit exceeded for installation ID 1. If you reach out to GitHub Support for help, please include the request ID.',
            documentation_url:
              'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
            status: '403',
          },
          {
            status: 403,
            headers: {
              'x-ratelimit-limit': '5000',
              'x-ratelimit-remaining': '0',
              'x-ratelimit-used': '5000',
              'x-ratelimit-reset': String(this.rateLimitedUntil),
              'x-ratelimit-resource': 'core',
            },
          },
        ),
      );
    }
    if (this.failWith) {
      return record(
        HttpResponse.json(
          { message: 'Server Error' },
          { status: this.failWith },
        ),
      );
    }
    let blobs: number | undefined;
    if (request.url.startsWith(this.graphqlUrl)) {
      blobs = [...(body as { query: string }).query.matchAll(/object\(oid:/g)]
        .length;
    }
    const callPath = request.url.startsWith(this.graphqlUrl)
      ? '/graphql'
      : path;
    const faultIndex = this.faults.findIndex(f =>
      f.match.test(`${request.method} ${callPath}`),
    );
    if (faultIndex >= 0) {
      const [fault] = this.faults.splice(faultIndex, 1);
      if (fault.after) {
        await respond();
      }
      if ('hang' in fault) {
        record(undefined);
        await delay('infinite');
      }
      if ('network' in fault) {
        return record(HttpResponse.error());
      }
      return record(
        HttpResponse.json(
          { message: 'Server Error' },
          { status: (fault as { status: number }).status },
        ),
      );
    }
    return record(await respond(), blobs);
  }
}

/** The last path segment as sent (a name with '/' arrives %2F-encoded), decoded. */
function lastSegment(request: Request): string {
  return decodeURIComponent(new URL(request.url).pathname.split('/').pop()!);
}

/** The ref after `marker` (`/git/refs/`), e.g. `heads/promote/x`, whether or not '/' is encoded. */
function refOf(request: Request, marker: string): string {
  const pathname = new URL(request.url).pathname;
  return decodeURIComponent(
    pathname.slice(pathname.indexOf(marker) + marker.length),
  );
}

function refJson(ref: string, sha: string) {
  return {
    ref: `refs/${ref}`,
    node_id: 'REF_x',
    url: `https://api.github.com/x/git/refs/${ref}`,
    object: { type: 'commit', sha, url: 'https://api.github.com/x' },
  };
}

function unprocessable(message: string) {
  return HttpResponse.json(
    {
      message,
      documentation_url: 'https://docs.github.com/rest/git',
      status: '422',
    },
    { status: 422 },
  );
}

function validationFailed(errors: object[]) {
  return HttpResponse.json(
    {
      message: 'Validation Failed',
      errors,
      documentation_url: 'https://docs.github.com/rest/pulls/pulls',
      status: '422',
    },
    { status: 422 },
  );
}

function notFound() {
  return HttpResponse.json(
    {
      message: 'Not Found',
      documentation_url: 'https://docs.github.com/rest',
      status: '404',
    },
    { status: 404 },
  );
}
