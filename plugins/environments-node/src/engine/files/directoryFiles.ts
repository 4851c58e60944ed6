import { promises as fs, Dirent } from 'fs';
import * as nodePath from 'path';
import { Problem } from '../types';
import { MAX_FILE_BYTES, MAX_FILES, SKIPPED_FOLDERS } from './limits';
import {
  normalizeRepoPath,
  RepositoryFiles,
  RepositoryListing,
} from './repositoryFiles';

function byName(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/**
 * Repository files read from a directory on disk. Never follows a symlink
 * out of the root, never reads outside it, and refuses files over 1 MiB.
 *
 * @public
 */
export class DirectoryFiles implements RepositoryFiles {
  private readonly root: string;
  private realRoot: string | undefined;
  /** Regular files seen by list(), in folders that are not symlinks. */
  private readonly plainFiles = new Set<string>();

  constructor(root: string) {
    this.root = nodePath.resolve(root);
  }

  private async getRealRoot(): Promise<string> {
    if (!this.realRoot) this.realRoot = await fs.realpath(this.root);
    return this.realRoot;
  }

  private inside(realRoot: string, real: string): boolean {
    return real === realRoot || real.startsWith(realRoot + nodePath.sep);
  }

  async list(): Promise<RepositoryListing> {
    const realRoot = await this.getRealRoot();
    const files: string[] = [];
    const problems: Problem[] = [];
    const queue: string[] = [''];
    let truncated = false;
    while (queue.length > 0) {
      const rel = queue.shift()!;
      let entries: Dirent[];
      try {
        entries = await fs.readdir(nodePath.join(realRoot, rel), {
          withFileTypes: true,
        });
      } catch (e) {
        problems.push({
          file: rel || '.',
          severity: 'warning',
          message: `folder could not be listed: ${(e as Error).message}`,
        });
        continue;
      }
      entries.sort((a, b) => byName(a.name, b.name));
      for (const entry of entries) {
        const childRel = rel ? `${rel}/${entry.name}` : entry.name;
        if (entry.isDirectory()) {
          if (!SKIPPED_FOLDERS.has(entry.name)) queue.push(childRel);
        } else if (entry.isSymbolicLink()) {
          const target = await this.resolveLink(realRoot, childRel);
          if (target === 'outside') {
            problems.push({
              file: childRel,
              severity: 'warning',
              message: 'symlink points outside the repository; ignored',
            });
          } else if (target === 'file') {
            files.push(childRel);
          } else if (target === 'broken') {
            problems.push({
              file: childRel,
              severity: 'warning',
              message: 'broken symlink; ignored',
            });
          }
          // symlinked folders inside the repo are not followed (no loops)
        } else if (entry.isFile()) {
          files.push(childRel);
          this.plainFiles.add(childRel);
        }
        if (files.length >= MAX_FILES) {
          truncated = true;
          break;
        }
      }
      if (truncated) break;
    }
    if (truncated) {
      problems.push({
        file: '.',
        severity: 'error',
        message: `repository has more than ${MAX_FILES} files; the rest were not listed`,
      });
    }
    return { files, problems };
  }

  private async resolveLink(
    realRoot: string,
    rel: string,
  ): Promise<'outside' | 'file' | 'dir' | 'broken'> {
    let real: string;
    try {
      real = await fs.realpath(nodePath.join(realRoot, rel));
    } catch {
      return 'broken';
    }
    if (!this.inside(realRoot, real)) return 'outside';
    const stat = await fs.stat(real);
    return stat.isFile() ? 'file' : 'dir';
  }

  async read(path: string): Promise<Uint8Array> {
    const rel = normalizeRepoPath(path);
    if (rel === undefined || rel === '') {
      throw new Error(`path is outside the repository: ${path}`);
    }
    const realRoot = await this.getRealRoot();
    let target = nodePath.join(realRoot, rel);
    // files found by list() lie in folders that are not symlinks; anything
    // else is resolved and checked against the root
    if (!this.plainFiles.has(rel)) {
      target = await fs.realpath(target);
      if (!this.inside(realRoot, target)) {
        throw new Error(`path resolves outside the repository: ${path}`);
      }
    }
    const handle = await fs.open(target, 'r');
    try {
      const stat = await handle.stat();
      if (!stat.isFile()) throw new Error(`not a file: ${path}`);
      if (stat.size > MAX_FILE_BYTES) {
        throw new Error(
          `file is larger than ${MAX_FILE_BYTES} bytes (${stat.size})`,
        );
      }
      return await handle.readFile();
    } finally {
      await handle.close();
    }
  }
}
