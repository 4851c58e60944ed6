import {
  ImageVersion,
  PromotionMethod,
  PromotionState,
  PromotionTarget,
} from '@stagecraft/plugin-environments-common';

const STATE_LABELS: Record<PromotionState, string> = {
  planned: 'Planned',
  'pending-review': 'Pending review',
  merged: 'Merged',
  syncing: 'Syncing',
  completed: 'Completed',
  failed: 'Failed',
  closed: 'Closed',
  cancelled: 'Cancelled',
  superseded: 'Superseded',
};

/** `Pending review`, `Completed`, …: a state for people. */
export function stateLabel(state: PromotionState): string {
  return STATE_LABELS[state] ?? state;
}

/** A tag, else a short digest (`sha256:1234567890ab`), else `untagged`; `—` for none. */
export function imageVersionLabel(version: ImageVersion | null): string {
  if (!version) {
    return '—';
  }
  if (version.tag) {
    return version.tag;
  }
  return version.digest ? version.digest.slice(0, 19) : 'untagged';
}

/** `catalogue: 1.3.2 → 1.4.0`. */
export function changeLabel(change: {
  container: string;
  from: ImageVersion | null;
  to: ImageVersion;
}): string {
  return `${change.container}: ${imageVersionLabel(
    change.from,
  )} → ${imageVersionLabel(change.to)}`;
}

/** `Pull request into main` or `Direct commit to main`. */
export function methodLabel(method: PromotionMethod, branch: string): string {
  return method === 'pull-request'
    ? `Pull request into ${branch}`
    : `Direct commit to ${branch}`;
}

/** The first 7 characters of a commit SHA. */
export function shortSha(sha: string): string {
  return sha.slice(0, 7);
}

/** `demo at main@abc1234`. */
export function targetLabel(target: PromotionTarget): string {
  return `${target.repository} at ${target.branch}@${shortSha(
    target.baseCommit,
  )}`;
}
