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
import { GitRepository, OpenedChange } from '../../git';
import { PromotionStore } from '../../database';
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
import { versionFieldsOf, versionHistory } from './versionHistory';
import { PromotionService } from './types';
import { entityEnvironmentsUrl } from '../entityUrl';
import { authorOf as author, requesterOf as requester } from '../identity';

/** How many commits of the version files' history are read. */
const HISTORY_DEPTH = 50;

/** A promotion left in `planned` this long was interrupted before it reached Git. */
const PLANNED_TIMEOUT_MS = 10 * 60_000;

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

  function openedChange(promotion: Promotion): OpenedChange {
    return {
      branch: promotion.changeBranch ?? '',
      commit: promotion.commit?.sha ?? '',
      ...(promotion.pullRequest && { pullRequest: promotion.pullRequest }),
    };
  }

  async function repositoryOf(promotion: Promotion): Promise<GitRepository> {
    return matrix.getRepository(parseEntityRef(promotion.entityRef), {
      credentials: await auth.getOwnServiceCredentials(),
    });
  }

  /** Writes a recorded plan to Git, and records where it went (or why it did not). */
  async function execute(
    promotion: Promotion,
    planned: PlannedPromotion,
    repository: GitRepository,
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
        const commit = await repository.commit(request);
        return (await store.transition(promotion.id, {
          from: ['planned'],
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
      return (await store.transition(promotion.id, {
        from: ['planned'],
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
      await store.transition(promotion.id, {
        from: ['planned'],
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
  ) {
    const requestedBy = requesterOf(credentials);
    if (idempotencyKey) {
      const existing = await store.findByIdempotencyKey(
        requestedBy,
        idempotencyKey,
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
    const { promotion, created } = await store.create(
      {
        entityRef: thePlan.entityRef,
        from: thePlan.from,
        to: thePlan.to,
        state: 'planned',
        method: thePlan.method,
        version: thePlan.version,
        changes: thePlan.changes,
        files: thePlan.files,
        gates: thePlan.gates,
        ...(request.note && { note: request.note }),
        requestedBy,
        target: thePlan.target,
      },
      { idempotencyKey },
    );
    if (!created) {
      return { promotion, created };
    }
    return {
      promotion: await execute(
        promotion,
        planned,
        planned.state.declared!.repository,
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

  /** Moves one open promotion on, as far as Git and the target's clusters allow. */
  async function trackOne(promotion: Promotion): Promise<void> {
    const at = now();
    switch (promotion.state) {
      case 'planned': {
        if (
          at.getTime() - new Date(promotion.createdAt).getTime() >
          PLANNED_TIMEOUT_MS
        ) {
          await store.transition(promotion.id, {
            from: ['planned'],
            to: 'failed',
            message: 'Interrupted before it reached Git',
            patch: { reason: 'Interrupted before it reached Git; retry it' },
          });
        }
        return;
      }
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
      return createPromotion(entityRef, request, credentials, idempotencyKey);
    },

    async get(id, { credentials }) {
      return load(id, credentials);
    },

    async cancel(id, { credentials }) {
      const promotion = await load(id, credentials);
      await assertMayPromote(promotion, credentials, 'cancel');
      if (!['planned', 'pending-review'].includes(promotion.state)) {
        throw new ConflictError(
          `Promotion ${id} is ${
            promotion.state
          } and can no longer be cancelled${
            ['merged', 'syncing', 'completed'].includes(promotion.state)
              ? `: promote the previous version to roll ${promotion.to} back`
              : ''
          }`,
        );
      }
      if (promotion.state === 'pending-review') {
        const repository = await repositoryOf(promotion);
        await repository.closeChange(openedChange(promotion));
      }
      const by = requesterOf(credentials);
      const cancelled = await store.transition(id, {
        from: ['planned', 'pending-review'],
        to: 'cancelled',
        message: `Cancelled by ${by}`,
        patch: { reason: `Cancelled by ${by}` },
      });
      if (!cancelled) {
        throw new ConflictError(
          `Promotion ${id} moved on while it was being cancelled`,
        );
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
      const by = requesterOf(credentials);
      const merged = await repository.mergeChange(openedChange(promotion), {
        message: `Merge ${promotion.changeBranch}\n\n${changeTitle(
          promotion,
        )}\n\nMerged by ${by} through Backstage.`,
        author: await authorOf(by),
      });
      const updated = await store.transition(id, {
        from: ['pending-review'],
        to: 'merged',
        message: `Merged by ${by} as ${merged.commit.slice(0, 12)}`,
        patch: { mergedAt: now().toISOString() },
      });
      return updated ?? (await load(id, credentials));
    },

    async history(entityRef, { credentials, environment }) {
      return historyOf(entityRef, credentials, environment);
    },

    async track() {
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

/** `stagecraft/promote/catalogue-staging-1a2b3c4d`: one branch per promotion, readable in any Git UI. */
export function changeBranchName(promotion: Promotion): string {
  const { name } = parseEntityRef(promotion.entityRef);
  const safe = (text: string) =>
    text
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .slice(0, 40);
  return `stagecraft/promote/${safe(name)}-${safe(
    promotion.to,
  )}-${promotion.id.slice(0, 8)}`;
}
