import { Problem } from '../types';

/**
 * The listing of a repository: file paths relative to its root (forward
 * slashes, no leading `./`) and problems met while listing.
 *
 * @public
 */
export interface RepositoryListing {
  files: string[];
  problems: Problem[];
}

/**
 * Read access to the files of a repository. Implementations must never read
 * outside the repository root.
 *
 * @public
 */
export interface RepositoryFiles {
  /** All files of the repository (the engine filters what it needs). */
  list(): Promise<RepositoryListing>;
  /**
   * Contents of one file, by path relative to the root. Rejects when the file
   * is missing, too large, or outside the repository.
   */
  read(path: string): Promise<Uint8Array | string>;
}

/**
 * Normalises a repository-relative path: forward slashes, no `.` segments,
 * `..` resolved. Returns undefined when the path escapes the root.
 */
export function normalizeRepoPath(path: string): string | undefined {
  const out: string[] = [];
  for (const seg of path.replace(/\\/g, '/').split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.length === 0) return undefined;
      out.pop();
    } else out.push(seg);
  }
  return out.join('/');
}

/** Joins a repository folder and a relative reference; undefined if it escapes. */
export function joinRepoPath(dir: string, ref: string): string | undefined {
  if (ref.startsWith('/')) return undefined;
  return normalizeRepoPath(dir ? `${dir}/${ref}` : ref);
}

/** Parent folder of a repository path ('' for the root). */
export function dirnameOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

/** Last segment of a path. */
export function basenameOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? path : path.slice(i + 1);
}

/** True when `path` is `folder` or inside it ('' is the root and holds everything). */
export function isWithin(path: string, folder: string): boolean {
  return folder === '' || path === folder || path.startsWith(`${folder}/`);
}
