import { LoggerService } from '@backstage/backend-plugin-api';
import { Promotion } from '@stagecraft/plugin-environments-common';
import { GitRepository } from '../../git';
import { PromotionStore, StoredPromotion } from '../../database';
import { reconcileWithGit } from './reconcileWithGit';
import { parsePromotionTrailers } from './promotionTrailers';
import { branchOf, openedChange } from './promotionChange';

/** The state of an adopted promotion, by its pull request's (branches without one are open). */
const ADOPTED_STATE = {
  open: 'pending-review',
  merged: 'merged',
  closed: 'closed',
} as const;

/**
 * Keeps promotion records in agreement with Git after interruptions: records whose Git operation
 * may not have finished (an expired lease, a crash before the first write's answer) are moved to
 * what Git says, and promotion branches whose record was lost are adopted from their trailers.
 */
export function createPromotionReconciler(options: {
  store: PromotionStore;
  repositoryOf: (promotion: Promotion) => Promise<GitRepository>;
  repositories?: () => Iterable<GitRepository>;
  logger: LoggerService;
  now: () => Date;
  leaseMs: number;
}) {
  const { store, repositoryOf, logger, now, leaseMs } = options;
  /** Branches (at a commit) already found to carry no trailers: read and reported once. */
  const unadoptable = new Set<string>();

  function traceOf(promotion: Promotion, repository: GitRepository) {
    // Git's --since has one-second steps: start a minute early.
    const since = new Date(Date.parse(promotion.createdAt) - 60_000);
    return repository.tracePromotion(promotion.id, {
      branch: branchOf(promotion),
      since: since.toISOString(),
    });
  }

  /**
   * Makes one record say what Git says, under the lease `holder` (taken by the caller), and
   * frees the lease. Returns the promotion as it now stands.
   */
  async function reconcileOne(
    stored: StoredPromotion,
    holder: string,
  ): Promise<Promotion | undefined> {
    const { promotion } = stored;
    const repository = await repositoryOf(promotion);
    const trace = await traceOf(promotion, repository);
    const intent = stored.lease?.operation;
    const reconciled = reconcileWithGit(promotion, trace, {
      intent,
      canMerge: repository.canMerge,
      now: now(),
      branch: branchOf(promotion),
    });
    if (!reconciled && intent === 'cancel') {
      // A cancel was interrupted with its change still open: finish it.
      await repository.closeChange({
        ...openedChange(promotion),
        branch: branchOf(promotion) ?? '',
      });
      return store.transition(promotion.id, {
        from: [promotion.state],
        holder,
        to: 'cancelled',
        message: 'Cancelled (finished after an interruption)',
        patch: { reason: 'Cancelled (finished after an interruption)' },
      });
    }
    if (!reconciled) {
      await store.release(promotion.id, holder);
      return promotion;
    }
    return store.transition(promotion.id, {
      from: [promotion.state],
      holder,
      ...reconciled,
    });
  }

  /**
   * Checks against Git every open record whose last Git operation may have been interrupted:
   * records being written whose lease expired (a crash, a lost answer), and merges or cancels
   * whose lease expired. One replica's lease keeps others off the same record.
   */
  async function reconcileAll(): Promise<{ reconciled: number }> {
    let reconciled = 0;
    const at = now().getTime();
    for (const stored of await store.listOpenStored()) {
      const { promotion, lease } = stored;
      const expired = lease && Date.parse(lease.until) <= at;
      const orphanedPlan =
        promotion.state === 'planned' &&
        !lease &&
        at - Date.parse(promotion.updatedAt) > leaseMs;
      if (!expired && !orphanedPlan) {
        continue;
      }
      const claim = await store.claim(promotion.id, {
        from: [promotion.state],
        operation: 'reconcile',
        ttlMs: leaseMs,
      });
      if (!claim.claimed) {
        continue;
      }
      try {
        const after = await reconcileOne(stored, claim.lease.holder);
        reconciled++;
        logger.info(
          `Reconciled promotion ${promotion.id} of ${promotion.entityRef} to ${
            promotion.to
          } with Git: ${promotion.state} -> ${after?.state ?? 'unchanged'}`,
        );
      } catch (error) {
        await store.release(promotion.id, claim.lease.holder);
        logger.warn(
          `Could not reconcile promotion ${promotion.id} with Git: ${
            (error as Error).message
          }`,
        );
      }
    }
    return { reconciled };
  }

  /**
   * Records promotions whose branch exists but whose record was lost (a database restored from
   * a backup, an in-memory database restarted): the commit's trailers say which promotion, entity
   * and step it is. A branch without them is reported, never deleted.
   */
  async function adoptOrphans(): Promise<{
    adopted: number;
    orphans: string[];
  }> {
    let adopted = 0;
    const orphans: string[] = [];
    for (const repository of options.repositories?.() ?? []) {
      let branches;
      try {
        branches = await repository.listChangeBranches();
      } catch (error) {
        logger.warn(
          `Could not list the branches of ${repository.name}: ${
            (error as Error).message
          }`,
        );
        continue;
      }
      for (const { branch, commit } of branches) {
        const prefix = /^stagecraft\/promote\/.*-([0-9a-f]{8})$/.exec(
          branch,
        )?.[1];
        const seen = `${repository.name}:${branch}@${commit}`;
        if (
          !prefix ||
          unadoptable.has(seen) ||
          (await store.findByIdPrefix(prefix)).length > 0
        ) {
          continue;
        }
        try {
          const { message, parents } = await repository.readCommitMessage(
            commit,
          );
          const trailers = parsePromotionTrailers(message);
          if (!trailers || !trailers.promotionId.startsWith(prefix)) {
            unadoptable.add(seen);
            orphans.push(`${repository.name}:${branch}`);
            continue;
          }
          const snapshot = await repository.readSnapshot();
          // Where the host has pull requests, the branch's pull request says where it stands.
          const { pullRequest } = await repository.tracePromotion(
            trailers.promotionId,
            { branch, since: new Date(0).toISOString() },
          );
          const state = ADOPTED_STATE[pullRequest?.state ?? 'open'];
          const at = now().toISOString();
          const reason = `Adopted from branch ${branch}: its record was lost`;
          const recorded = await store.adopt({
            id: trailers.promotionId,
            entityRef: trailers.entityRef,
            from: trailers.from,
            to: trailers.to,
            state,
            method: 'pull-request',
            version: { images: [] },
            changes: [],
            files: [],
            gates: [],
            note: reason,
            requestedBy: trailers.requestedBy,
            target: {
              repository: repository.name,
              branch: snapshot.branch,
              baseCommit: parents[0] ?? commit,
            },
            changeBranch: branch,
            commit: { sha: commit },
            ...(pullRequest && {
              pullRequest: { number: pullRequest.number, url: pullRequest.url },
            }),
            mergeable: repository.canMerge,
            createdAt: at,
            updatedAt: at,
            events: [{ state, at, message: reason }],
          });
          if (recorded) {
            adopted++;
            logger.info(`${reason} (promotion ${trailers.promotionId})`);
          }
        } catch (error) {
          orphans.push(`${repository.name}:${branch}`);
          logger.warn(
            `Could not adopt branch ${branch} of ${repository.name}: ${
              (error as Error).message
            }`,
          );
        }
      }
    }
    if (orphans.length > 0) {
      logger.warn(
        `Branches that look like promotions but have no record and cannot be adopted: ${orphans.join(
          ', ',
        )}`,
      );
    }
    return { adopted, orphans };
  }

  return { traceOf, reconcileOne, reconcileAll, adoptOrphans };
}
