import { GateResult, Provenance, Version } from './matrix';

/**
 * How a promotion reaches Git: a pull request (a branch for plain git) that someone merges, or a
 * commit straight onto the repository's branch.
 *
 * @public
 */
export type PromotionMethod = 'pull-request' | 'direct-commit';

/**
 * Where a promotion is in its lifecycle. `completed`, `failed`, `closed`, `cancelled` and
 * `superseded` are final.
 *
 * @public
 */
export type PromotionState =
  | 'planned'
  | 'pending-review'
  | 'merged'
  | 'syncing'
  | 'completed'
  | 'failed'
  | 'closed'
  | 'cancelled'
  | 'superseded';

/**
 * The states after which a promotion no longer changes.
 *
 * @public
 */
export const FINAL_PROMOTION_STATES: ReadonlyArray<PromotionState> = [
  'completed',
  'failed',
  'closed',
  'cancelled',
  'superseded',
];

/**
 * Whether a promotion in this state is still under way (and so blocks another one to the same
 * environment).
 *
 * @public
 */
export function isOpenPromotionState(state: PromotionState): boolean {
  return !FINAL_PROMOTION_STATES.includes(state);
}

/**
 * The body of `POST /entities/:kind/:namespace/:name/promotions`.
 *
 * @public
 */
export type PromotionRequest = {
  /** The source environment. */
  from: string;
  /** The target environment. */
  to: string;
  /**
   * The version to move; default: the source environment's. A past version rolls back. Images
   * are matched by application and container.
   */
  version?: Version;
  /** Plan only: return the plan with its `planId`, write nothing. */
  dryRun?: boolean;
  /** A note for the pull request and the history. */
  note?: string;
  /** Execute exactly this dry run's plan, or fail with 409 when the branch moved under it. */
  planId?: string;
};

/**
 * An image's version before or after a promotion.
 *
 * @public
 */
export type ImageVersion = {
  image: string | null;
  tag: string | null;
  digest: string | null;
};

/**
 * One container whose version a promotion changes, and where in Git.
 *
 * @public
 */
export type VersionChange = {
  application: string;
  container: string;
  /** `Kind/name` of the workload. */
  workload: string;
  from: ImageVersion;
  to: ImageVersion;
  /** Where the version is written. */
  provenance: Provenance;
};

/**
 * One file a promotion edits, as a unified diff (secrets redacted).
 *
 * @public
 */
export type FileChange = {
  path: string;
  diff: string;
};

/**
 * Where the promotion's change is written.
 *
 * @public
 */
export type PromotionTarget = {
  /** The repository's name (plain git) or `host/owner/repo` (GitHub). */
  repository: string;
  /** The branch the change lands on. */
  branch: string;
  /** The commit the plan was made at. */
  baseCommit: string;
};

/**
 * A dry run's answer: what a promotion would change, and whether it may go ahead.
 *
 * @public
 */
export type PromotionPlan = {
  /** Pass it back to execute exactly this plan. */
  planId: string;
  entityRef: string;
  from: string;
  to: string;
  version: Version;
  changes: VersionChange[];
  /** Requested changes the plan does not make, and why. */
  refusals: Array<{ application: string; container: string; reason: string }>;
  files: FileChange[];
  gates: GateResult[];
  method: PromotionMethod;
  target: PromotionTarget;
  /** Whether the caller may carry it out (`environments.promotion.create`). */
  permission: { allowed: boolean; reason?: string };
  /** True when the plan changes something, every gate passed and the caller may promote. */
  executable: boolean;
};

/**
 * One step of a promotion's lifecycle.
 *
 * @public
 */
export type PromotionEvent = {
  state: PromotionState;
  /** ISO 8601. */
  at: string;
  message?: string;
};

/**
 * A promotion: its plan, and where it is in its lifecycle.
 *
 * @public
 */
export type Promotion = {
  id: string;
  entityRef: string;
  from: string;
  to: string;
  state: PromotionState;
  /** Why it failed, was closed, cancelled or superseded. */
  reason?: string;
  method: PromotionMethod;
  version: Version;
  changes: VersionChange[];
  files: FileChange[];
  gates: GateResult[];
  note?: string;
  /** The user who asked for it. */
  requestedBy: string;
  target: PromotionTarget;
  /** The branch that holds the change, for pull requests. */
  changeBranch?: string;
  /** The commit that carries the change. */
  commit?: { sha: string; url?: string };
  pullRequest?: { number: number; url: string; requiredApprovals?: number };
  /** Whether `POST /promotions/:id/merge` may merge it from the portal. */
  mergeable?: boolean;
  /** ISO 8601 times. */
  createdAt: string;
  updatedAt: string;
  mergedAt?: string;
  completedAt?: string;
  /** From merged (or committed) to running Healthy in the target, in seconds. */
  leadTimeSeconds?: number;
  events: PromotionEvent[];
};

/**
 * One version change of one environment, made by a promotion here or found in Git history.
 *
 * @public
 */
export type HistoryEntry = {
  /** The promotion's id, or the commit's SHA. */
  id: string;
  environment: string;
  /** `promotion` when made through this plugin, `commit` when found in Git only. */
  kind: 'promotion' | 'commit';
  /** The lifecycle state, for promotions. */
  state?: PromotionState;
  /** The source environment, for promotions. */
  from?: string;
  changes: Array<{
    application: string;
    container: string;
    from: ImageVersion | null;
    to: ImageVersion;
  }>;
  /** The user (entity ref) or the commit's author. */
  by?: string;
  /** ISO 8601: when the change was asked for or committed. */
  at: string;
  message?: string;
  commit?: { sha: string; url?: string };
  pullRequest?: { number: number; url: string };
  leadTimeSeconds?: number;
  reason?: string;
};

/**
 * The answer of `GET /entities/:kind/:namespace/:name/promotions`.
 *
 * @public
 */
export type PromotionHistory = {
  entityRef: string;
  items: HistoryEntry[];
  /** Present when the Git history could not be read, with the reason. */
  problems: Array<{ message: string }>;
};
