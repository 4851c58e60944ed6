import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { entityRefInput, parseEntityRefInput } from './entityRefInput';
import { MatrixService } from '../services/MatrixService';

/**
 * `environments:get-environment-matrix`: what runs where for one entity, in promotion order:
 * per environment the declared version, health, sync, lag, clusters and problems, and the
 * promotion steps with their gates. The same read, and the same permission, as the Environments
 * tab.
 */
export function createEnvironmentMatrixAction(options: {
  actionsRegistry: ActionsRegistryService;
  matrix: MatrixService;
}) {
  const { actionsRegistry, matrix } = options;
  actionsRegistry.register({
    name: 'get-environment-matrix',
    title: 'Environment matrix of an entity',
    description:
      'Shows what runs where for one catalog entity: per environment (in promotion order) the declared image versions, health, sync, how far it lags behind the previous environment, its clusters and problems, and whether each promotion step may go ahead.',
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: z =>
        z.object({
          entityRef: entityRefInput(z),
        }),
      output: z =>
        z.object({
          entityRef: z.string(),
          environments: z.array(
            z.object({
              name: z.string(),
              versions: z.array(z.string()),
              health: z.string(),
              sync: z.string(),
              behind: z.string().optional(),
              clusters: z.array(z.string()),
              problems: z.array(z.string()),
            }),
          ),
          promotions: z.array(
            z.object({
              from: z.string(),
              to: z.string(),
              blockedBy: z.array(z.string()),
            }),
          ),
        }),
    },
    examples: [
      {
        title: 'What runs where for catalogue?',
        input: { entityRef: 'component:default/catalogue' },
      },
    ],
    action: async ({ input, credentials }) => {
      const ref = parseEntityRefInput(input.entityRef);
      const result = await matrix.getEnvironmentMatrix(ref, { credentials });
      return {
        output: {
          entityRef: result.entityRef,
          environments: result.environments.map(env => ({
            name: env.name,
            versions: env.version.images.map(
              i =>
                `${i.application}/${i.container}: ${i.image ?? '?'}:${
                  i.tag ?? i.digest ?? '(none)'
                }`,
            ),
            health: env.health,
            sync: env.sync.status,
            ...(env.lag && {
              behind:
                env.lag.behind === null
                  ? `unknown${env.lag.reason ? `: ${env.lag.reason}` : ''}`
                  : `${env.lag.behind} ${env.lag.unit} behind ${env.lag.of}`,
            }),
            clusters: env.clusters.map(c => `${c.cluster}: ${c.health}`),
            problems: env.problems.map(p => `${p.severity}: ${p.message}`),
          })),
          promotions: result.promotions.map(step => ({
            from: step.from,
            to: step.to,
            blockedBy: step.gates.filter(g => !g.passed).map(g => g.reason),
          })),
        },
      };
    },
  });
}
