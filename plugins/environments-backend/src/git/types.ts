/**
 * The files of a GitOps repository at one commit: what the declared-state engine reads.
 *
 * @public
 */
export type RepositorySnapshot = {
  /** The repository's name (`environments.repositories`) or URL. */
  repository: string;
  /** The branch that was read. */
  branch: string;
  /** The full SHA of the commit that was read. */
  commit: string;
  /** File contents by path relative to the repository root, `/`-separated. */
  files: Map<string, Buffer>;
  /** Files left out, with the reason (too large, a symbolic link, a submodule). */
  skipped: Array<{ path: string; reason: string }>;
  /** When the newest fetch failed and this is the last commit fetched before: why. */
  staleReason?: string;
};

/**
 * A Git repository that the environments plugin reads (and, for promotions, writes).
 *
 * @public
 */
export interface GitRepository {
  /** The repository's name in config. */
  readonly name: string;
  /**
   * The files of the branch's newest commit. Fetches first when the last fetch is older than the
   * repository's refresh interval; a failed fetch falls back to the last fetched commit.
   */
  readSnapshot(options?: { refresh?: boolean }): Promise<RepositorySnapshot>;
}
