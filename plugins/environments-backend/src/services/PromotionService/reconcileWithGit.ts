import {
  Promotion,
  PromotionState,
} from '@stagecraft/plugin-environments-common';
import { PromotionTrace } from '../../git';
import { NewPromotion } from '../../database';

/** A move of a promotion's record that makes it say what Git says. */
export type Reconciliation = {
  to: PromotionState;
  message: string;
  patch?: Partial<Omit<NewPromotion, 'entityRef' | 'to' | 'state'>>;
};

/**
 * Where a promotion stands by Git, whatever its record says: read after a crash, a lost answer or
 * an interrupted merge or cancel. `intent` is the operation that was under way (from its
 * lease). Undefined when the record already agrees with Git.
 *
 * - a commit on the branch that carries the promotion's trailer, or a merged pull request: merged
 *   (never cancelled or failed: the change reached the branch, and its rollout is followed);
 * - an open pull request or an existing branch: pending review (a cancel under way is finished
 *   by the caller, which closes it);
 * - nothing in Git: a promotion that was being written failed before reaching Git; one pending
 *   review was closed outside the portal (or cancelled, when a cancel was under way).
 */
export function reconcileWithGit(
  promotion: Promotion,
  trace: PromotionTrace,
  options: {
    intent?: string;
    canMerge: boolean;
    now: Date;
    /** The promotion's branch, for pull requests. */
    branch?: string;
  },
): Reconciliation | undefined {
  const { intent, now } = options;
  const merged =
    trace.committed ??
    (trace.pullRequest?.state === 'merged' ? { commit: undefined } : undefined);
  if (merged) {
    if (promotion.state !== 'planned' && promotion.state !== 'pending-review') {
      return undefined;
    }
    const direct = promotion.method === 'direct-commit';
    return {
      to: 'merged',
      message: trace.committed
        ? `Found ${trace.committed.commit.slice(0, 12)} on ${
            promotion.target.branch
          } after an interruption`
        : `Pull request #${trace.pullRequest!.number} was merged`,
      patch: {
        mergedAt: promotion.mergedAt ?? now.toISOString(),
        ...(direct &&
          trace.committed && {
            commit: {
              sha: trace.committed.commit,
              ...(trace.committed.url && { url: trace.committed.url }),
            },
          }),
      },
    };
  }

  const open =
    trace.pullRequest?.state === 'open' ||
    (!trace.pullRequest && trace.branch !== undefined);
  if (open) {
    if (promotion.state === 'planned') {
      return {
        to: 'pending-review',
        message: trace.pullRequest
          ? `Found pull request #${trace.pullRequest.number} after an interruption`
          : `Found branch ${options.branch} after an interruption`,
        patch: {
          ...(options.branch && { changeBranch: options.branch }),
          ...(trace.branch && { commit: { sha: trace.branch.commit } }),
          ...(trace.pullRequest && {
            pullRequest: {
              number: trace.pullRequest.number,
              url: trace.pullRequest.url,
            },
          }),
          mergeable: options.canMerge,
        },
      };
    }
    return undefined;
  }

  // Nothing of it is in Git.
  if (promotion.state === 'planned') {
    const reason =
      'Interrupted before it reached Git: nothing was written; retry it';
    return { to: 'failed', message: reason, patch: { reason } };
  }
  if (promotion.state === 'pending-review') {
    if (intent === 'cancel') {
      const reason = 'Cancelled (finished after an interruption)';
      return { to: 'cancelled', message: reason, patch: { reason } };
    }
    const reason = promotion.pullRequest
      ? `Pull request #${promotion.pullRequest.number} was closed without merging`
      : `Branch ${promotion.changeBranch} was deleted without merging`;
    return { to: 'closed', message: reason, patch: { reason } };
  }
  return undefined;
}
