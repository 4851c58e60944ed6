import { createHash } from 'node:crypto';
import {
  CompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  NewEnvironmentChange,
  NewEnvironmentPlan,
  NewEnvironmentRequest,
} from '@stagecraft/plugin-environments-common';
import { EnvironmentsService } from '@stagecraft/plugin-environments-node';
import { callEnvironmentsApi, parseEntity } from './environmentsApi';
import { examples } from './create.examples';

/** A DNS label, as the environments API requires for environment names. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Creates the `environments:create` action: adds an environment to an entity's GitOps layout by
 * copying an existing one, as the user running the template.
 *
 * @public
 */
export function createCreateEnvironmentAction(options: {
  environments: EnvironmentsService;
}) {
  const { environments } = options;

  return createTemplateAction({
    id: 'environments:create',
    description:
      'Adds an environment to an entity’s GitOps layout by copying an existing one, through the ' +
      'environments plugin, as the user running the template: a branch with one commit (and a ' +
      'pull request on GitHub) in the GitOps repository, with the plugin’s permission checks. ' +
      'A dry run shows the files the change would hold, as diffs.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        entityRef: z =>
          z.string({
            description:
              'The entity, e.g. `component:default/catalogue` (kind defaults to `component`, ' +
              'namespace to `default`); it needs the `stagecraft.io/gitops-location` annotation',
          }),
        name: z =>
          z.string({
            description:
              'The new environment’s name: a DNS label (lowercase letters, digits and `-`, at ' +
              'most 63 characters), e.g. `qa`',
          }),
        from: z =>
          z.string({
            description: 'The environment to copy, e.g. `staging`',
          }),
        namespace: z =>
          z
            .string({
              description:
                'The Kubernetes namespace; default: the copied one with the environment’s name ' +
                'replaced',
            })
            .optional(),
        replicas: z =>
          z
            .number({
              description: 'The number of replicas; default: as copied',
            })
            .int()
            .min(0)
            .optional(),
        cpu: z =>
          z
            .string({
              description: 'The CPU request, e.g. `250m`; default: as copied',
            })
            .optional(),
        memory: z =>
          z
            .string({
              description:
                'The memory request, e.g. `256Mi`; default: as copied',
            })
            .optional(),
        cpuLimit: z =>
          z
            .string({
              description: 'The CPU limit, e.g. `1`; default: as copied',
            })
            .optional(),
        memoryLimit: z =>
          z
            .string({
              description: 'The memory limit, e.g. `512Mi`; default: as copied',
            })
            .optional(),
        host: z =>
          z
            .string({
              description:
                'The ingress host; default: the copied one with the environment’s name replaced',
            })
            .optional(),
      },
      output: {
        files: z =>
          z.array(z.string(), {
            description:
              'The files the change adds or edits (on a dry run: would add or edit)',
          }),
        entityEnvironmentsPath: z =>
          z.string({
            description:
              'The entity’s Environments tab in Backstage, e.g. ' +
              '`/catalog/default/component/catalogue/environments`',
          }),
        branch: z =>
          z
            .string({
              description:
                'The branch that holds the change (not on a dry run)',
            })
            .optional(),
        commitSha: z =>
          z
            .string({
              description:
                'The commit that carries the change (not on a dry run)',
            })
            .optional(),
        pullRequestUrl: z =>
          z
            .string({ description: 'The change’s pull request, if any' })
            .optional(),
        changeUrl: z =>
          z
            .string({
              description:
                'Where to review the change: the pull request, else the commit; empty when ' +
                'neither has a URL (plain git: see `branch`)',
            })
            .optional(),
      },
    },
    async handler(ctx) {
      const { name, from } = ctx.input;
      const entityRef = parseEntity(ctx.input.entityRef);
      if (!DNS_LABEL.test(name) || name.length > 63) {
        throw new InputError(
          `Invalid environment name '${name}': use a DNS label (lowercase letters, digits and ` +
            '`-`, starting and ending with a letter or digit, at most 63 characters)',
        );
      }
      const request = requestOf(stringifyEntityRef(entityRef), ctx.input);
      const credentials = await ctx.getInitiatorCredentials();
      const subject = `environment ${name} of ${request.entityRef} (copied from ${from})`;
      ctx.output('entityEnvironmentsPath', entityEnvironmentsPath(entityRef));

      if (ctx.isDryRun) {
        const plan = await callApi(`Planning ${subject}`, () =>
          environments.createEnvironment(
            { ...request, dryRun: true },
            { credentials },
          ),
        );
        logPlan(ctx.logger, plan);
        ctx.output(
          'files',
          plan.files.map(file => file.path),
        );
        return;
      }

      // A re-run of the same task step returns the change it made the first time: the API has
      // no idempotency key for new environments, so a second call would try to open the change
      // again (the environment is only on the unmerged branch, not yet on the one read).
      const created = await ctx.checkpoint({
        key: `environments.create.${checkpointKeyOf(
          ctx.step?.id,
          JSON.stringify([ctx.each ?? null, request]),
        )}`,
        fn: async () => {
          const change = await callApi(`Creating ${subject}`, () =>
            environments.createEnvironment(request, { credentials }),
          );
          logPlan(ctx.logger, change);
          ctx.logger.info(
            `Created ${subject} on branch ${change.branch} (commit ${
              change.commit.sha
            })${change.pullRequest ? `: ${change.pullRequest.url}` : ''}`,
          );
          return summaryOf(change);
        },
      });
      ctx.output('files', created.files);
      ctx.output('branch', created.branch);
      ctx.output('commitSha', created.commitSha);
      if (created.pullRequestUrl) {
        ctx.output('pullRequestUrl', created.pullRequestUrl);
      }
      ctx.output('changeUrl', created.changeUrl);
    },
  });
}

type ChangeSummary = {
  files: string[];
  branch: string;
  commitSha: string;
  pullRequestUrl?: string;
  changeUrl: string;
};

function summaryOf(change: NewEnvironmentChange): ChangeSummary {
  return {
    files: change.files.map(file => file.path),
    branch: change.branch,
    commitSha: change.commit.sha,
    ...(change.pullRequest && { pullRequestUrl: change.pullRequest.url }),
    changeUrl: change.pullRequest?.url ?? change.commit.url ?? '',
  };
}

function requestOf(
  entityRef: string,
  input: {
    name: string;
    from: string;
    namespace?: string;
    replicas?: number;
    cpu?: string;
    memory?: string;
    cpuLimit?: string;
    memoryLimit?: string;
    host?: string;
  },
): Omit<NewEnvironmentRequest, 'dryRun'> {
  // Template forms send empty strings for fields left blank: those mean "as copied".
  const given = (value: string | undefined) => value?.trim() || undefined;
  const quantities = (cpu?: string, memory?: string) => {
    const result = {
      ...(given(cpu) && { cpu: given(cpu) }),
      ...(given(memory) && { memory: given(memory) }),
    };
    return Object.keys(result).length ? result : undefined;
  };
  const requests = quantities(input.cpu, input.memory);
  const limits = quantities(input.cpuLimit, input.memoryLimit);
  const namespace = given(input.namespace);
  const host = given(input.host);
  return {
    entityRef,
    name: input.name,
    from: input.from,
    ...(namespace && { namespace }),
    ...(input.replicas !== undefined && { replicas: input.replicas }),
    ...((requests || limits) && {
      resources: {
        ...(requests && { requests }),
        ...(limits && { limits }),
      },
    }),
    ...(host && { host }),
  };
}

/** A short, stable key for this step's checkpoint. */
function checkpointKeyOf(stepId: string | undefined, extra: string): string {
  return createHash('sha256')
    .update(JSON.stringify([stepId ?? null, extra]))
    .digest('hex')
    .slice(0, 32);
}

/** The entity's Environments tab, as the catalog's entity route has it. */
function entityEnvironmentsPath(entityRef: CompoundEntityRef): string {
  return `/catalog/${encodeURIComponent(
    entityRef.namespace,
  )}/${encodeURIComponent(
    entityRef.kind.toLocaleLowerCase('en-US'),
  )}/${encodeURIComponent(entityRef.name)}/environments`;
}

function logPlan(
  logger: { info(message: string): void },
  plan: NewEnvironmentPlan,
) {
  logger.info(
    `Environment ${plan.environment} of ${plan.entityRef}, copied from ${plan.from}, on ` +
      `${plan.target.repository} (${
        plan.target.branch
      } at ${plan.target.baseCommit.slice(0, 12)}): ${
        plan.files.length
      } file(s)`,
  );
  for (const change of plan.changes) {
    logger.info(
      `  ${change.application ? `${change.application}: ` : ''}${
        change.field
      } = ${change.value}${
        change.provenance
          ? ` in ${change.provenance.file}:${change.provenance.line}`
          : ''
      }`,
    );
  }
  for (const file of plan.files) {
    logger.info(file.diff);
  }
}

/** The environments API, with this action's wording of a conflict. */
function callApi<T>(what: string, call: () => Promise<T>): Promise<T> {
  return callEnvironmentsApi(
    what,
    call,
    message => `${what}: the environment already exists (409): ${message}`,
  );
}
