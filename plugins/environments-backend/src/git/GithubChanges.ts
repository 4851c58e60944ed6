import { LoggerService } from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import type { Octokit } from '@octokit/rest';
import {
  ChangeAuthor,
  ChangeRequest,
  ChangeStatus,
  CommitRequest,
  FileHistoryCommit,
  GitRepositoryWriter,
  OpenedChange,
} from './types';
import { messageOf, readGithubFailure, statusOf } from './githubFailure';

/** Options of {@link GithubChanges}. */
export type GithubChangesOptions = {
  /** The client to call GitHub with; called once per operation (see `GithubRepositoryOptions`). */
  client: () => Promise<Octokit>;
  owner: string;
  repo: string;
  /** The branch that commits go onto and pull requests target. */
  branch: string;
  /** The repository's name in messages; default `owner/repo`. */
  name?: string;
  /** The branch's head commit as last read, if any: file history is cached per head commit. */
  knownHead?: () => string | undefined;
  /**
   * The branch's head and its root tree as GitHub confirmed them last, and when: a write planned
   * at that head within `confirmedBaseTtlMs` skips asking for the branch again.
   */
  confirmedBase?: () =>
    | { commit: string; tree: string; confirmedAt: number }
    | undefined;
  /** How long a confirmed head saves the branch call; default 5 s. */
  confirmedBaseTtlMs?: number;
  /** How long file history is cached while no head commit is known; default 30 s. */
  historyTtlMs?: number;
  logger?: LoggerService;
  /** Injectable clock, for tests. */
  now?: () => number;
};

type HistoryNode = {
  oid: string;
  committedDate: string;
  authoredDate?: string;
  messageHeadline: string;
  url?: string;
  author?: {
    name?: string | null;
    email?: string | null;
    user?: { login: string } | null;
  } | null;
};

type CachedHistory = {
  head?: string;
  at: number;
  result: Promise<FileHistoryCommit[]>;
};

/** At most this many file histories are kept. */
const MAX_CACHED_HISTORIES = 100;

/** GitHub's limit on `first` of a GraphQL connection. */
const MAX_HISTORY = 100;

const ERROR_NAMES = new Set([
  'ConflictError',
  'InputError',
  'NotAllowedError',
  'NotFoundError',
  'ServiceUnavailableError',
]);

/**
 * Writes to a GitHub repository's branch through the Git Data API, and reads its file history
 * through GraphQL.
 *
 * A commit costs 4 calls: the branch (its head must be the planned base, and gives the base
 * tree), a tree with the files' contents inline, the commit, and a fast-forward-only update of
 * the branch. A change costs 6: the same first 3, the new branch, the pull request, and the
 * branch's rules for the required approvals. When a step after the new branch fails, the branch
 * is deleted before the error is thrown (on GitHub this also closes a pull request that was
 * opened after all). Commits are made by the integration's identity, so the Backstage user is
 * named in a `Co-authored-by` trailer. File history costs 2 GraphQL queries, cached per head
 * commit of the branch.
 */
export class GithubChanges
  implements
    Omit<
      GitRepositoryWriter,
      'tracePromotion' | 'listChangeBranches' | 'readCommitMessage'
    >
{
  readonly canMerge = false;
  private readonly client: () => Promise<Octokit>;
  private readonly owner: string;
  private readonly repo: string;
  private readonly branch: string;
  private readonly name: string;
  private readonly knownHead: () => string | undefined;
  private readonly confirmedBase: NonNullable<
    GithubChangesOptions['confirmedBase']
  >;
  private readonly confirmedBaseTtlMs: number;
  private readonly historyTtlMs: number;
  private readonly logger?: LoggerService;
  private readonly now: () => number;
  private readonly histories = new Map<string, CachedHistory>();

  constructor(options: GithubChangesOptions) {
    this.client = options.client;
    this.owner = options.owner;
    this.repo = options.repo;
    this.branch = options.branch;
    this.name = options.name ?? `${options.owner}/${options.repo}`;
    this.knownHead = options.knownHead ?? (() => undefined);
    this.confirmedBase = options.confirmedBase ?? (() => undefined);
    this.confirmedBaseTtlMs = options.confirmedBaseTtlMs ?? 5_000;
    this.historyTtlMs = options.historyTtlMs ?? 30_000;
    this.logger = options.logger;
    this.now = options.now ?? Date.now;
  }

  async commit(
    request: CommitRequest,
  ): Promise<{ commit: string; url?: string }> {
    const octokit = await this.client();
    const commit = await this.createCommit(octokit, request);
    try {
      await octokit.git.updateRef({
        owner: this.owner,
        repo: this.repo,
        ref: `heads/${this.branch}`,
        sha: commit.sha,
        force: false,
      });
    } catch (error) {
      if (statusOf(error) === 422 && /fast.forward/i.test(errorText(error))) {
        throw this.moved(request.baseCommit);
      }
      const failure = this.toError('updateRef', error);
      // Without an answer (5xx, network, timeout) the branch may have moved all the same.
      if (!(isUnanswered(error) && (await this.isAt(octokit, commit.sha)))) {
        throw failure;
      }
    }
    this.histories.clear();
    return { commit: commit.sha, url: commit.url };
  }

  async openChange(request: ChangeRequest): Promise<OpenedChange> {
    checkBranchName(request.branch);
    if (request.branch === this.branch) {
      throw new InputError(
        `A change needs a branch of its own, not ${this.branch}`,
      );
    }
    const octokit = await this.client();
    const commit = await this.createCommit(octokit, request);
    await this.createBranch(octokit, request.branch, commit.sha);

    let pull;
    try {
      ({ data: pull } = await octokit.pulls.create({
        owner: this.owner,
        repo: this.repo,
        title: request.title,
        body: request.body,
        head: request.branch,
        base: this.branch,
      }));
    } catch (error) {
      throw await this.deleteAfterFailure(
        octokit,
        request.branch,
        this.toError('pulls.create', error),
      );
    }

    return {
      branch: request.branch,
      commit: commit.sha,
      commitUrl: commit.url,
      pullRequest: {
        number: pull.number,
        url: pull.html_url,
        requiredApprovals: await this.requiredApprovals(octokit),
      },
    };
  }

  async getChangeStatus(change: OpenedChange): Promise<ChangeStatus> {
    if (!change.pullRequest) {
      return { state: 'closed' };
    }
    const octokit = await this.client();
    const pull = await this.getPull(octokit, change.pullRequest.number);
    if (pull.merged || pull.merged_at) {
      return {
        state: 'merged',
        mergeCommit: pull.merge_commit_sha ?? undefined,
        mergedAt: pull.merged_at ?? undefined,
      };
    }
    return { state: pull.state === 'open' ? 'open' : 'closed' };
  }

  async closeChange(change: OpenedChange): Promise<void> {
    if (change.branch === this.branch) {
      throw new InputError(
        `Closing a change never deletes the repository's branch ${this.branch}`,
      );
    }
    const octokit = await this.client();
    if (change.pullRequest) {
      const pull = await this.getPull(octokit, change.pullRequest.number);
      if (pull.state === 'open') {
        try {
          await octokit.pulls.update({
            owner: this.owner,
            repo: this.repo,
            pull_number: pull.number,
            state: 'closed',
          });
        } catch (error) {
          // 422: merged or closed in the meantime.
          if (statusOf(error) !== 422) {
            throw this.toError('pulls.update', error);
          }
        }
      }
    }
    await this.deleteBranch(octokit, change.branch);
  }

  async mergeChange(
    change: OpenedChange,
    _options?: { message: string; author: ChangeAuthor },
  ): Promise<{ commit: string; url?: string }> {
    throw new NotAllowedError(
      `Changes to ${
        this.name
      } are not merged by Backstage: merge the pull request on GitHub${
        change.pullRequest ? ` (${change.pullRequest.url})` : ''
      }`,
    );
  }

  async readFileHistory(
    paths: string[],
    options: { limit: number },
  ): Promise<FileHistoryCommit[]> {
    const wanted = [...new Set(paths)];
    const limit = Math.min(Math.max(Math.floor(options.limit), 0), MAX_HISTORY);
    if (wanted.length === 0 || !(limit > 0)) {
      return [];
    }
    const head = this.knownHead();
    const now = this.now();
    const key = JSON.stringify([limit, wanted]);
    const cached = this.histories.get(key);
    if (
      cached &&
      cached.head === head &&
      (head !== undefined || now - cached.at < this.historyTtlMs)
    ) {
      return (await cached.result).slice();
    }

    const result = this.queryFileHistory(wanted, limit);
    this.histories.delete(key);
    this.histories.set(key, { head, at: now, result });
    if (this.histories.size > MAX_CACHED_HISTORIES) {
      this.histories.delete(this.histories.keys().next().value!);
    }
    result.catch(() => {
      if (this.histories.get(key)?.result === result) {
        this.histories.delete(key);
      }
    });
    return (await result).slice();
  }

  /**
   * Checks that the branch is still at `baseCommit` (unless GitHub confirmed it within the last
   * seconds), then creates the tree and the commit: 3 calls, or 2.
   */
  private async createCommit(
    octokit: Octokit,
    request: CommitRequest,
  ): Promise<{ sha: string; url?: string }> {
    checkFiles(request.files);
    const baseTree = await this.baseTree(octokit, request.baseCommit);
    const { data: tree } = await this.call('createTree', () =>
      octokit.git.createTree({
        owner: this.owner,
        repo: this.repo,
        base_tree: baseTree,
        tree: request.files.map(file => ({
          path: file.path,
          mode: '100644' as const,
          type: 'blob' as const,
          content: file.content,
        })),
      }),
    );
    const { data: commit } = await this.call('createCommit', () =>
      octokit.git.createCommit({
        owner: this.owner,
        repo: this.repo,
        message: withCoAuthor(request.message, request.author),
        tree: tree.sha,
        parents: [request.baseCommit],
      }),
    );
    return { sha: commit.sha, url: commit.html_url };
  }

  private async createBranch(
    octokit: Octokit,
    branch: string,
    sha: string,
  ): Promise<void> {
    try {
      await octokit.git.createRef({
        owner: this.owner,
        repo: this.repo,
        ref: `refs/heads/${branch}`,
        sha,
      });
    } catch (error) {
      if (statusOf(error) === 422 && /already exists/i.test(errorText(error))) {
        throw new ConflictError(
          `Branch ${branch} already exists in ${this.name}`,
        );
      }
      const failure = this.toError('createRef', error);
      // Without an answer (5xx, network, timeout) GitHub may have created the branch all the same.
      if (isUnanswered(error)) {
        throw await this.deleteAfterFailure(octokit, branch, failure, sha);
      }
      throw failure;
    }
  }

  /**
   * Deletes the branch of a change that failed (only if it points at `onlyAt`, when given), and
   * returns the failure to throw; says so in it when the branch could not be deleted.
   */
  private async deleteAfterFailure(
    octokit: Octokit,
    branch: string,
    failure: Error,
    onlyAt?: string,
  ): Promise<Error> {
    try {
      if (onlyAt) {
        let ref;
        try {
          ({ data: ref } = await octokit.git.getRef({
            owner: this.owner,
            repo: this.repo,
            ref: `heads/${branch}`,
          }));
        } catch (error) {
          if (statusOf(error) === 404) {
            return failure;
          }
          throw error;
        }
        if (ref.object.sha !== onlyAt) {
          return failure;
        }
      }
      await this.deleteBranch(octokit, branch);
    } catch (error) {
      const reason = this.toError('deleteRef', error).message;
      this.logger?.error(
        `Branch ${branch} of ${this.name} is left behind by a failed change; delete it by hand. ${reason}`,
      );
      failure.message = `${failure.message}; branch ${branch} could not be deleted and is left behind (${reason})`;
    }
    return failure;
  }

  /** Whether the repository's branch is at `sha`; false when that cannot be read. */
  private async isAt(octokit: Octokit, sha: string): Promise<boolean> {
    try {
      const { data } = await octokit.git.getRef({
        owner: this.owner,
        repo: this.repo,
        ref: `heads/${this.branch}`,
      });
      return data.object.sha === sha;
    } catch {
      return false;
    }
  }

  /** Deletes the branch; a branch that does not exist is not an error. */
  private async deleteBranch(octokit: Octokit, branch: string): Promise<void> {
    try {
      await octokit.git.deleteRef({
        owner: this.owner,
        repo: this.repo,
        ref: `heads/${branch}`,
      });
    } catch (error) {
      const status = statusOf(error);
      if (
        status === 404 ||
        (status === 422 && /does not exist/i.test(errorText(error)))
      ) {
        return;
      }
      throw this.toError('deleteRef', error);
    }
  }

  private async getPull(octokit: Octokit, number: number) {
    const { data } = await this.call('pulls.get', () =>
      octokit.pulls.get({
        owner: this.owner,
        repo: this.repo,
        pull_number: number,
      }),
    );
    return data;
  }

  /**
   * The approvals that the branch's rulesets require of a pull request (the largest), or
   * undefined when none does or they cannot be read. Classic branch protection is not visible
   * to this API.
   */
  private async requiredApprovals(
    octokit: Octokit,
  ): Promise<number | undefined> {
    try {
      const { data } = await octokit.request(
        'GET /repos/{owner}/{repo}/rules/branches/{branch}',
        {
          owner: this.owner,
          repo: this.repo,
          branch: this.branch,
          per_page: 100,
        },
      );
      const counts = (
        data as Array<{
          type?: string;
          parameters?: { required_approving_review_count?: number };
        }>
      )
        .filter(rule => rule.type === 'pull_request')
        .map(rule => rule.parameters?.required_approving_review_count ?? 0);
      return counts.length > 0 ? Math.max(...counts) : undefined;
    } catch (error) {
      const status = statusOf(error);
      if (status !== 403 && status !== 404) {
        this.logger?.warn(
          `Could not read the required approvals: ${
            this.toError('getBranchRules', error).message
          }`,
        );
      }
      return undefined;
    }
  }

  /** The root tree of `baseCommit`, once the branch is known to be there. */
  private async baseTree(octokit: Octokit, baseCommit: string) {
    const confirmed = this.confirmedBase();
    if (
      confirmed?.commit === baseCommit &&
      this.now() - confirmed.confirmedAt < this.confirmedBaseTtlMs
    ) {
      return confirmed.tree;
    }
    const { data: branch } = await this.call('getBranch', () =>
      octokit.repos.getBranch({
        owner: this.owner,
        repo: this.repo,
        branch: this.branch,
      }),
    );
    if (branch.commit.sha !== baseCommit) {
      throw this.moved(baseCommit, branch.commit.sha);
    }
    return branch.commit.commit.tree.sha;
  }

  /** One query for the commits that touched each path, one for the paths' contents at them. */
  private async queryFileHistory(
    paths: string[],
    limit: number,
  ): Promise<FileHistoryCommit[]> {
    const octokit = await this.client();
    const histories = paths
      .map(
        (_, i) =>
          `h${i}: history(path: $p${i}, first: $limit) { nodes { ...C } }`,
      )
      .join('\n        ');
    const data = await this.call('readFileHistory', () =>
      octokit.graphql<{
        repository: {
          object: ({ oid: string } & Record<string, unknown>) | null;
        } | null;
      }>(
        `query ($owner: String!, $name: String!, $ref: String!, $limit: Int!, ${paths
          .map((_, i) => `$p${i}: String!`)
          .join(', ')}) {
  repository(owner: $owner, name: $name) {
    object(expression: $ref) {
      ... on Commit {
        oid
        ${histories}
      }
    }
  }
}
fragment C on Commit {
  oid committedDate authoredDate messageHeadline url
  author { name email user { login } }
}`,
        {
          owner: this.owner,
          name: this.repo,
          ref: this.branch,
          limit,
          ...Object.fromEntries(paths.map((path, i) => [`p${i}`, path])),
        },
      ),
    );
    const object = this.found(data.repository)?.object;
    if (!object) {
      throw new NotFoundError(
        `GitHub repository ${this.name} has no branch ${this.branch}`,
      );
    }

    const byOid = new Map<string, HistoryNode>();
    paths.forEach((_, i) => {
      const history = object[`h${i}`] as { nodes?: HistoryNode[] } | undefined;
      for (const node of history?.nodes ?? []) {
        if (!byOid.has(node.oid)) {
          byOid.set(node.oid, node);
        }
      }
    });
    const commits = [...byOid.values()]
      .sort((a, b) => Date.parse(b.committedDate) - Date.parse(a.committedDate))
      .slice(0, limit);
    if (commits.length === 0) {
      return [];
    }

    const expressions = commits.flatMap(commit =>
      paths.map(path => `${commit.oid}:${path}`),
    );
    const blobs = await this.call('readFileHistory', () =>
      octokit.graphql<{
        repository: Record<
          string,
          { text?: string | null; isBinary?: boolean | null } | null
        > | null;
      }>(
        `query ($owner: String!, $name: String!, ${expressions
          .map((_, i) => `$e${i}: String!`)
          .join(', ')}) {
  repository(owner: $owner, name: $name) {
    ${expressions
      .map(
        (_, i) =>
          `b${i}: object(expression: $e${i}) { ... on Blob { text isBinary } }`,
      )
      .join('\n    ')}
  }
}`,
        {
          owner: this.owner,
          name: this.repo,
          ...Object.fromEntries(expressions.map((e, i) => [`e${i}`, e])),
        },
      ),
    );
    const repository = this.found(blobs.repository)!;

    return commits.map((commit, c) => {
      const files = new Map<string, string>();
      paths.forEach((path, p) => {
        const blob = repository[`b${c * paths.length + p}`];
        if (blob && !blob.isBinary && typeof blob.text === 'string') {
          files.set(path, blob.text);
        }
      });
      const author = commit.author ?? {};
      return {
        sha: commit.oid,
        author: {
          name: author.name || author.user?.login || 'unknown',
          email: author.email || undefined,
          login: author.user?.login,
        },
        date: commit.committedDate,
        message: commit.messageHeadline,
        url: commit.url,
        files,
      };
    });
  }

  private found<T>(repository: T | null): T {
    if (!repository) {
      throw new NotFoundError(
        `GitHub repository ${this.name} was not found by the GraphQL API`,
      );
    }
    return repository;
  }

  private moved(baseCommit: string, head?: string): ConflictError {
    return new ConflictError(
      `${
        this.branch
      } moved: re-plan (the change was planned at ${baseCommit.slice(0, 12)}${
        head
          ? `, ${this.branch} of ${this.name} is at ${head.slice(0, 12)}`
          : ''
      })`,
    );
  }

  private async call<T>(step: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw this.toError(step, error);
    }
  }

  /** A Backstage error for a failed call, naming the step; never with the request's credentials. */
  private toError(step: string, error: unknown): Error {
    if (error instanceof Error && ERROR_NAMES.has(error.name)) {
      return error;
    }
    const failure = readGithubFailure(error);
    const { status, graphqlErrors } = failure;
    // A RequestError's message is GitHub's, with its validation errors.
    const message =
      failure.errorMessage ?? failure.githubMessage ?? String(error);
    const what = `GitHub ${step} failed for ${this.name}`;

    if (failure.rateLimit) {
      const { retryAfterSeconds, resetAt } = failure.rateLimit;
      let when = '';
      if (retryAfterSeconds !== undefined) {
        when = `; retry after ${retryAfterSeconds} s`;
      } else if (resetAt) {
        when = `; it resets at ${resetAt.toISOString()}`;
      }
      return new ServiceUnavailableError(
        `${what}: GitHub's rate limit was reached${when}`,
      );
    }
    if (graphqlErrors.some(x => x?.type === 'NOT_FOUND')) {
      return new NotFoundError(`${what}: ${message}`);
    }
    if (graphqlErrors.length > 0) {
      return new Error(`${what}: ${message}`);
    }
    if (
      status === undefined ||
      (status === 500 && !(error as { response?: unknown }).response)
    ) {
      return new ServiceUnavailableError(`${what}: no answer (${message})`);
    }
    const detail = `${what}: ${status} ${message}`;
    if (status === 401) {
      return new Error(
        `${detail}; check the credentials in integrations.github`,
      );
    } else if (status === 403) {
      return new NotAllowedError(
        `${detail}; the credentials in integrations.github need write access to contents and pull requests`,
      );
    } else if (status === 404) {
      return new NotFoundError(
        `${detail} (or the credentials in integrations.github cannot see it)`,
      );
    } else if (status === 409) {
      return new ConflictError(detail);
    } else if (status === 422) {
      return /already exists|fast.forward|conflict/i.test(message)
        ? new ConflictError(detail)
        : new InputError(detail);
    } else if (status >= 500) {
      return new ServiceUnavailableError(detail);
    }
    return new Error(detail);
  }
}

/** The message with a `Co-authored-by` trailer naming the author, added to its trailers if it has any. */
export function withCoAuthor(message: string, author: ChangeAuthor): string {
  const name = author.name
    .replace(/[<>\r\n]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const email = author.email.replace(/[<>\s]/g, '');
  const text = message.replace(/\s+$/, '');
  if (!name || !email) {
    return text;
  }
  const trailer = `Co-authored-by: ${name} <${email}>`;
  const paragraphs = text.split(/\n[ \t]*\n/);
  const last = paragraphs[paragraphs.length - 1];
  if (last.split('\n').includes(trailer)) {
    return text;
  }
  const hasTrailers =
    paragraphs.length > 1 &&
    last.split('\n').every(line => /^[A-Za-z0-9-]+: \S/.test(line));
  return `${text}${hasTrailers ? '\n' : '\n\n'}${trailer}`;
}

function checkFiles(files: CommitRequest['files']) {
  if (files.length === 0) {
    throw new InputError('A commit needs at least one file');
  }
  const seen = new Set<string>();
  for (const { path } of files) {
    if (
      !path ||
      path.split('/').some(part => !part || part === '.' || part === '..') ||
      /[\0\\]/.test(path)
    ) {
      throw new InputError(`Invalid file path '${path}'`);
    }
    if (seen.has(path)) {
      throw new InputError(`File ${path} is in the commit twice`);
    }
    seen.add(path);
  }
}

/** The rules of `git check-ref-format` for a branch name. */
function checkBranchName(branch: string) {
  if (
    !branch ||
    branch === '@' ||
    /(^[-/.])|([/.]$)|\.lock$|\.\.|\/\/|\/\.|@\{|[ ~^:?*[\\]/.test(branch) ||
    [...branch].some(c => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f) ||
    /\.lock\//.test(branch)
  ) {
    throw new InputError(`Invalid branch name '${branch}'`);
  }
}

/** Whether a call failed without a definite answer, so it may have taken effect. */
function isUnanswered(error: unknown): boolean {
  const status = statusOf(error);
  return status === undefined || status >= 500;
}

/** GitHub's message of a failed call, with its validation errors. */
function errorText(error: unknown): string {
  const e = error as { message?: unknown; response?: { data?: unknown } };
  return `${messageOf(e?.response?.data) ?? ''} ${JSON.stringify(
    (e?.response?.data as { errors?: unknown } | undefined)?.errors ?? '',
  )} ${typeof e?.message === 'string' ? e.message : ''}`;
}
