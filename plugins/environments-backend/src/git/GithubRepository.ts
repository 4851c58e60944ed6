import { LoggerService } from '@backstage/backend-plugin-api';
import { NotFoundError, ServiceUnavailableError } from '@backstage/errors';
import type { Octokit } from '@octokit/rest';
import { GithubChanges } from './GithubChanges';
import { GithubPromotionTraces } from './GithubPromotionTraces';
import { readGithubFailure, statusOf } from './githubFailure';
import {
  ChangeAuthor,
  ChangeBranch,
  ChangeRequest,
  ChangeStatus,
  CommitRequest,
  FileHistoryCommit,
  GitRepository,
  GitRepositoryWriter,
  OpenedChange,
  PromotionTrace,
  RepositorySnapshot,
} from './types';

/** @public */
export type GithubRepositoryOptions = {
  /** The web host: `github.com` or a GitHub Enterprise host. */
  host: string;
  owner: string;
  repo: string;
  /** The branch (or tag, or commit SHA) to read. */
  ref: string;
  /**
   * The client to call GitHub with. A function is called once per fetch, so that short-lived
   * tokens (GitHub Apps') are fetched afresh; see `GithubRepositories`.
   */
  octokit: Octokit | (() => Promise<Octokit>);
  /** Minimum time between two fetches; default 30 s. */
  refreshIntervalMs?: number;
  /** Files larger than this are left out of snapshots; default 1 MiB. */
  maxFileSize?: number;
  /**
   * At most this many blobs per GraphQL query; default 500. A cold read of a repository with more
   * text files (or more than `maxBytesPerQuery`) costs one more call per further query.
   */
  maxBlobsPerQuery?: number;
  /** At most this many bytes of blobs (by the tree's sizes) per GraphQL query; default 4 MiB. */
  maxBytesPerQuery?: number;
  logger?: LoggerService;
  /** Injectable clock, for tests. */
  now?: () => number;
};

/** Extensions of files that are never text, so never worth asking GitHub for. */
const BINARY_EXTENSIONS = new Set(
  (
    'png jpg jpeg gif bmp ico webp tif tiff psd ' +
    'zip gz tgz bz2 xz zst 7z rar tar jar war ear whl ' +
    'pdf doc docx xls xlsx ppt pptx ' +
    'woff woff2 ttf otf eot ' +
    'mp3 mp4 mov avi webm ogg wav flac ' +
    'exe dll so dylib bin class o a pyc wasm ' +
    'der p12 pfx jks keystore'
  ).split(' '),
);

const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

type TreeEntry = {
  path: string;
  mode: string;
  type: 'blob' | 'tree' | 'commit';
  sha: string;
  size?: number;
};

type BlobResult = {
  text?: string | null;
  isBinary?: boolean | null;
  byteSize?: number;
  isTruncated?: boolean;
} | null;

type Failure = {
  /** Why the fetch failed, for `staleReason` and the log. */
  reason: string;
  /** What a reader gets when there is no snapshot to fall back to. */
  error: Error;
  /** No call before this time (a rate limit's reset). */
  retryAt?: number;
};

/**
 * A repository read through GitHub's API, for one ref.
 *
 * A cold read costs 3 calls: the ref's commit (conditional, with the ETag of the last answer),
 * the commit's recursive tree, and the text blobs in one GraphQL query (more queries only for
 * repositories with over `maxBlobsPerQuery` text files or `maxBytesPerQuery` bytes). A read
 * whose ref is unchanged costs one call answered `304 Not Modified`, which GitHub does not count
 * against the rate limit; a new commit costs a tree and one query for the blobs that changed.
 * Fetches are at most one per refresh interval and shared by concurrent readers. When a fetch
 * fails after a good read (rate limit, 5xx, network), the last snapshot is served with
 * `staleReason`; after a rate limit, GitHub is not called again before the limit resets.
 *
 * Writes (to the ref, which must then be a branch) go through {@link GithubChanges}: changes
 * are pull requests, merged on GitHub, so `canMerge` is false.
 *
 * @public
 */
export class GithubRepository implements GitRepository, GitRepositoryWriter {
  /** `host/owner/repo`. */
  readonly name: string;
  readonly ref: string;
  readonly canMerge = false;
  private readonly owner: string;
  private readonly repo: string;
  private readonly client: () => Promise<Octokit>;
  private readonly refreshIntervalMs: number;
  private readonly maxFileSize: number;
  private readonly maxBlobsPerQuery: number;
  private readonly maxBytesPerQuery: number;
  private readonly logger?: LoggerService;
  private readonly now: () => number;

  private snapshot?: RepositorySnapshot;
  /** The root tree of the snapshot's commit, which writes on top of it start from. */
  private snapshotTree?: { commit: string; tree: string };
  /** When GitHub last confirmed that the snapshot is the ref's newest commit. */
  private confirmedAt = 0;
  private etag?: string;
  /** Blob SHAs of the current snapshot that were found binary, so they are not asked for again. */
  private binaryBlobs = new Map<string, string>();
  private blobs = new Map<string, Buffer>();

  private attempted = false;
  private lastFetchAt = 0;
  private retryAt = 0;
  private staleReason?: string;
  private lastError?: Error;
  private fetching?: Promise<void>;
  private readonly changes: GithubChanges;
  private readonly traces: GithubPromotionTraces;

  constructor(options: GithubRepositoryOptions) {
    this.owner = options.owner;
    this.repo = options.repo;
    this.ref = options.ref;
    this.name = `${options.host}/${options.owner}/${options.repo}`;
    const octokit = options.octokit;
    this.client = typeof octokit === 'function' ? octokit : async () => octokit;
    this.refreshIntervalMs = options.refreshIntervalMs ?? 30_000;
    this.maxFileSize = options.maxFileSize ?? 1024 * 1024;
    this.maxBlobsPerQuery = options.maxBlobsPerQuery ?? 500;
    this.maxBytesPerQuery = options.maxBytesPerQuery ?? 4 * 1024 * 1024;
    this.logger = options.logger;
    this.now = options.now ?? Date.now;
    this.changes = new GithubChanges({
      client: this.client,
      owner: this.owner,
      repo: this.repo,
      branch: this.ref,
      name: this.name,
      knownHead: () => this.snapshot?.commit,
      confirmedBase: () =>
        this.snapshotTree?.commit === this.snapshot?.commit && this.snapshotTree
          ? { ...this.snapshotTree, confirmedAt: this.confirmedAt }
          : undefined,
      historyTtlMs: this.refreshIntervalMs,
      logger: this.logger,
      now: this.now,
    });
    this.traces = new GithubPromotionTraces({
      client: this.client,
      owner: this.owner,
      repo: this.repo,
      branch: this.ref,
      name: this.name,
    });
  }

  tracePromotion(
    promotionId: string,
    options: { branch?: string; since: string },
  ): Promise<PromotionTrace> {
    return this.traces.trace(promotionId, options);
  }

  listChangeBranches(): Promise<ChangeBranch[]> {
    return this.traces.listChangeBranches();
  }

  readCommitMessage(
    sha: string,
  ): Promise<{ message: string; parents: string[] }> {
    return this.traces.readCommitMessage(sha);
  }

  commit(request: CommitRequest): Promise<{ commit: string; url?: string }> {
    return this.changes.commit(request);
  }

  openChange(request: ChangeRequest): Promise<OpenedChange> {
    return this.changes.openChange(request);
  }

  getChangeStatus(change: OpenedChange): Promise<ChangeStatus> {
    return this.changes.getChangeStatus(change);
  }

  closeChange(change: OpenedChange): Promise<void> {
    return this.changes.closeChange(change);
  }

  mergeChange(
    change: OpenedChange,
    options: { message: string; author: ChangeAuthor },
  ): Promise<{ commit: string; url?: string }> {
    return this.changes.mergeChange(change, options);
  }

  readFileHistory(
    paths: string[],
    options: { limit: number },
  ): Promise<FileHistoryCommit[]> {
    return this.changes.readFileHistory(paths, options);
  }

  async readSnapshot(options?: {
    refresh?: boolean;
  }): Promise<RepositorySnapshot> {
    await this.fetchIfDue(options?.refresh ?? false);
    if (!this.snapshot) {
      throw (
        this.lastError ??
        new Error(`GitHub repository ${this.name} has not been read`)
      );
    }
    return { ...this.snapshot, staleReason: this.staleReason };
  }

  private async fetchIfDue(force: boolean): Promise<void> {
    if (!this.fetching) {
      const now = this.now();
      const due =
        !this.attempted ||
        force ||
        now - this.lastFetchAt >= this.refreshIntervalMs;
      if (!due || now < this.retryAt) {
        return;
      }
      this.fetching = this.fetch().finally(() => {
        this.fetching = undefined;
      });
    }
    await this.fetching;
  }

  private async fetch(): Promise<void> {
    try {
      const octokit = await this.client();
      const resolved = await this.resolveCommit(octokit);
      if (resolved && resolved.commit !== this.snapshot?.commit) {
        this.snapshot = await this.readCommit(octokit, resolved.commit);
      }
      this.confirmedAt = this.now();
      // Only now: an ETag stored before the commit was read would make the next refresh answer
      // 304 while the snapshot still holds the previous commit.
      if (resolved) {
        this.etag = resolved.etag;
      }
      this.staleReason = undefined;
      this.lastError = undefined;
      this.retryAt = 0;
    } catch (error) {
      const failure = this.describeFailure(error);
      this.retryAt = failure.retryAt ?? 0;
      if (this.snapshot) {
        this.staleReason = `${
          failure.reason
        }; showing commit ${this.snapshot.commit.slice(
          0,
          12,
        )}, current as of ${new Date(this.confirmedAt).toISOString()}`;
        this.logger?.warn(this.staleReason);
      } else {
        this.lastError = failure.error;
        this.logger?.warn(failure.reason);
      }
    } finally {
      this.attempted = true;
      this.lastFetchAt = this.now();
    }
  }

  /** The ref's commit, or undefined when GitHub answered 304 (the snapshot is current). */
  private async resolveCommit(
    octokit: Octokit,
  ): Promise<{ commit: string; etag?: string } | undefined> {
    const headers: Record<string, string> = {
      accept: 'application/vnd.github.sha',
    };
    if (this.snapshot && this.etag) {
      headers['if-none-match'] = this.etag;
    }
    let response;
    try {
      response = await octokit.request(
        'GET /repos/{owner}/{repo}/commits/{ref}',
        { owner: this.owner, repo: this.repo, ref: this.ref, headers },
      );
    } catch (error) {
      if (statusOf(error) === 304 && this.snapshot) {
        return undefined;
      }
      throw error;
    }
    const data: unknown = response.data;
    const commit = (
      typeof data === 'string'
        ? data
        : Buffer.from(data as ArrayBuffer).toString('utf8')
    ).trim();
    if (!SHA.test(commit)) {
      throw new Error(
        `GitHub answered no commit SHA for ref '${this.ref}' of ${this.name}`,
      );
    }
    return { commit, etag: response.headers.etag };
  }

  private async readCommit(
    octokit: Octokit,
    commit: string,
  ): Promise<RepositorySnapshot> {
    const { data: tree } = await octokit.request(
      'GET /repos/{owner}/{repo}/git/trees/{tree_sha}',
      {
        owner: this.owner,
        repo: this.repo,
        tree_sha: commit,
        recursive: '1',
      },
    );

    this.snapshotTree = { commit, tree: tree.sha };
    const skipped: RepositorySnapshot['skipped'] = [];
    if (tree.truncated) {
      skipped.push({
        path: '',
        reason:
          'GitHub truncated the tree listing (over 100,000 entries or 7 MB): files beyond it are missing',
      });
      this.logger?.warn(
        `GitHub truncated the tree of ${this.name} at ${commit}; some files are missing`,
      );
    }

    const wanted: TreeEntry[] = [];
    const binaryBlobs = new Map<string, string>();
    for (const entry of tree.tree as TreeEntry[]) {
      const base = entry.path.slice(entry.path.lastIndexOf('/') + 1);
      const extension = base.includes('.')
        ? base.slice(base.lastIndexOf('.') + 1).toLowerCase()
        : '';
      if (entry.type === 'tree') {
        continue;
      } else if (entry.type === 'commit') {
        skipped.push({ path: entry.path, reason: 'a submodule' });
      } else if (entry.type !== 'blob') {
        skipped.push({ path: entry.path, reason: `a ${entry.type}` });
      } else if (entry.mode === '120000') {
        skipped.push({ path: entry.path, reason: 'a symbolic link' });
      } else if ((entry.size ?? 0) > this.maxFileSize) {
        skipped.push({
          path: entry.path,
          reason: `larger than ${this.maxFileSize} bytes`,
        });
      } else if (BINARY_EXTENSIONS.has(extension)) {
        skipped.push({ path: entry.path, reason: 'a binary file' });
      } else if (this.binaryBlobs.has(entry.sha)) {
        const reason = this.binaryBlobs.get(entry.sha)!;
        skipped.push({ path: entry.path, reason });
        binaryBlobs.set(entry.sha, reason);
      } else if (!SHA.test(entry.sha)) {
        skipped.push({ path: entry.path, reason: 'an invalid blob SHA' });
      } else {
        wanted.push(entry);
      }
    }

    // Blobs of the previous snapshot are reused: a new commit costs only the blobs that changed.
    const missing = [
      ...new Map(
        wanted
          .filter(entry => !this.blobs.has(entry.sha))
          .map(entry => [entry.sha, entry.size ?? 0]),
      ),
    ];
    const fetched = await this.readBlobs(octokit, missing);

    const files = new Map<string, Buffer>();
    const blobs = new Map<string, Buffer>();
    for (const entry of wanted) {
      const content = this.blobs.get(entry.sha) ?? fetched.get(entry.sha);
      if (Buffer.isBuffer(content)) {
        files.set(entry.path, content);
        blobs.set(entry.sha, content);
      } else if (content) {
        skipped.push({ path: entry.path, reason: content });
        binaryBlobs.set(entry.sha, content);
      } else {
        skipped.push({
          path: entry.path,
          reason: 'not found by GitHub’s GraphQL API',
        });
      }
    }
    this.blobs = blobs;
    this.binaryBlobs = binaryBlobs;

    return {
      repository: this.name,
      branch: this.ref,
      commit,
      files,
      skipped,
    };
  }

  /** The blobs' text by SHA, or the reason a blob is left out; batched into few GraphQL queries. */
  private async readBlobs(
    octokit: Octokit,
    blobs: Array<[sha: string, size: number]>,
  ): Promise<Map<string, Buffer | string>> {
    const chunks: Array<Array<string>> = [];
    let chunk: string[] = [];
    let bytes = 0;
    for (const [sha, size] of blobs) {
      if (
        chunk.length > 0 &&
        (chunk.length >= this.maxBlobsPerQuery ||
          bytes + size > this.maxBytesPerQuery)
      ) {
        chunks.push(chunk);
        chunk = [];
        bytes = 0;
      }
      chunk.push(sha);
      bytes += size;
    }
    if (chunk.length > 0) {
      chunks.push(chunk);
    }

    const result = new Map<string, Buffer | string>();
    for (const shas of chunks) {
      // The SHAs are checked to be hex, so they are safe to write into the query.
      const fields = shas.map(
        (sha, i) =>
          `f${i}: object(oid: "${sha}") { ... on Blob { text isBinary byteSize isTruncated } }`,
      );
      const query = `query ($owner: String!, $name: String!) {\n  repository(owner: $owner, name: $name) {\n    ${fields.join(
        '\n    ',
      )}\n  }\n}`;
      const data = await octokit.graphql<{
        repository: Record<string, BlobResult> | null;
      }>(query, { owner: this.owner, name: this.repo });
      if (!data.repository) {
        throw new NotFoundError(
          `GitHub repository ${this.name} was not found by the GraphQL API`,
        );
      }
      shas.forEach((sha, i) => {
        const blob = data.repository![`f${i}`];
        if (!blob) {
          return;
        } else if (blob.isBinary) {
          result.set(sha, 'a binary file');
        } else if (blob.isTruncated || typeof blob.text !== 'string') {
          result.set(sha, 'too large for GitHub’s GraphQL API');
        } else {
          result.set(sha, Buffer.from(blob.text, 'utf8'));
        }
      });
    }
    return result;
  }

  private describeFailure(error: unknown): Failure {
    const { status, githubMessage, rateLimit } = readGithubFailure(error);
    const where = `GitHub repository ${this.name} (ref '${this.ref}')`;

    if (rateLimit) {
      const now = this.now();
      let retryAt = now + 60_000;
      if (rateLimit.retryAfterSeconds !== undefined) {
        retryAt = now + rateLimit.retryAfterSeconds * 1000;
      } else if (rateLimit.resetAt) {
        retryAt = rateLimit.resetAt.getTime();
      }
      const reason = `GitHub's rate limit was reached while reading ${where}; it resets at ${new Date(
        retryAt,
      ).toISOString()}`;
      return { reason, error: new ServiceUnavailableError(reason), retryAt };
    }

    let reason: string;
    let result: Error;
    if (status === 401) {
      reason = `GitHub rejected the credentials for ${where} (401${
        githubMessage ? `: ${githubMessage}` : ''
      }); check integrations.github`;
      result = new Error(reason);
    } else if (status === 403) {
      reason = `GitHub denied access to ${where} (403${
        githubMessage ? `: ${githubMessage}` : ''
      })`;
      result = new Error(reason);
    } else if (status === 404) {
      reason = `${where} was not found, or the credentials of integrations.github cannot see it (404)`;
      result = new NotFoundError(reason);
    } else if (status === 422) {
      reason = `${where}: GitHub knows no branch, tag or commit '${this.ref}' (422); a branch whose name contains '/' must be written with %2F in the location URL`;
      result = new NotFoundError(reason);
    } else if (status === 409) {
      reason = `${where} is empty (409)`;
      result = new NotFoundError(reason);
    } else if (typeof status === 'number' && status >= 500) {
      reason = `GitHub failed while reading ${where} (${status}${
        githubMessage ? `: ${githubMessage}` : ''
      })`;
      result = new ServiceUnavailableError(reason);
    } else {
      reason = `Reading ${where} from GitHub failed: ${
        githubMessage ?? String(error)
      }`;
      result = new Error(reason);
    }
    return { reason, error: result };
  }
}
