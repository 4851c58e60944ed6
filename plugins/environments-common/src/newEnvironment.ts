import { FileChange, PromotionTarget } from './promotions';
import { Provenance } from './matrix';

/**
 * The body of `POST /environments`: add an environment to an entity's GitOps layout by copying
 * an existing one.
 *
 * @public
 */
export type NewEnvironmentRequest = {
  /** The entity, e.g. `component:default/catalogue`. */
  entityRef: string;
  /** The new environment's name: a DNS label (lowercase letters, digits and `-`, at most 63). */
  name: string;
  /** The environment to copy. */
  from: string;
  /** Default: the copied namespace with the environment's name replaced. */
  namespace?: string;
  replicas?: number;
  resources?: {
    requests?: { cpu?: string; memory?: string };
    limits?: { cpu?: string; memory?: string };
  };
  /** The ingress host; default: the copied host with the environment's name replaced. */
  host?: string;
  /** Plan only: return the files the change would hold, write nothing. */
  dryRun?: boolean;
};

/**
 * What adding an environment changes, and where it goes.
 *
 * @public
 */
export type NewEnvironmentPlan = {
  entityRef: string;
  environment: string;
  from: string;
  /** Every file the change adds or edits, as unified diffs (new files against nothing). */
  files: FileChange[];
  /** The values the new environment gets, with where they are written. */
  changes: Array<{
    field: string;
    value: string;
    application?: string;
    provenance?: Provenance;
  }>;
  target: PromotionTarget;
};

/**
 * The change that adds an environment, opened for review.
 *
 * @public
 */
export type NewEnvironmentChange = NewEnvironmentPlan & {
  /** The branch that holds the change. */
  branch: string;
  commit: { sha: string; url?: string };
  /** On GitHub: the pull request. */
  pullRequest?: { number: number; url: string };
};
