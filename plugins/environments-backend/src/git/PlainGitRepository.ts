import { LoggerService } from '@backstage/backend-plugin-api';
import fs from 'node:fs';
import path from 'node:path';
import { git } from './git';
import { GitRepository, RepositorySnapshot } from './types';

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
  /** What a relative `url` is relative to; default: the process's working directory. */
  baseDir?: string;
  /** Minimum time between two fetches; default 30 s. */
  refreshIntervalMs?: number;
  /** Files larger than this are left out of snapshots; default 1 MiB. */
  maxFileSize?: number;
  logger?: LoggerService;
  /** Injectable clock, for tests. */
  now?: () => number;
};

const URL_LIKE = /^([a-z][a-z0-9+.-]*:\/\/|[^/\s]+@[^:\s]+:)/i;

/**
 * A repository read with the git command line: a bare clone in a cache folder, fetched at most
 * once per refresh interval, read at the branch's newest commit.
 *
 * @public
 */
export class PlainGitRepository implements GitRepository {
  readonly name: string;
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

  constructor(options: PlainGitRepositoryOptions) {
    this.name = options.name;
    this.url = URL_LIKE.test(options.url)
      ? options.url
      : path.resolve(options.baseDir ?? process.cwd(), options.url);
    this.configuredBranch = options.branch;
    this.cloneDir = path.join(
      options.cacheDir,
      `${options.name.replace(/[^A-Za-z0-9._-]/g, '_')}.git`,
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
      if (!cloned) {
        throw new Error(
          `Repository ${this.name} could not be read: ${message}`,
        );
      }
      // Serve the last fetched commit, and say why it may be old.
      this.lastFetchAt = this.now();
      this.staleReason = `Fetching repository ${this.name} failed: ${message}`;
      this.logger?.warn(this.staleReason);
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
    if (blobs.length > 0) {
      const output = await git(['cat-file', '--batch'], {
        cwd: this.cloneDir,
        input: `${blobs.map(b => b.sha).join('\n')}\n`,
      });
      let offset = 0;
      for (const blob of blobs) {
        const headerEnd = output.indexOf(10, offset);
        const size = Number(
          output.toString('utf8', offset, headerEnd).split(' ')[2],
        );
        const start = headerEnd + 1;
        files.set(blob.path, output.subarray(start, start + size));
        offset = start + size + 1;
      }
    }

    return { repository: this.name, branch, commit, files, skipped };
  }
}
