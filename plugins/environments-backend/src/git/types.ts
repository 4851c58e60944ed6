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
 * A Git repository that the environments plugin reads and, for promotions, writes.
 *
 * @public
 */
export interface GitRepository extends GitRepositoryWriter {
  /** The repository's name in config. */
  readonly name: string;
  /**
   * The files of the branch's newest commit. Fetches first when the last fetch is older than the
   * repository's refresh interval; a failed fetch falls back to the last fetched commit.
   */
  readSnapshot(options?: { refresh?: boolean }): Promise<RepositorySnapshot>;
}

/**
 * A person named in a commit.
 *
 * @public
 */
export type ChangeAuthor = { name: string; email: string };

/**
 * One commit's worth of file contents, planned at `baseCommit`.
 *
 * @public
 */
export type CommitRequest = {
  /** The commit the files were planned at. */
  baseCommit: string;
  /** Whole new contents, by path relative to the repository root. */
  files: Array<{ path: string; content: string }>;
  /** The commit message (subject, blank line, body). */
  message: string;
  /** The Backstage user asking for it: the commit's author, or its co-author where the host commits as an app. */
  author: ChangeAuthor;
};

/**
 * A change to review: a branch with one commit on top of `baseCommit`, and a pull request where
 * the host has them.
 *
 * @public
 */
export type ChangeRequest = CommitRequest & {
  /** The branch to create; it must not exist yet. */
  branch: string;
  /** The pull request's title and body (Markdown). */
  title: string;
  body: string;
};

/**
 * A change that was opened for review.
 *
 * @public
 */
export type OpenedChange = {
  branch: string;
  commit: string;
  /** A web link to the commit, where the host has one. */
  commitUrl?: string;
  pullRequest?: { number: number; url: string; requiredApprovals?: number };
};

/**
 * Where a change opened for review is now.
 *
 * @public
 */
export type ChangeStatus =
  | { state: 'open' }
  | { state: 'merged'; mergeCommit?: string; mergedAt?: string }
  /** Closed without merging, or its branch deleted. */
  | { state: 'closed' };

/**
 * A commit that touched some of the asked-for files, with their contents at that commit.
 *
 * @public
 */
export type FileHistoryCommit = {
  sha: string;
  author: { name: string; email?: string; login?: string };
  /** ISO 8601. */
  date: string;
  /** The message's first line. */
  message: string;
  url?: string;
  /** The asked-for paths that existed at this commit, with their text. */
  files: Map<string, string>;
};

/**
 * What Git holds of one promotion, whatever its record says: read to reconcile a record with Git
 * after a crash or a lost answer.
 *
 * @public
 */
export type PromotionTrace = {
  /** The promotion's branch, when it exists, and the commit it is at. */
  branch?: { commit: string };
  /** Its pull request, where the host has them. */
  pullRequest?: {
    number: number;
    url: string;
    state: 'open' | 'closed' | 'merged';
  };
  /**
   * A commit on the repository's branch whose message carries the promotion's
   * `Stagecraft-Promotion` trailer: the promotion reached the branch (directly or merged).
   */
  committed?: { commit: string; url?: string };
};

/**
 * A branch made for a promotion or a change (`stagecraft/…`), as listed by the host.
 *
 * @public
 */
export type ChangeBranch = { branch: string; commit: string };

/**
 * What promotions need of a repository besides reading it: commit, open and follow changes, and
 * the history of the version files.
 *
 * Every write is checked against the commit it was planned at: a write whose base is no longer
 * the branch's head fails with `ConflictError`, and a failed write leaves no branch behind.
 *
 * @public
 */
export interface GitRepositoryWriter {
  /** Commits onto the repository's branch; `ConflictError` when the branch is no longer at `baseCommit`. */
  commit(request: CommitRequest): Promise<{ commit: string; url?: string }>;

  /** Opens a change for review: a new branch with one commit, and a pull request where the host has them. */
  openChange(request: ChangeRequest): Promise<OpenedChange>;

  /** Whether the change was merged, closed, or is still open. */
  getChangeStatus(change: OpenedChange): Promise<ChangeStatus>;

  /** Closes the pull request, if any, and deletes the branch. Closing a closed change does nothing. */
  closeChange(change: OpenedChange): Promise<void>;

  /** Whether `mergeChange` may merge changes (plain git repositories configured to allow it). */
  readonly canMerge: boolean;

  /**
   * Merges the change into the repository's branch and deletes its branch. `NotAllowedError`
   * when `canMerge` is false; `ConflictError` when it no longer merges cleanly.
   */
  mergeChange(
    change: OpenedChange,
    options: { message: string; author: ChangeAuthor },
  ): Promise<{ commit: string; url?: string }>;

  /**
   * The newest commits of the repository's branch that touched any of `paths`, newest first, each
   * with the contents of `paths` at that commit.
   */
  readFileHistory(
    paths: string[],
    options: { limit: number },
  ): Promise<FileHistoryCommit[]>;

  /**
   * What Git holds of a promotion: its branch (when `branch` is given), its pull request, and a
   * commit on the repository's branch since `since` that carries its trailer.
   */
  tracePromotion(
    promotionId: string,
    options: { branch?: string; since: string },
  ): Promise<PromotionTrace>;

  /** The branches under `stagecraft/`, to find changes that no record knows. */
  listChangeBranches(): Promise<ChangeBranch[]>;

  /** A commit's whole message and its parents. */
  readCommitMessage(
    sha: string,
  ): Promise<{ message: string; parents: string[] }>;
}
