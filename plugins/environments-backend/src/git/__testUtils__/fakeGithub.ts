import { createHash } from 'node:crypto';
import { http, HttpResponse } from 'msw';

/** A file of a fake commit: text, bytes, or a special tree entry. */
export type FakeFile =
  | string
  | Buffer
  | { symlink: string }
  | { submodule: string };

type Repo = {
  branches: Map<string, string>;
  commits: Map<string, Record<string, FakeFile>>;
};

export type FakeCall = {
  method: string;
  /** Path after the API base URL, with query, e.g. `/repos/org/gitops/commits/main`. */
  path: string;
  status: number;
  authorization: string | null;
  /** For GraphQL: the number of blobs asked for. */
  blobs?: number;
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

  /** Commits `files` as the new head of `branch`; returns the commit SHA. */
  commit(
    fullName: string,
    branch: string,
    files: Record<string, FakeFile>,
  ): string {
    let repo = this.repos.get(fullName.toLowerCase());
    if (!repo) {
      repo = { branches: new Map(), commits: new Map() };
      this.repos.set(fullName.toLowerCase(), repo);
    }
    this.commitCounter += 1;
    const sha = createHash('sha1')
      .update(`commit ${this.commitCounter} ${fullName} ${branch}`)
      .digest('hex');
    repo.commits.set(sha, files);
    repo.branches.set(branch, sha);
    for (const file of Object.values(files)) {
      const content = contentOf(file);
      this.blobs.set(gitSha('blob', content), content);
    }
    return sha;
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
            const files = repo?.commits.get(String(params.sha));
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
            return HttpResponse.json({
              sha: params.sha,
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

  private async answer(
    request: Request,
    respond: () => Response | Promise<Response>,
  ): Promise<Response> {
    const url = new URL(request.url);
    const path =
      request.url.slice(this.apiBaseUrl.length).split('#')[0] || url.pathname;
    const authorization = request.headers.get('authorization');
    const record = (response: Response, blobs?: number) => {
      this.calls.push({
        method: request.method,
        path: request.url.startsWith(this.graphqlUrl) ? '/graphql' : path,
        status: response.status,
        authorization,
        blobs,
      });
      return response;
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
      const body = (await request.clone().json()) as { query: string };
      blobs = [...body.query.matchAll(/object\(oid:/g)].length;
    }
    return record(await respond(), blobs);
  }
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
