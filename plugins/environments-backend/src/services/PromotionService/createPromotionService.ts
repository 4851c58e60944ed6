import {
  AuthService,
  BackstageCredentials,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  parseEntityRef,
  RELATION_OWNED_BY,
} from '@backstage/catalog-model';
import {
  ConflictError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { NotificationService } from '@backstage/plugin-notifications-node';
import {
  environmentsEntityReadPermission,
  HistoryEntry,
  Promotion,
  PromotionRequest,
} from '@stagecraft/plugin-environments-common';
import { GitRepository } from '../../git';
import { PromotionStore, StoredPromotion } from '../../database';
import { PromotionAuthorizer } from '../../permissions/createPromotionAuthorizer';
import { EntityState, MatrixService } from '../MatrixService/types';
import {
  defaultEnvironmentPolicies,
  EnvironmentPolicies,
} from './environmentPolicies';
import { planPromotion, PlannedPromotion } from './planPromotion';
import {
  changeTitle,
  commitMessage,
  formatImageVersion,
  pullRequestBody,
} from './changeDescription';
import { targetProgress } from './targetProgress';
import { reconcileWithGit } from './reconcileWithGit';
import { createPromotionReconciler } from './createPromotionReconciler';
import { branchOf, changeBranchName, openedChange } from './promotionChange';
import { requestFingerprint } from './requestFingerprint';
import { crashPoint } from './crashPoint';
import { versionFieldsOf, versionHistory } from './versionHistory';
import { PromotionService } from './types';
import { entityEnvironmentsUrl } from '../entityUrl';
import { authorOf as author, requesterOf as requester } from '../identity';

/** How many commits of the version files' history are read. */
const HISTORY_DEPTH = 50;

/**
 * How long an operation that writes a promotion to Git (execute, merge, cancel) holds its lease.
 * Past it, the operation is taken for interrupted and reconciliation reads Git to finish it.
 */
const DEFAULT_LEASE_MS = 2 * 60_000;

/** Errors of writes that are refused before anything reaches Git. */
const DEFINITE_REFUSALS = new Set([
  'ConflictError',
  'InputError',
  'NotAllowedError',
  'NotFoundError',
]);

export function createPromotionService(options: {
  matrix: MatrixService;
  store: PromotionStore;
  catalog: CatalogService;
  auth: AuthService;
  permissions: PermissionsService;
  authorizePromotions: PromotionAuthorizer;
  policies?: EnvironmentPolicies;
  notifications?: NotificationService;
  logger: LoggerService;
  /** The app's base URL, for links from pull requests and notifications to the entity. */
  appBaseUrl?: string;
  /** How long a merged promotion may take to run Healthy in its target; default 10 minutes. */
  syncTimeoutMs?: number;
  /** How long a Git operation holds a promotion before reconciliation may take it over. */
  leaseMs?: number;
  /**
   * The repositories whose `stagecraft/` branches are checked for promotions without a record
   * (the plain-git repositories of `environments.repositories`).
   */
  repositories?: () => Iterable<GitRepository>;
  now?: () => Date;
}): PromotionService {
  const {
    matrix,
    store,
    catalog,
    auth,
    permissions,
    authorizePromotions,
    notifications,
    logger,
    appBaseUrl,
  } = options;
  const policies = options.policies ?? defaultEnvironmentPolicies;
  const syncTimeoutMs = options.syncTimeoutMs ?? 10 * 60_000;
  const now = options.now ?? (() => new Date());
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;

  const entityUrl = (entityRef: string) =>
    entityEnvironmentsUrl(appBaseUrl, entityRef);

  const requesterOf = (credentials: BackstageCredentials) =>
    requester(auth, credentials);
  const authorOf = (who: string) => author(who, { catalog, auth });

  async function plan(
    entityRef: CompoundEntityRef,
    request: PromotionRequest,
    credentials: BackstageCredentials,
    refresh: boolean,
  ): Promise<PlannedPromotion & { state: EntityState }> {
    const state = await matrix.getEntityState(entityRef, {
      credentials,
      refresh,
    });
    const environments = state.matrix.environments;
    const to = environments.find(e => e.name === request.to);
    const previous = to ? environments[to.order - 1]?.name : undefined;
    const policy = policies(request.to, {
      order: to?.order ?? 0,
      previous,
    });
    const [allowed] = await authorizePromotions(
      [
        {
          entityRef: state.matrix.entityRef,
          owners: (state.entity.relations ?? [])
            .filter(r => r.type === RELATION_OWNED_BY)
            .map(r => r.targetRef),
          source: request.from,
          target: request.to,
        },
      ],
      credentials,
    );
    const planned = await planPromotion({
      state,
      request,
      policy,
      permission: allowed
        ? { allowed: true }
        : {
            allowed: false,
            reason: `You may not promote ${state.matrix.entityRef} to ${request.to}`,
          },
      now: now(),
    });
    return { ...planned, state };
  }

  async function assertMayRead(
    entityRef: string,
    credentials: BackstageCredentials,
  ) {
    const [decision] = await permissions.authorize(
      [
        {
          permission: environmentsEntityReadPermission,
          resourceRef: entityRef,
        },
      ],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `You may not read the environments of ${entityRef}`,
      );
    }
  }

  async function load(id: string, credentials: BackstageCredentials) {
    const promotion = await store.get(id);
    if (!promotion) {
      throw new NotFoundError(`No promotion ${id}`);
    }
    await assertMayRead(promotion.entityRef, credentials);
    return promotion;
  }

  /** Whether the caller may act on an existing promotion: the same permission as creating it. */
  async function assertMayPromote(
    promotion: Promotion,
    credentials: BackstageCredentials,
    action: string,
  ) {
    const entity = await catalog.getEntityByRef(promotion.entityRef, {
      credentials,
    });
    const [allowed] = await authorizePromotions(
      [
        {
          entityRef: promotion.entityRef,
          owners: (entity?.relations ?? [])
            .filter(r => r.type === RELATION_OWNED_BY)
            .map(r => r.targetRef),
          source: promotion.from,
          target: promotion.to,
        },
      ],
      credentials,
    );
    if (!allowed) {
      throw new NotAllowedError(
        `You may not ${action} promotions of ${promotion.entityRef} to ${promotion.to}`,
      );
    }
  }

  async function repositoryOf(promotion: Promotion): Promise<GitRepository> {
    return matrix.getRepository(parseEntityRef(promotion.entityRef), {
      credentials: await auth.getOwnServiceCredentials(),
    });
  }

  const reconciler = createPromotionReconciler({
    store,
    repositoryOf,
    repositories: options.repositories,
    logger,
    now,
    leaseMs,
  });
  const { traceOf } = reconciler;

  /** Writes a recorded plan to Git, and records where it went (or why it did not). */
  async function execute(
    promotion: Promotion,
    planned: PlannedPromotion,
    repository: GitRepository,
    holder: string,
  ): Promise<Promotion> {
    const { plan: thePlan, edits } = planned;
    const request = {
      baseCommit: thePlan.target.baseCommit,
      files: edits.map(edit => ({ path: edit.file, content: edit.after })),
      message: commitMessage(thePlan, {
        promotionId: promotion.id,
        requestedBy: promotion.requestedBy,
        note: promotion.note,
      }),
      author: await authorOf(promotion.requestedBy),
    };
    try {
      if (thePlan.method === 'direct-commit') {
        crashPoint('record-written');
        const commit = await repository.commit(request);
        crashPoint('change-pushed');
        return (await store.transition(promotion.id, {
          from: ['planned'],
          holder,
          to: 'merged',
          message: `Committed ${commit.commit.slice(0, 12)} to ${
            thePlan.target.branch
          }`,
          patch: {
            commit: {
              sha: commit.commit,
              ...(commit.url && { url: commit.url }),
            },
            mergedAt: now().toISOString(),
          },
        }))!;
      }
      crashPoint('record-written');
      const change = await repository.openChange({
        ...request,
        branch: changeBranchName(promotion),
        title: changeTitle(thePlan),
        body: pullRequestBody(thePlan, {
          promotionId: promotion.id,
          requestedBy: promotion.requestedBy,
          note: promotion.note,
          entityUrl: entityUrl(promotion.entityRef),
        }),
      });
      crashPoint('change-pushed');
      return (await store.transition(promotion.id, {
        from: ['planned'],
        holder,
        to: 'pending-review',
        message: change.pullRequest
          ? `Opened pull request #${change.pullRequest.number}`
          : `Pushed branch ${change.branch} for review`,
        patch: {
          changeBranch: change.branch,
          commit: {
            sha: change.commit,
            ...(change.commitUrl && { url: change.commitUrl }),
          },
          ...(change.pullRequest && { pullRequest: change.pullRequest }),
          mergeable: repository.canMerge,
        },
      }))!;
    } catch (error) {
      const reason = (error as Error).message;
      // A write whose answer was lost may still have reached Git: ask Git before saying it failed.
      // Refusals (conflict, input, permission) wrote nothing.
      if (!DEFINITE_REFUSALS.has((error as Error).name)) {
        const found = await traceOf(promotion, repository)
          .then(trace =>
            reconcileWithGit(promotion, trace, {
              canMerge: repository.canMerge,
              now: now(),
              branch: branchOf(promotion),
            }),
          )
          .catch(() => undefined);
        if (found && found.to !== 'failed') {
          const moved = await store.transition(promotion.id, {
            from: ['planned'],
            holder,
            ...found,
          });
          if (moved) {
            logger.warn(
              `Promotion ${promotion.id} reported an error (${reason}) but reached Git: ${moved.state}`,
            );
            return moved;
          }
        }
      }
      await store.transition(promotion.id, {
        from: ['planned'],
        holder,
        to: 'failed',
        message: reason,
        patch: { reason },
      });
      logger.warn(
        `Promotion ${promotion.id} of ${promotion.entityRef} to ${promotion.to} failed: ${reason}`,
      );
      if ((error as Error).name === 'ConflictError') {
        throw new ConflictError(
          `${reason}. Nothing was written; re-plan and try again`,
        );
      }
      throw error;
    }
  }

  async function createPromotion(
    entityRef: CompoundEntityRef,
    request: PromotionRequest,
    credentials: BackstageCredentials,
    idempotencyKey: string | undefined,
    fingerprint: string,
  ) {
    const requestedBy = requesterOf(credentials);
    if (idempotencyKey) {
      const existing = await store.findByIdempotencyKey(
        requestedBy,
        idempotencyKey,
        fingerprint,
      );
      if (existing) {
        return { promotion: existing, created: false };
      }
    }
    const planned = await plan(entityRef, request, credentials, true);
    const thePlan = planned.plan;
    if (request.planId && request.planId !== thePlan.planId) {
      throw new ConflictError(
        `The plan changed since it was previewed (${
          thePlan.target.branch
        } is now at ${thePlan.target.baseCommit.slice(0, 12)}): re-plan`,
      );
    }
    if (!thePlan.permission.allowed) {
      throw new NotAllowedError(thePlan.permission.reason);
    }
    const failed = thePlan.gates.filter(gate => !gate.passed);
    if (failed.length > 0) {
      throw new ConflictError(
        `Promotion of ${thePlan.entityRef} to ${thePlan.to} is blocked: ${failed
          .map(gate => gate.reason)
          .join('; ')}`,
      );
    }
    // Write-ahead: the record (with a lease for the write that follows) exists before anything
    // is pushed, so a crash in between leaves a record that reconciliation checks against Git.
    const { promotion, created, lease } = await store.create(
      {
        entityRef: thePlan.entityRef,
        from: thePlan.from,
        to: thePlan.to,
        state: 'planned',
        method: thePlan.method,
        // What the plan changes, never what the client sent.
        version: {
          images: thePlan.changes.map(c => ({
            application: c.application,
            container: c.container,
            image: c.to.image,
            tag: c.to.tag,
            digest: c.to.digest,
          })),
        },
        changes: thePlan.changes,
        files: thePlan.files,
        gates: thePlan.gates,
        ...(request.note && { note: request.note }),
        requestedBy,
        target: thePlan.target,
      },
      {
        idempotencyKey,
        fingerprint,
        lease: { operation: 'execute', ttlMs: leaseMs },
      },
    );
    if (!created || !lease) {
      return { promotion, created };
    }
    return {
      promotion: await execute(
        promotion,
        planned,
        planned.state.declared!.repository,
        lease.holder,
      ),
      created: true,
    };
  }

  async function notify(promotion: Promotion) {
    if (!notifications || !promotion.requestedBy.includes(':')) {
      return;
    }
    const completed = promotion.state === 'completed';
    try {
      await notifications.send({
        recipients: { type: 'entity', entityRef: promotion.requestedBy },
        payload: {
          title: `${completed ? 'Promoted' : 'Promotion failed:'} ${
            parseEntityRef(promotion.entityRef).name
          } to ${promotion.to}`,
          description: completed
            ? `${promotion.to} runs ${promotion.changes
                .map(c => formatImageVersion(c.to))
                .join(', ')} and is Healthy.`
            : promotion.reason,
          link: entityUrl(promotion.entityRef),
          severity: completed ? 'normal' : 'high',
          topic: 'environments-promotion',
          scope: `environments-promotion:${promotion.id}`,
        },
      });
    } catch (error) {
      logger.warn(
        `Could not notify ${promotion.requestedBy} about promotion ${
          promotion.id
        }: ${(error as Error).message}`,
      );
    }
  }

  /** The 409 for a move that lost a race: what the promotion is now, and what holds it. */
  function notNow(
    id: string,
    verb: string,
    current: StoredPromotion | undefined,
    before: Promotion,
  ): ConflictError {
    const state = current?.promotion.state ?? before.state;
    const lease = current?.lease;
    const busy =
      lease && Date.parse(lease.until) > now().getTime()
        ? `; a ${lease.operation} is under way`
        : '';
    return new ConflictError(
      `Promotion ${id} is ${state}${busy} and cannot be ${verb} now`,
    );
  }

  /** Moves one open promotion on, as far as Git and the target's clusters allow. */
  async function trackOne(promotion: Promotion): Promise<void> {
    const at = now();
    switch (promotion.state) {
      case 'planned':
        // Being written under its lease, or left by a crash: reconciliation reads Git for it.
        return;
      case 'pending-review': {
        const repository = await repositoryOf(promotion);
        const status = await repository.getChangeStatus(
          openedChange(promotion),
        );
        if (status.state === 'merged') {
          await store.transition(promotion.id, {
            from: ['pending-review'],
            to: 'merged',
            message: status.mergeCommit
              ? `Merged as ${status.mergeCommit.slice(0, 12)}`
              : 'Merged',
            patch: { mergedAt: status.mergedAt ?? at.toISOString() },
          });
        } else if (status.state === 'closed') {
          const reason = promotion.pullRequest
            ? `Pull request #${promotion.pullRequest.number} was closed without merging`
            : `Branch ${promotion.changeBranch} was deleted without merging`;
          await store.transition(promotion.id, {
            from: ['pending-review'],
            to: 'closed',
            message: reason,
            patch: { reason },
          });
        }
        return;
      }
      case 'merged': {
        await store.transition(promotion.id, {
          from: ['merged'],
          to: 'syncing',
          message: `Waiting for ${promotion.to} to run it`,
        });
        return;
      }
      case 'syncing': {
        const state = await matrix.getEntityState(
          parseEntityRef(promotion.entityRef),
          { credentials: await auth.getOwnServiceCredentials(), refresh: true },
        );
        const environment = state.matrix.environments.find(
          e => e.name === promotion.to,
        );
        const since = new Date(promotion.mergedAt ?? promotion.updatedAt);
        const progress = targetProgress(promotion, environment, {
          elapsedMs: at.getTime() - since.getTime(),
          timeoutMs: syncTimeoutMs,
        });
        if (progress.state === 'syncing') {
          return;
        }
        const updated = await store.transition(promotion.id, {
          from: ['syncing'],
          to: progress.state,
          message: progress.message,
          patch:
            progress.state === 'completed'
              ? {
                  completedAt: at.toISOString(),
                  leadTimeSeconds: Math.max(
                    0,
                    Math.round((at.getTime() - since.getTime()) / 1000),
                  ),
                }
              : { reason: progress.message },
        });
        if (updated && updated.state !== 'superseded') {
          await notify(updated);
        }
        return;
      }
      default:
        return;
    }
  }

  async function historyOf(
    entityRef: CompoundEntityRef,
    credentials: BackstageCredentials,
    environment?: string,
  ) {
    const state = await matrix.getEntityState(entityRef, { credentials });
    const ref = state.matrix.entityRef;
    const promotions = await store.list({
      entityRef: ref,
      environment,
      limit: HISTORY_DEPTH,
    });
    const problems: Array<{ message: string }> = [];

    const fields = versionFieldsOf(
      state.matrix.environments.filter(
        env => !environment || env.name === environment,
      ),
    );
    let commits: HistoryEntry[] = [];
    if (state.declared && fields.length > 0) {
      try {
        const files = [...new Set(fields.map(f => f.provenance.file))];
        commits = versionHistory(
          fields,
          await state.declared.repository.readFileHistory(files, {
            limit: HISTORY_DEPTH,
          }),
        );
      } catch (error) {
        problems.push({
          message: `The Git history could not be read: ${
            (error as Error).message
          }`,
        });
      }
    }

    const made: HistoryEntry[] = promotions.map(p => ({
      id: p.id,
      environment: p.to,
      kind: 'promotion',
      state: p.state,
      from: p.from,
      changes: p.changes.map(c => ({
        application: c.application,
        container: c.container,
        from: c.from,
        to: c.to,
      })),
      by: p.requestedBy,
      at: p.createdAt,
      ...(p.note && { message: p.note }),
      ...(p.commit && { commit: p.commit }),
      ...(p.pullRequest && {
        pullRequest: { number: p.pullRequest.number, url: p.pullRequest.url },
      }),
      ...(p.leadTimeSeconds !== undefined && {
        leadTimeSeconds: p.leadTimeSeconds,
      }),
      ...(p.reason && { reason: p.reason }),
    }));
    // A promotion's own commit shows up in Git too: keep the promotion, which knows more.
    const ours = new Set(
      promotions.flatMap(p => (p.commit ? [p.commit.sha] : [])),
    );
    // Newest first; Git's times have seconds only, so at equal times ours come first.
    const items = [...made, ...commits.filter(c => !ours.has(c.id))].sort(
      (a, b) =>
        Math.floor(Date.parse(b.at) / 1000) -
          Math.floor(Date.parse(a.at) / 1000) ||
        Number(b.kind === 'promotion') - Number(a.kind === 'promotion'),
    );
    return { entityRef: ref, items, problems };
  }

  return {
    async plan(entityRef, request, { credentials }) {
      return (await plan(entityRef, request, credentials, true)).plan;
    },

    async create(entityRef, request, { credentials, idempotencyKey }) {
      const fingerprint = requestFingerprint('create', {
        entity: [entityRef.kind, entityRef.namespace, entityRef.name].map(p =>
          p.toLocaleLowerCase('en-US'),
        ),
        request,
      });
      return createPromotion(
        entityRef,
        request,
        credentials,
        idempotencyKey,
        fingerprint,
      );
    },

    async get(id, { credentials }) {
      return load(id, credentials);
    },

    async cancel(id, { credentials }) {
      const promotion = await load(id, credentials);
      await assertMayPromote(promotion, credentials, 'cancel');
      const claim = await store.claim(id, {
        from: ['planned', 'pending-review'],
        operation: 'cancel',
        ttlMs: leaseMs,
      });
      if (!claim.claimed) {
        throw notNow(id, 'cancelled', claim.current, promotion);
      }
      const { holder } = claim.lease;
      const by = requesterOf(credentials);
      try {
        const repository = await repositoryOf(claim.promotion);
        // Git first: a change that reached the branch is merged, whatever the button said.
        const trace = await traceOf(claim.promotion, repository);
        const reconciled = reconcileWithGit(claim.promotion, trace, {
          intent: 'cancel',
          canMerge: repository.canMerge,
          now: now(),
          branch: branchOf(claim.promotion),
        });
        if (reconciled?.to === 'merged') {
          const merged = await store.transition(id, {
            from: [claim.promotion.state],
            holder,
            ...reconciled,
          });
          throw new ConflictError(
            `Promotion ${id} can no longer be cancelled: it was merged into ${
              promotion.target.branch
            } and is followed to ${promotion.to} (${
              merged?.state ?? 'merged'
            }); promote the previous version to roll ${promotion.to} back`,
          );
        }
        if (trace.branch || trace.pullRequest?.state === 'open') {
          await repository.closeChange({
            ...openedChange(claim.promotion),
            branch: branchOf(claim.promotion) ?? '',
          });
        }
      } catch (error) {
        await store.release(id, holder);
        throw error;
      }
      crashPoint('change-closed');
      const cancelled = await store.transition(id, {
        from: ['planned', 'pending-review'],
        holder,
        to: 'cancelled',
        message: `Cancelled by ${by}`,
        patch: { reason: `Cancelled by ${by}` },
      });
      if (!cancelled) {
        const current = await store.getStored(id);
        throw notNow(id, 'cancelled', current, promotion);
      }
      return cancelled;
    },

    async retry(id, { credentials, idempotencyKey }) {
      const promotion = await load(id, credentials);
      if (!['failed', 'closed', 'cancelled'].includes(promotion.state)) {
        throw new ConflictError(
          `Promotion ${id} is ${promotion.state}: only failed, closed or cancelled promotions can be retried`,
        );
      }
      return createPromotion(
        parseEntityRef(promotion.entityRef),
        {
          from: promotion.from,
          to: promotion.to,
          version: promotion.version,
          ...(promotion.note && { note: promotion.note }),
        },
        credentials,
        idempotencyKey,
        requestFingerprint('retry', { id }),
      );
    },

    async merge(id, { credentials }) {
      const promotion = await load(id, credentials);
      await assertMayPromote(promotion, credentials, 'merge');
      if (promotion.state !== 'pending-review') {
        throw new ConflictError(
          `Promotion ${id} is ${promotion.state}; only a promotion pending review can be merged`,
        );
      }
      const repository = await repositoryOf(promotion);
      if (!repository.canMerge) {
        throw new NotAllowedError(
          promotion.pullRequest
            ? `Merge pull request #${promotion.pullRequest.number} on ${promotion.target.repository}`
            : `Repository ${promotion.target.repository} does not allow merging from the portal (environments.repositories.<name>.allowMerge)`,
        );
      }
      const claim = await store.claim(id, {
        from: ['pending-review'],
        operation: 'merge',
        ttlMs: leaseMs,
      });
      if (!claim.claimed) {
        throw notNow(id, 'merged', claim.current, promotion);
      }
      const { holder } = claim.lease;
      const by = requesterOf(credentials);
      let merged;
      try {
        merged = await repository.mergeChange(openedChange(claim.promotion), {
          message: `Merge ${promotion.changeBranch}\n\n${changeTitle(
            promotion,
          )}\n\nMerged by ${by} through Backstage.`,
          author: await authorOf(by),
        });
      } catch (error) {
        await store.release(id, holder);
        throw error;
      }
      crashPoint('merged');
      const updated = await store.transition(id, {
        from: ['pending-review'],
        holder,
        to: 'merged',
        message: `Merged by ${by} as ${merged.commit.slice(0, 12)}`,
        patch: { mergedAt: now().toISOString() },
      });
      return updated ?? (await load(id, credentials));
    },

    async reconcile(reconcileOptions) {
      const { reconciled } = await reconciler.reconcileAll();
      const { adopted, orphans } =
        reconcileOptions?.adoptBranches === false
          ? { adopted: 0, orphans: [] }
          : await reconciler.adoptOrphans();
      return { reconciled, adopted, orphans };
    },

    async history(entityRef, { credentials, environment }) {
      return historyOf(entityRef, credentials, environment);
    },

    async track() {
      await reconciler.reconcileAll();
      for (const promotion of await store.listOpen()) {
        try {
          await trackOne(promotion);
        } catch (error) {
          logger.warn(
            `Following promotion ${promotion.id} failed: ${
              (error as Error).message
            }`,
          );
        }
      }
    },
  };
}
