import { createHash } from 'node:crypto';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  FINAL_PROMOTION_STATES,
  ImageVersion,
  Promotion,
  PromotionPlan,
  PromotionRequest,
  PromotionState,
} from '@stagecraft/plugin-environments-common';
import { EnvironmentsService } from '@stagecraft/plugin-environments-node';
import { callEnvironmentsApi, parseEntity } from './environmentsApi';
import { examples } from './promote.examples';

/** How long to wait for by default, in minutes. */
const DEFAULT_TIMEOUT_MINUTES = 10;

/** How often to look at the promotion while waiting, in milliseconds. */
const DEFAULT_POLL_INTERVAL_MS = 3000;

/** The states at or past each `waitFor` target. */
const REACHED: Record<'pending-review' | 'completed', PromotionState[]> = {
  'pending-review': ['pending-review', 'merged', 'syncing', 'completed'],
  completed: ['completed'],
};

/**
 * Creates the `environments:promote` action: plans a promotion of an entity's version from one
 * environment to another and carries it out, as the user running the template.
 *
 * @public
 */
export function createPromoteAction(options: {
  environments: EnvironmentsService;
  /** How often to look at the promotion while waiting; default 3 s. */
  pollIntervalMs?: number;
}) {
  const { environments } = options;
  const pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;

  return createTemplateAction({
    id: 'environments:promote',
    description:
      'Promotes an entity’s version from one environment to another through the environments ' +
      'plugin, as the user running the template: a pull request or a commit in the GitOps ' +
      'repository, with the plugin’s gates and permission checks. A dry run shows the plan only.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        entityRef: z =>
          z.string({
            description:
              'The entity to promote, e.g. `component:default/catalogue` (kind defaults to ' +
              '`component`, namespace to `default`)',
          }),
        from: z =>
          z.string({ description: 'The source environment, e.g. `staging`' }),
        to: z =>
          z.string({
            description: 'The target environment, e.g. `production`',
          }),
        version: z =>
          z
            .array(
              z.object({
                application: z.string({ description: 'The application' }),
                container: z.string({ description: 'The container' }),
                image: z
                  .string({
                    description:
                      'The image repository; default: the one the target declares',
                  })
                  .optional(),
                tag: z.string({ description: 'The image tag' }).optional(),
                digest: z
                  .string({
                    description: 'The image digest, `sha256:…`',
                  })
                  .optional(),
              }),
              {
                description:
                  'The images to promote (each with a tag, a digest or both); default: the ' +
                  'source environment’s version. A past version rolls back.',
              },
            )
            .optional(),
        note: z =>
          z
            .string({
              description: 'A note for the pull request and the history',
            })
            .optional(),
        waitFor: z =>
          z
            .enum(['pending-review', 'completed'], {
              description:
                'Wait until the promotion is under review (or further), or completed; default: ' +
                'return as soon as it is created',
            })
            .optional(),
        timeoutMinutes: z =>
          z
            .number({
              description: `How long to wait, in minutes; default ${DEFAULT_TIMEOUT_MINUTES}`,
            })
            .positive()
            .optional(),
      },
      output: {
        planId: z =>
          z.string({ description: 'The plan the promotion carries out' }),
        promotionId: z =>
          z
            .string({ description: 'The promotion (not on a dry run)' })
            .optional(),
        state: z =>
          z
            .string({
              description: 'Where the promotion is in its lifecycle',
            })
            .optional(),
        pullRequestUrl: z =>
          z
            .string({ description: 'The promotion’s pull request, if any' })
            .optional(),
        commitSha: z =>
          z
            .string({
              description: 'The commit that carries the change, if any',
            })
            .optional(),
        executable: z =>
          z
            .boolean({
              description:
                'Dry run: whether the plan may be carried out (gates passed, permission granted)',
            })
            .optional(),
        changes: z => {
          const imageVersion = z.object({
            image: z.string().nullable(),
            tag: z.string().nullable(),
            digest: z.string().nullable(),
          });
          return z
            .array(
              z.object({
                application: z.string(),
                container: z.string(),
                workload: z.string(),
                from: imageVersion,
                to: imageVersion,
                provenance: z.object({
                  file: z.string(),
                  path: z.string(),
                  line: z.number(),
                }),
              }),
              { description: 'Dry run: the images the promotion would change' },
            )
            .optional();
        },
      },
    },
    async handler(ctx) {
      const { from, to, note, waitFor } = ctx.input;
      const entityRef = parseEntity(ctx.input.entityRef);
      const request: Omit<PromotionRequest, 'dryRun'> = {
        from,
        to,
        ...(ctx.input.version && {
          version: {
            images: ctx.input.version.map(image => {
              if (!image.tag && !image.digest) {
                throw new InputError(
                  `Version of ${image.application}/${image.container} needs a tag or a digest`,
                );
              }
              return {
                application: image.application,
                container: image.container,
                image: image.image ?? null,
                tag: image.tag ?? null,
                digest: image.digest ?? null,
              };
            }),
          },
        }),
        ...(note && { note }),
      };
      const credentials = await ctx.getInitiatorCredentials();
      const subject = `${ctx.input.entityRef} from ${from} to ${to}`;
      const writeOutputs = (summary: PromotionSummary) => {
        ctx.output('promotionId', summary.promotionId);
        ctx.output('state', summary.state);
        if (summary.pullRequestUrl) {
          ctx.output('pullRequestUrl', summary.pullRequestUrl);
        }
        if (summary.commitSha) {
          ctx.output('commitSha', summary.commitSha);
        }
      };

      if (ctx.isDryRun) {
        const plan = await callApi(`Planning the promotion of ${subject}`, () =>
          environments.planPromotion(entityRef, request, { credentials }),
        );
        logPlan(ctx.logger, plan);
        ctx.output('planId', plan.planId);
        ctx.output('changes', plan.changes);
        ctx.output('executable', plan.executable);
        return;
      }

      // The same task step asks with the same key, so a re-run returns the first promotion
      // instead of starting a second one.
      const idempotencyKey = idempotencyKeyOf(
        ctx.task.id,
        ctx.step?.id,
        JSON.stringify([ctx.each ?? null, entityRef, from, to]),
      );
      const created = await ctx.checkpoint({
        key: `environments.promote.${idempotencyKey}`,
        fn: async () => {
          const plan = await callApi(
            `Planning the promotion of ${subject}`,
            () =>
              environments.planPromotion(entityRef, request, { credentials }),
          );
          logPlan(ctx.logger, plan);
          // A plan that is not executable still goes to the server: it either replays this
          // step's earlier promotion or refuses with its reason.
          const promotion = await callApi(`Promoting ${subject}`, () =>
            environments.createPromotion(
              entityRef,
              { ...request, planId: plan.planId },
              { credentials, idempotencyKey },
            ),
          );
          ctx.logger.info(
            `Promotion ${promotion.id} of ${subject}: ${promotion.state}`,
          );
          return { planId: plan.planId, ...summaryOf(promotion) };
        },
      });
      ctx.output('planId', created.planId);
      writeOutputs(created);
      failIfFinal(created, 'completed');

      if (!waitFor || REACHED[waitFor].includes(created.state)) {
        return;
      }
      const timeoutMinutes =
        ctx.input.timeoutMinutes ?? DEFAULT_TIMEOUT_MINUTES;
      const deadline = Date.now() + timeoutMinutes * 60_000;
      ctx.logger.info(
        `Waiting up to ${timeoutMinutes} minutes for promotion ${created.promotionId} to be ${waitFor}`,
      );
      let current: PromotionSummary = created;
      for (;;) {
        if (Date.now() >= deadline) {
          throw new Error(
            `Promotion ${current.promotionId} of ${subject} is still ${current.state} after ` +
              `${timeoutMinutes} minutes (waiting for ${waitFor})${
                current.pullRequestUrl ? `: ${current.pullRequestUrl}` : ''
              }`,
          );
        }
        await sleep(
          Math.min(pollIntervalMs, Math.max(0, deadline - Date.now())),
          ctx.signal,
        );
        const promotion = await callApi(
          `Reading promotion ${created.promotionId}`,
          () => environments.getPromotion(created.promotionId, { credentials }),
        );
        const next = summaryOf(promotion);
        if (next.state !== current.state) {
          ctx.logger.info(`Promotion ${next.promotionId}: ${next.state}`);
        }
        current = next;
        writeOutputs(current);
        failIfFinal(current, 'completed');
        if (REACHED[waitFor].includes(current.state)) {
          return;
        }
      }
    },
  });
}

type PromotionSummary = {
  promotionId: string;
  state: PromotionState;
  reason?: string;
  pullRequestUrl?: string;
  commitSha?: string;
};

function summaryOf(promotion: Promotion): PromotionSummary {
  return {
    promotionId: promotion.id,
    state: promotion.state,
    ...(promotion.reason && { reason: promotion.reason }),
    ...(promotion.pullRequest && { pullRequestUrl: promotion.pullRequest.url }),
    ...(promotion.commit && { commitSha: promotion.commit.sha }),
  };
}

/** Throws when the promotion ended other than as `success`. */
function failIfFinal(summary: PromotionSummary, success: PromotionState) {
  if (
    summary.state !== success &&
    FINAL_PROMOTION_STATES.includes(summary.state)
  ) {
    throw new Error(
      `Promotion ${summary.promotionId} ${summary.state}: ${
        summary.reason ?? 'no reason given'
      }`,
    );
  }
}

/** A key the environments API accepts (printable ASCII, at most 255 characters). */
function idempotencyKeyOf(
  taskId: string,
  stepId: string | undefined,
  extra: string,
): string {
  const hash = createHash('sha256')
    .update(JSON.stringify([taskId, stepId ?? null, extra]))
    .digest('hex')
    .slice(0, 32);
  return `scaffolder-${hash}`;
}

function formatImage(version: ImageVersion): string {
  return (
    `${version.image ?? ''}${version.tag ? `:${version.tag}` : ''}${
      version.digest ? `@${version.digest}` : ''
    }` || '(none)'
  );
}

function logPlan(
  logger: { info(message: string): void; warn(message: string): void },
  plan: PromotionPlan,
) {
  logger.info(
    `Plan ${plan.planId}: ${plan.entityRef} from ${plan.from} to ${plan.to} by ${plan.method} ` +
      `on ${plan.target.repository} (${
        plan.target.branch
      } at ${plan.target.baseCommit.slice(0, 12)})`,
  );
  for (const change of plan.changes) {
    logger.info(
      `  ${change.application}/${change.container} (${
        change.workload
      }): ${formatImage(change.from)} → ${formatImage(change.to)} in ${
        change.provenance.file
      }:${change.provenance.line}`,
    );
  }
  for (const file of plan.files) {
    logger.info(file.diff);
  }
  for (const refusal of plan.refusals) {
    logger.warn(
      `  not changed: ${refusal.application}/${refusal.container}: ${refusal.reason}`,
    );
  }
  for (const gate of plan.gates.filter(g => !g.passed)) {
    logger.warn(`  gate ${gate.gate} failed: ${gate.reason}`);
  }
  if (!plan.permission.allowed) {
    logger.warn(
      `  not allowed: ${plan.permission.reason ?? 'permission denied'}`,
    );
  }
  if (!plan.executable) {
    logger.warn(`Plan ${plan.planId} cannot be carried out as it stands`);
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new Error('Promotion wait aborted'));
      return;
    }
    let timer: ReturnType<typeof setTimeout> | undefined = undefined;
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Error('Promotion wait aborted'));
    };
    timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The environments API, with this action's wording of a conflict. */
function callApi<T>(what: string, call: () => Promise<T>): Promise<T> {
  return callEnvironmentsApi(
    what,
    call,
    message => `Promotion refused (409): ${message}`,
  );
}
