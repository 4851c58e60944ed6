import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { normalizeRepository } from '../clusters/images';
import { MatrixService } from '../services/MatrixService';

/** How many portfolio pages (of 50 entities) one question reads at most. */
const MAX_PAGES = 40;

/**
 * `environments:where-does-version-run`: the entities and environments whose declared version
 * holds an image tag (optionally of one image repository), with health and, per cluster, what
 * runs there. Reads the portfolio as the caller, so it sees what the caller may read.
 */
export function createWhereVersionRunsAction(options: {
  actionsRegistry: ActionsRegistryService;
  matrix: MatrixService;
}) {
  const { actionsRegistry, matrix } = options;
  actionsRegistry.register({
    name: 'where-does-version-run',
    title: 'Where does a version run?',
    description:
      "Finds the catalog entities and environments (dev, staging, prod …) whose GitOps repository declares an image tag, optionally of one image repository, with each environment's health and the clusters it runs in.",
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: z =>
        z.object({
          tag: z.string().min(1).max(128).describe('The image tag, e.g. 1.4.0'),
          image: z
            .string()
            .min(1)
            .max(512)
            .optional()
            .describe(
              'The image repository, e.g. craftista/catalogue; any when left out',
            ),
          owner: z
            .string()
            .max(512)
            .optional()
            .describe('Only entities of this owner, e.g. group:default/team-a'),
        }),
      output: z =>
        z.object({
          placements: z.array(
            z.object({
              entityRef: z.string(),
              environment: z.string(),
              image: z.string().nullable(),
              tag: z.string(),
              health: z.string(),
              clusters: z.array(z.string()),
            }),
          ),
          truncated: z
            .boolean()
            .describe('True when more entities exist than were read'),
        }),
    },
    examples: [
      {
        title: 'Where does catalogue 1.4.0 run?',
        input: { tag: '1.4.0', image: 'craftista/catalogue' },
      },
    ],
    action: async ({ input, credentials }) => {
      const placements = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await matrix.listEnvironmentMatrices(
          { owner: input.owner, cursor, limit: 50 },
          { credentials },
        );
        for (const item of page.items) {
          for (const environment of item.environments) {
            for (const image of environment.version.images) {
              if (
                image.tag === input.tag &&
                (!input.image || sameImage(image.image, input.image))
              ) {
                placements.push({
                  entityRef: item.entityRef,
                  environment: environment.name,
                  image: image.image,
                  tag: image.tag,
                  health: environment.health,
                  clusters: environment.clusters.map(c => c.cluster),
                });
              }
            }
          }
        }
        cursor = page.nextCursor;
        pages++;
      } while (cursor && pages < MAX_PAGES);
      return { output: { placements, truncated: Boolean(cursor) } };
    },
  });
}

/** `docker.io/library/nginx` and `nginx` are one image. */
function sameImage(declared: string | null, asked: string): boolean {
  return (
    declared !== null &&
    normalizeRepository(declared.toLowerCase()) ===
      normalizeRepository(asked.toLowerCase())
  );
}
