import {
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, RELATION_OWNED_BY } from '@backstage/catalog-model';
import { ConflictError, InputError, NotAllowedError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  NewEnvironmentPlan,
  NewEnvironmentRequest,
} from '@stagecraft/plugin-environments-common';
import {
  FileEdit,
  formatUnifiedDiff,
  MemoryFiles,
  planNewEnvironment,
} from '@stagecraft/plugin-environments-node';
import { PromotionAuthorizer } from '../../permissions/createPromotionAuthorizer';
import { authorOf, requesterOf } from '../identity';
import { EntityState, MatrixService } from '../MatrixService/types';
import { NewEnvironmentService } from './types';
import { entityEnvironmentsUrl } from '../entityUrl';
import { parse } from '../../parseRequest';
import { newEnvironmentRequest } from '../../requestSchemas';

type Planned = {
  plan: NewEnvironmentPlan;
  edits: FileEdit[];
  state: EntityState;
};

export function createNewEnvironmentService(options: {
  matrix: MatrixService;
  catalog: CatalogService;
  auth: AuthService;
  authorizePromotions: PromotionAuthorizer;
  /** The app's base URL, for the link back to the entity in the pull request. */
  appBaseUrl?: string;
}): NewEnvironmentService {
  const { matrix, catalog, auth, authorizePromotions, appBaseUrl } = options;

  async function plan(
    request: NewEnvironmentRequest,
    credentials: BackstageCredentials,
  ): Promise<Planned> {
    // As the router checks it: callers other than the router get the same refusals, before any read.
    parse(newEnvironmentRequest, request, 'Invalid request', 'request');
    let entityRef;
    try {
      entityRef = parseEntityRef(request.entityRef, {
        defaultKind: 'component',
        defaultNamespace: 'default',
      });
    } catch (error) {
      throw new InputError(`Invalid entityRef: ${(error as Error).message}`);
    }
    const state = await matrix.getEntityState(entityRef, {
      credentials,
      refresh: true,
    });
    const { declared } = state;
    if (!state.matrix.source || !declared) {
      throw new InputError(
        `${state.matrix.entityRef} has no readable GitOps location: ${
          state.matrix.problems.map(p => p.message).join('; ') ||
          'add the stagecraft.io/gitops-location annotation'
        }`,
      );
    }
    const names = state.matrix.environments.map(e => e.name);
    if (names.includes(request.name)) {
      throw new ConflictError(
        `${state.matrix.entityRef} already has an environment '${request.name}'`,
      );
    }
    if (!names.includes(request.from)) {
      throw new InputError(
        `No environment '${request.from}' to copy; ${
          state.matrix.entityRef
        } has ${names.join(', ') || 'none'}`,
      );
    }
    const [allowed] = await authorizePromotions(
      [
        {
          entityRef: state.matrix.entityRef,
          owners: (state.entity.relations ?? [])
            .filter(r => r.type === RELATION_OWNED_BY)
            .map(r => r.targetRef),
          source: request.from,
          target: request.name,
        },
      ],
      credentials,
    );
    if (!allowed) {
      throw new NotAllowedError(
        `You may not add environment ${request.name} to ${state.matrix.entityRef}`,
      );
    }

    const result = await planNewEnvironment(
      declared.model,
      new MemoryFiles(declared.snapshot.files),
      {
        name: request.name,
        from: request.from,
        ...(request.namespace && { namespace: request.namespace }),
        ...(request.replicas !== undefined && { replicas: request.replicas }),
        ...(request.resources && { resources: request.resources }),
        ...(request.host && { host: request.host }),
      },
      { scan: declared.scanOptions },
    );
    if (result.files.length === 0) {
      throw new InputError(
        `Cannot add ${request.name} by copying ${request.from}: ${
          result.refusals.join('; ') || 'nothing to copy'
        }`,
      );
    }
    return {
      state,
      edits: result.files,
      plan: {
        entityRef: state.matrix.entityRef,
        environment: request.name,
        from: request.from,
        files: result.files.map(edit => ({
          path: edit.file,
          diff: formatUnifiedDiff([edit]),
        })),
        changes: result.changes.map(change => ({
          field: change.field,
          value: change.value,
          ...(change.application && { application: change.application }),
          ...(change.provenance && {
            provenance: {
              file: change.provenance.file,
              path: change.provenance.path,
              line: change.provenance.line,
            },
          }),
        })),
        target: {
          repository: declared.repositoryLabel,
          branch: declared.snapshot.branch,
          baseCommit: declared.snapshot.commit,
        },
      },
    };
  }

  return {
    async plan(request, { credentials }) {
      return (await plan(request, credentials)).plan;
    },

    async create(request, { credentials }) {
      const { plan: thePlan, edits, state } = await plan(request, credentials);
      const requester = requesterOf(auth, credentials);
      const { name } = parseEntityRef(thePlan.entityRef);
      const title = `Add environment ${thePlan.environment} to ${name} (a copy of ${thePlan.from})`;
      const link = entityEnvironmentsUrl(appBaseUrl, thePlan.entityRef);
      const change = await state.declared!.repository.openChange({
        baseCommit: thePlan.target.baseCommit,
        files: edits.map(edit => ({ path: edit.file, content: edit.after })),
        message: `${title}\n\n${thePlan.changes
          .map(
            c =>
              `- ${c.application ? `${c.application} ` : ''}${c.field}: ${
                c.value
              }`,
          )
          .join('\n')}\n\nRequested by ${requester} through Backstage.`,
        author: await authorOf(requester, { catalog, auth }),
        branch: `stagecraft/environment/${name}-${thePlan.environment}`.slice(
          0,
          120,
        ),
        title,
        body: [
          `**${requester}** adds the environment **${thePlan.environment}** to \`${thePlan.entityRef}\`, copied from **${thePlan.from}**.`,
          '',
          '| Value | Set to | File |',
          '| --- | --- | --- |',
          ...thePlan.changes.map(
            c =>
              `| ${c.application ? `${c.application} ` : ''}${c.field} | \`${
                c.value
              }\` | ${c.provenance ? `\`${c.provenance.file}\`` : ''} |`,
          ),
          '',
          link ? `[Open ${name} in Backstage](${link})` : '',
        ].join('\n'),
      });
      return {
        ...thePlan,
        branch: change.branch,
        commit: {
          sha: change.commit,
          ...(change.commitUrl && { url: change.commitUrl }),
        },
        ...(change.pullRequest && {
          pullRequest: {
            number: change.pullRequest.number,
            url: change.pullRequest.url,
          },
        }),
      };
    },
  };
}
