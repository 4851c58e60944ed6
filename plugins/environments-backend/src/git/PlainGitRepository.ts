import { createHash } from 'node:crypto';
import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotAllowedError } from '@backstage/errors';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { git, GitError } from './git';
import { withoutMachinePaths } from '../publicErrors';
import {
  ChangeAuthor,
  ChangeRequest,
  ChangeStatus,
  CommitRequest,
  ChangeBranch,
  FileHistoryCommit,
  GitRepository,
  GitRepositoryWriter,
  OpenedChange,
  PromotionTrace,
  RepositorySnapshot,
} from './types';

/** @public */
export type PlainGitRepositoryOptions = {
  /** The repository's name in `environments.repositories`. */
  name: string;
  /** Any URL git can fetch from, or a local path (absolute, or relative to `baseDir`). */
  url: string;
  /** The branch to read; default: the repository's default branch. */
  branch?: string;
  /** Where the cached clone is kept. */
  cacheDir: string;
  /**
   * What tells this backend's mirrors from another's in the same cache folder (its base URL):
   * the mirror's folder is named after it and the repository's URL, so two backends on one host
   * never share one.
   */
  instanceKey?: string;
  /** What a relative `url` is relative to; default: the process's working directory. */
  baseDir?: string;
  /** Minimum time between two fetches; default 30 s. */
  refreshIntervalMs?: number;
  /** Files larger than this are left out of snapshots; default 1 MiB. */
  maxFileSize?: number;
  /** Whether `mergeChange` may merge changes; default false. */
  allowMerge?: boolean;
  logger?: LoggerService;
  /** Injectable clock, for tests. */
  now?: () => number;
};

const URL_LIKE = /^([a-z][a-z0-9+.-]*:\/\/|[^/\s]+@[^:\s]+:)/i;
const FULL_SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/**
 * A repository read with the git command line: a bare clone in a cache folder, fetched at most
 * once per refresh interval, read at the branch's newest commit.
 *
 * Writes build commits in the clone without a working tree and push them to the URL, each push
 * accepted only while the remote branch is where the write expects it (`ConflictError`
 * otherwise). Changes are branches; there are no pull requests. Writes run one at a time.
 *
 * @public
 */
export class PlainGitRepository implements GitRepository, GitRepositoryWriter {
  readonly name: string;
  readonly canMerge: boolean;
  private readonly url: string;
  private readonly configuredBranch?: string;
  private readonly cloneDir: string;
  private readonly refreshIntervalMs: number;
  private readonly maxFileSize: number;
  private readonly logger?: LoggerService;
  private readonly now: () => number;

  private lastFetchAt = 0;
  private fetching?: Promise<void>;
  private snapshot?: RepositorySnapshot;
  private staleReason?: string;
  private writes: Promise<unknown> = Promise.resolve();

  constructor(options: PlainGitRepositoryOptions) {
    this.name = options.name;
    this.canMerge = options.allowMerge ?? false;
    this.url = URL_LIKE.test(options.url)
      ? options.url
      : path.resolve(options.baseDir ?? process.cwd(), options.url);
    this.configuredBranch = options.branch;
    const key = createHash('sha256')
      .update(`${this.url}\n${options.instanceKey ?? ''}`)
      .digest('hex')
      .slice(0, 16);
    this.cloneDir = path.join(
      options.cacheDir,
      `${options.name.replace(/[^A-Za-z0-9._-]/g, '_')}-${key}.git`,
    );
    this.refreshIntervalMs = options.refreshIntervalMs ?? 30_000;
    this.maxFileSize = options.maxFileSize ?? 1024 * 1024;
    this.logger = options.logger;
    this.now = options.now ?? Date.now;
  }

  async readSnapshot(options?: {
    refresh?: boolean;
  }): Promise<RepositorySnapshot> {
    await this.fetchIfDue(options?.refresh ?? false);

    const branch = await this.branch();
    const commit = (
      await git(['rev-parse', '--verify', `refs/heads/${branch}^{commit}`], {
        cwd: this.cloneDir,
      }).catch(() => {
        throw new Error(`Repository ${this.name} has no branch '${branch}'`);
      })
    )
      .toString('utf8')
      .trim();

    if (this.snapshot?.commit !== commit) {
      this.snapshot = await this.readCommit(branch, commit);
    }
    return { ...this.snapshot, staleReason: this.staleReason };
  }

  commit(request: CommitRequest): Promise<{ commit: string }> {
    return this.exclusive(async () => {
      checkCommitRequest(request);
      await this.fetchNow();
      const branch = await this.branch();
      await this.expectHead(branch, request.baseCommit);
      const commit = await this.buildCommit(request);
      await this.push(commit, branch, request.baseCommit);
      return { commit };
    });
  }

  openChange(request: ChangeRequest): Promise<OpenedChange> {
    return this.exclusive(async () => {
      checkCommitRequest(request);
      await checkBranchName(request.branch);
      await this.fetchNow();
      const branch = await this.branch();
      if (request.branch === branch) {
        throw new InputError(
          `A change cannot be opened on ${branch}, the branch it is merged into`,
        );
      }
      await this.expectHead(branch, request.baseCommit);
      if (await this.head(request.branch)) {
        throw new ConflictError(`Branch ${request.branch} already exists`);
      }
      const commit = await this.buildCommit(request);
      await this.push(commit, request.branch, undefined);
      return { branch: request.branch, commit };
    });
  }

  async getChangeStatus(change: OpenedChange): Promise<ChangeStatus> {
    await this.fetchNow();
    const head = await this.requireHead(await this.branch());
    if (
      FULL_SHA.test(change.commit) &&
      (await this.contains(head, change.commit))
    ) {
      const mergeCommit = await this.containingCommit(head, change.commit);
      const mergedAt = (
        await git(['show', '-s', '--format=%cI', mergeCommit], {
          cwd: this.cloneDir,
        })
      )
        .toString('utf8')
        .trim();
      return { state: 'merged', mergeCommit, mergedAt };
    }
    return (await this.head(change.branch))
      ? { state: 'open' }
      : { state: 'closed' };
  }

  closeChange(change: OpenedChange): Promise<void> {
    return this.exclusive(async () => {
      await checkBranchName(change.branch);
      await this.fetchNow();
      if (change.branch === (await this.branch())) {
        throw new InputError(
          `Closing a change would delete ${change.branch}, the repository's branch`,
        );
      }
      if (await this.head(change.branch)) {
        await this.deleteBranch(change.branch);
      }
    });
  }

  mergeChange(
    change: OpenedChange,
    options: { message: string; author: ChangeAuthor },
  ): Promise<{ commit: string }> {
    return this.exclusive(async () => {
      if (!this.canMerge) {
        throw new NotAllowedError(
          `Repository ${this.name} does not allow merging changes; see environments.repositories.${this.name}.allowMerge`,
        );
      }
      if (!FULL_SHA.test(change.commit)) {
        throw new InputError(`'${change.commit}' is not a full commit SHA`);
      }
      await checkBranchName(change.branch);
      await this.fetchNow();
      const branch = await this.branch();
      if (change.branch === branch) {
        throw new InputError(`${branch} cannot be merged into itself`);
      }
      const head = await this.requireHead(branch);
      if (!(await this.hasCommit(change.commit))) {
        throw new ConflictError(
          `The commit ${short(change.commit)} of change ${
            change.branch
          } is no longer in the repository`,
        );
      }

      let commit: string;
      if (await this.contains(head, change.commit)) {
        commit = await this.containingCommit(head, change.commit);
      } else {
        const tree = await this.mergeTree(head, change, branch);
        commit = await this.commitTree(
          tree,
          [head, change.commit],
          options.message,
          options.author,
        );
        await this.push(commit, branch, head);
      }
      if ((await this.head(change.branch)) === change.commit) {
        await this.deleteBranch(change.branch).catch(error =>
          this.logger?.warn(
            `Merged ${change.branch} but could not delete it: ${error.message}`,
          ),
        );
      }
      return { commit };
    });
  }

  async readFileHistory(
    paths: string[],
    options: { limit: number },
  ): Promise<FileHistoryCommit[]> {
    const limit = Math.floor(options.limit);
    if (paths.length === 0 || !(limit > 0)) {
      return [];
    }
    await this.fetchIfDue(false);
    const head = await this.requireHead(await this.branch());

    const log = await git(
      [
        'log',
        '-z',
        `--max-count=${limit}`,
        '--format=%H%x00%an%x00%ae%x00%aI%x00%s',
        head,
        '--',
        ...paths,
      ],
      { cwd: this.cloneDir, env: { GIT_LITERAL_PATHSPECS: '1' } },
    );
    const fields = log.toString('utf8').split('\0');
    const commits: FileHistoryCommit[] = [];
    for (let i = 0; i + 4 < fields.length; i += 5) {
      const [sha, name, email, date, message] = fields.slice(i, i + 5);
      commits.push({
        sha: sha.trim(),
        author: { name, email },
        date,
        message,
        files: new Map(),
      });
    }

    // One lookup per commit and path; a path that cannot be named in batch input is left out.
    const lookups = commits.flatMap(commit =>
      paths.filter(p => !/[\n\r\0]/.test(p)).map(p => ({ commit, path: p })),
    );
    const objects = await this.readObjects(
      lookups.map(l => `${l.commit.sha}:${l.path}`),
    );
    lookups.forEach((lookup, index) => {
      const object = objects[index];
      if (object?.type === 'blob') {
        lookup.commit.files.set(lookup.path, object.content.toString('utf8'));
      }
    });
    return commits;
  }

  /** Runs writes one at a time, so they share no temporary index and no ref updates. */
  async tracePromotion(
    promotionId: string,
    options: { branch?: string; since: string },
  ): Promise<PromotionTrace> {
    await this.fetchNow();
    const trace: PromotionTrace = {};
    const branchHead = options.branch
      ? await this.head(options.branch)
      : undefined;
    if (branchHead) {
      trace.branch = { commit: branchHead };
    }
    const found = (
      await git(
        [
          'log',
          '--format=%H',
          // The trailer as a whole line: a quoted note line ("> Stagecraft-Promotion: …") is not it.
          '--basic-regexp',
          `--grep=^Stagecraft-Promotion: ${promotionId.replace(
            /[^0-9a-f-]/gi,
            '',
          )}$`,
          `--since=${options.since}`,
          '-n',
          '1',
          `refs/heads/${await this.branch()}`,
          '--',
        ],
        { cwd: this.cloneDir },
      )
    )
      .toString('utf8')
      .trim();
    if (found) {
      trace.committed = { commit: found };
    }
    return trace;
  }

  async readCommitMessage(
    sha: string,
  ): Promise<{ message: string; parents: string[] }> {
    if (!FULL_SHA.test(sha)) {
      throw new InputError(`Not a commit SHA: ${sha}`);
    }
    const out = (
      await git(['show', '-s', '--format=%P%n%B', sha], { cwd: this.cloneDir })
    ).toString('utf8');
    const newline = out.indexOf('\n');
    return {
      parents: out.slice(0, newline).split(' ').filter(Boolean),
      message: out.slice(newline + 1).trimEnd(),
    };
  }

  async listChangeBranches(): Promise<ChangeBranch[]> {
    await this.fetchNow();
    const out = await git(
      [
        'for-each-ref',
        '--format=%(objectname) %(refname)',
        'refs/heads/stagecraft/',
      ],
      { cwd: this.cloneDir },
    );
    return out
      .toString('utf8')
      .split('\n')
      .filter(Boolean)
      .map(line => {
        const [commit, ref] = line.split(' ');
        return { commit, branch: ref.replace(/^refs\/heads\//, '') };
      });
  }

  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    const result = this.writes.then(task);
    this.writes = result.catch(() => undefined);
    return result;
  }

  /** Fetches now, after any fetch under way; fails when the fetch fails. */
  private async fetchNow(): Promise<void> {
    await this.fetching?.catch(() => undefined);
    await this.fetchIfDue(true);
    if (this.staleReason) {
      throw new Error(this.staleReason);
    }
  }

  private async fetchIfDue(force: boolean): Promise<void> {
    const cloned = fs.existsSync(path.join(this.cloneDir, 'HEAD'));
    const due =
      force || this.now() - this.lastFetchAt >= this.refreshIntervalMs;
    if (cloned && !due) {
      return;
    }
    if (!this.fetching) {
      this.fetching = this.fetch(cloned).finally(() => {
        this.fetching = undefined;
      });
    }
    await this.fetching;
  }

  private async fetch(cloned: boolean): Promise<void> {
    try {
      if (!cloned) {
        fs.mkdirSync(path.dirname(this.cloneDir), { recursive: true });
        fs.rmSync(this.cloneDir, { recursive: true, force: true });
        await git([
          'clone',
          '--bare',
          '--quiet',
          '--',
          this.url,
          this.cloneDir,
        ]);
      } else {
        await git(
          [
            'fetch',
            '--prune',
            '--quiet',
            '--',
            this.url,
            '+refs/heads/*:refs/heads/*',
          ],
          { cwd: this.cloneDir },
        );
      }
      this.lastFetchAt = this.now();
      this.staleReason = undefined;
    } catch (error) {
      const message = (error as Error).message;
      // Said to users (matrix problems): git's stderr names folders of this machine; logs keep them.
      const shown = withoutMachinePaths(message);
      if (!cloned) {
        this.logger?.warn(
          `Repository ${this.name} could not be read: ${message}`,
        );
        throw new Error(`Repository ${this.name} could not be read: ${shown}`);
      }
      // Serve the last fetched commit, and say why it may be old.
      this.lastFetchAt = this.now();
      this.staleReason = `Fetching repository ${this.name} failed: ${shown}`;
      this.logger?.warn(`Fetching repository ${this.name} failed: ${message}`);
    }
  }

  private async branch(): Promise<string> {
    if (this.configuredBranch) {
      return this.configuredBranch;
    }
    const head = await git(['symbolic-ref', '--short', 'HEAD'], {
      cwd: this.cloneDir,
    });
    return head.toString('utf8').trim();
  }

  /** The full SHA a branch of the clone is at, or undefined when there is no such branch. */
  private async head(branch: string): Promise<string | undefined> {
    try {
      return (
        await git(['rev-parse', '--verify', `refs/heads/${branch}^{commit}`], {
          cwd: this.cloneDir,
        })
      )
        .toString('utf8')
        .trim();
    } catch {
      return undefined;
    }
  }

  private async requireHead(branch: string): Promise<string> {
    const head = await this.head(branch);
    if (!head) {
      throw new Error(`Repository ${this.name} has no branch '${branch}'`);
    }
    return head;
  }

  private async expectHead(branch: string, baseCommit: string): Promise<void> {
    const head = await this.requireHead(branch);
    if (head !== baseCommit) {
      throw new ConflictError(
        `${branch} moved from ${short(baseCommit)} to ${short(head)}: re-plan`,
      );
    }
  }

  private async hasCommit(sha: string): Promise<boolean> {
    try {
      await git(['cat-file', '-e', `${sha}^{commit}`], { cwd: this.cloneDir });
      return true;
    } catch {
      return false;
    }
  }

  /** Whether `commit` is `head` or one of its ancestors; false when `commit` is unknown. */
  private async contains(head: string, commit: string): Promise<boolean> {
    try {
      await git(['merge-base', '--is-ancestor', commit, head], {
        cwd: this.cloneDir,
      });
      return true;
    } catch (error) {
      if (
        (error as GitError).exitCode === 1 ||
        !(await this.hasCommit(commit))
      ) {
        return false;
      }
      throw error;
    }
  }

  /**
   * The oldest commit on the first-parent line of `head` that contains `commit`: the merge that
   * brought it in, or `commit` itself when it was fast-forwarded.
   */
  private async containingCommit(
    head: string,
    commit: string,
  ): Promise<string> {
    const cwd = this.cloneDir;
    const line = (
      await git(
        ['rev-list', '--first-parent', '--parents', `${commit}..${head}`],
        {
          cwd,
        },
      )
    )
      .toString('utf8')
      .split('\n')
      .filter(Boolean)
      .map(entry => entry.split(' '));
    const descendants = new Set(
      (
        await git(['rev-list', '--ancestry-path', `${commit}..${head}`], {
          cwd,
        })
      )
        .toString('utf8')
        .split('\n'),
    );
    let found = commit;
    for (const [sha, firstParent] of line) {
      if (!descendants.has(sha)) {
        break;
      }
      found = firstParent === commit ? commit : sha;
    }
    return found;
  }

  /** The tree of `change` merged into `head`; `ConflictError` when they conflict. */
  private async mergeTree(
    head: string,
    change: OpenedChange,
    branch: string,
  ): Promise<string> {
    try {
      const output = await git(
        ['merge-tree', '--write-tree', '--name-only', head, change.commit],
        { cwd: this.cloneDir },
      );
      return output.toString('utf8').split('\n')[0].trim();
    } catch (error) {
      if ((error as GitError).exitCode !== 1) {
        throw error;
      }
      const files = [
        ...new Set(
          ((error as GitError).stdout ?? Buffer.alloc(0))
            .toString('utf8')
            .split('\n\n')[0]
            .split('\n')
            .slice(1)
            .filter(Boolean),
        ),
      ];
      throw new ConflictError(
        `Change ${change.branch} no longer merges cleanly into ${branch}${
          files.length ? `: conflicts in ${files.join(', ')}` : ''
        }`,
      );
    }
  }

  /** A commit of `request.files` on top of `baseCommit`, built in a temporary index. */
  private async buildCommit(request: CommitRequest): Promise<string> {
    const cwd = this.cloneDir;
    const tmp = await fs.promises.mkdtemp(
      path.join(os.tmpdir(), 'stagecraft-index-'),
    );
    const env = { GIT_INDEX_FILE: path.join(tmp, 'index') };
    try {
      await git(['read-tree', request.baseCommit], { cwd, env });
      for (const file of request.files) {
        const blob = (
          await git(['hash-object', '-w', '--stdin'], {
            cwd,
            input: file.content,
          })
        )
          .toString('utf8')
          .trim();
        await git(
          [
            'update-index',
            '--add',
            '--cacheinfo',
            `100644,${blob},${file.path}`,
          ],
          { cwd, env },
        );
      }
      const tree = (await git(['write-tree'], { cwd, env }))
        .toString('utf8')
        .trim();
      return await this.commitTree(
        tree,
        [request.baseCommit],
        request.message,
        request.author,
      );
    } finally {
      await fs.promises.rm(tmp, { recursive: true, force: true });
    }
  }

  /** Writes a commit of `tree`, authored and committed by `author`. */
  private async commitTree(
    tree: string,
    parents: string[],
    message: string,
    author: ChangeAuthor,
  ): Promise<string> {
    const name = identityPart(author.name) || identityPart(author.email);
    const email = identityPart(author.email);
    if (!name) {
      throw new InputError('A commit needs an author name or email');
    }
    const output = await git(
      ['commit-tree', tree, ...parents.flatMap(p => ['-p', p]), '-F', '-'],
      {
        cwd: this.cloneDir,
        input: message.endsWith('\n') ? message : `${message}\n`,
        env: {
          GIT_AUTHOR_NAME: name,
          GIT_AUTHOR_EMAIL: email,
          GIT_COMMITTER_NAME: name,
          GIT_COMMITTER_EMAIL: email,
        },
      },
    );
    return output.toString('utf8').trim();
  }

  /**
   * Pushes `commit` to `branch`, accepted only while the remote branch is at `expected` (absent
   * when undefined) and, as the push is not forced, only as a fast-forward. Then moves the
   * clone's branch along, so that readers see the commit without fetching.
   */
  private async push(
    commit: string,
    branch: string,
    expected: string | undefined,
  ): Promise<void> {
    const ref = `refs/heads/${branch}`;
    try {
      await git(
        [
          'push',
          '--quiet',
          `--force-with-lease=${ref}:${expected ?? ''}`,
          '--',
          this.url,
          `${commit}:${ref}`,
        ],
        { cwd: this.cloneDir },
      );
    } catch (error) {
      if (/!\s+\[rejected\]/.test((error as Error).message)) {
        throw new ConflictError(
          expected
            ? `${branch} moved on the remote before the push: re-plan`
            : `Branch ${branch} already exists`,
        );
      }
      throw error;
    }
    await this.moveLocalBranch(branch, commit);
  }

  private async deleteBranch(branch: string): Promise<void> {
    try {
      await git(
        ['push', '--quiet', '--delete', '--', this.url, `refs/heads/${branch}`],
        { cwd: this.cloneDir },
      );
    } catch (error) {
      if (!/remote ref does not exist/.test((error as Error).message)) {
        throw error;
      }
    }
    await this.moveLocalBranch(branch, undefined);
  }

  /** Sets (or, without a commit, deletes) a branch of the clone; on failure the next read fetches. */
  private async moveLocalBranch(
    branch: string,
    commit: string | undefined,
  ): Promise<void> {
    while (this.fetching) {
      await this.fetching.catch(() => undefined);
    }
    const ref = `refs/heads/${branch}`;
    try {
      await git(
        commit ? ['update-ref', ref, commit] : ['update-ref', '-d', ref],
        { cwd: this.cloneDir },
      );
    } catch (error) {
      this.lastFetchAt = 0;
      this.logger?.warn(
        `Could not update ${ref} in the clone of ${this.name}: ${
          (error as Error).message
        }`,
      );
    }
  }

  private async readCommit(
    branch: string,
    commit: string,
  ): Promise<RepositorySnapshot> {
    const listing = await git(['ls-tree', '-r', '-z', '--long', commit], {
      cwd: this.cloneDir,
    });
    const skipped: RepositorySnapshot['skipped'] = [];
    const blobs: Array<{ path: string; sha: string }> = [];
    for (const entry of listing.toString('utf8').split('\0')) {
      if (!entry) {
        continue;
      }
      const tab = entry.indexOf('\t');
      const [mode, type, sha, size] = entry.slice(0, tab).split(/\s+/);
      const filePath = entry.slice(tab + 1);
      if (type !== 'blob') {
        skipped.push({
          path: filePath,
          reason: `a ${type === 'commit' ? 'submodule' : type}`,
        });
      } else if (mode === '120000') {
        skipped.push({ path: filePath, reason: 'a symbolic link' });
      } else if (Number(size) > this.maxFileSize) {
        skipped.push({
          path: filePath,
          reason: `larger than ${this.maxFileSize} bytes`,
        });
      } else {
        blobs.push({ path: filePath, sha });
      }
    }

    const files = new Map<string, Buffer>();
    const objects = await this.readObjects(blobs.map(b => b.sha));
    blobs.forEach((blob, index) => {
      const object = objects[index];
      if (object) {
        files.set(blob.path, object.content);
      }
    });

    return { repository: this.name, branch, commit, files, skipped };
  }

  /**
   * Reads objects named like `<sha>` or `<commit>:<path>` with one `git cat-file --batch`;
   * undefined where there is no such object.
   */
  private async readObjects(
    names: string[],
  ): Promise<Array<{ type: string; content: Buffer } | undefined>> {
    if (names.length === 0) {
      return [];
    }
    const output = await git(['cat-file', '--batch'], {
      cwd: this.cloneDir,
      input: `${names.join('\n')}\n`,
    });
    const objects: Array<{ type: string; content: Buffer } | undefined> = [];
    let offset = 0;
    for (let i = 0; i < names.length; i++) {
      const headerEnd = output.indexOf(10, offset);
      const header = output.toString('utf8', offset, headerEnd).split(' ');
      offset = headerEnd + 1;
      if (header.length !== 3 || !FULL_SHA.test(header[0])) {
        // `<name> missing`, or `<name> ambiguous`
        objects.push(undefined);
        continue;
      }
      const size = Number(header[2]);
      objects.push({
        type: header[1],
        content: output.subarray(offset, offset + size),
      });
      offset += size + 1;
    }
    return objects;
  }
}

/** Refuses requests that git would misread: no full base SHA, or paths outside the tree. */
function checkCommitRequest(request: CommitRequest): void {
  if (!FULL_SHA.test(request.baseCommit)) {
    throw new InputError(`'${request.baseCommit}' is not a full commit SHA`);
  }
  for (const file of request.files) {
    const parts = file.path.split('/');
    if (
      /[\0\n\r]/.test(file.path) ||
      parts.some(
        part =>
          part === '' ||
          part === '.' ||
          part === '..' ||
          part.toLowerCase() === '.git',
      )
    ) {
      throw new InputError(
        `'${file.path}' is not a path inside the repository`,
      );
    }
  }
}

async function checkBranchName(branch: string): Promise<void> {
  const valid =
    !branch.startsWith('-') &&
    (await git(['check-ref-format', `refs/heads/${branch}`]).then(
      () => true,
      () => false,
    ));
  if (!valid) {
    throw new InputError(`'${branch}' is not a valid branch name`);
  }
}

function short(sha: string): string {
  return sha.slice(0, 12);
}

/** A name or email as git accepts it in an identity. */
function identityPart(value: string): string {
  return value.replace(/[<>\0\n\r]/g, '').trim();
}
