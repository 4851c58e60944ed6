import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import { Permission } from '@backstage/plugin-permission-common';
import {
  DocumentCollatorFactory,
  IndexableDocument,
} from '@backstage/plugin-search-common';
import {
  environmentsEntityReadPermission,
  EnvironmentMatrix,
  MatrixEnvironment,
} from '@stagecraft/plugin-environments-common';
import { EnvironmentsService } from '@stagecraft/plugin-environments-node';
import { Readable } from 'node:stream';

/**
 * A search document: one entity in one environment.
 *
 * @public
 */
export interface EnvironmentDocument extends IndexableDocument {
  entityRef: string;
  environment: string;
  /** The version's tags (or short digests), comma-separated. */
  version: string;
  health: string;
  owner?: string;
}

/** @public */
export type EnvironmentsCollatorFactoryOptions = {
  logger: LoggerService;
  auth: AuthService;
  environments: EnvironmentsService;
  /** Entities per portfolio page; default 100. */
  batchSize?: number;
};

function versionOf(env: MatrixEnvironment): string {
  const labels = env.version.images.map(
    i => i.tag ?? (i.digest ? i.digest.slice(0, 19) : 'untagged'),
  );
  return [...new Set(labels)].join(', ');
}

/** The document for one entity in one environment; never environment variables or secrets. */
export function toEnvironmentDocument(
  matrix: EnvironmentMatrix,
  env: MatrixEnvironment,
): EnvironmentDocument {
  const { kind, namespace, name } = parseEntityRef(matrix.entityRef);
  const images = env.version.images.map(
    i => `${i.image ?? i.container}:${i.tag ?? i.digest ?? 'untagged'}`,
  );
  const places = [
    ...new Set(
      env.workloads.flatMap(w =>
        w.live.length
          ? w.live.map(l => `${l.cluster}/${l.namespace}`)
          : [w.namespace].filter((n): n is string => Boolean(n)),
      ),
    ),
  ];
  const text = [
    `${name} runs ${images.join(', ') || 'no pinned image'} in ${env.name}.`,
    places.length ? `Cluster/namespace: ${places.join(', ')}.` : '',
    `Health: ${env.health}.`,
    matrix.owner ? `Owner: ${matrix.owner}.` : '',
  ]
    .filter(Boolean)
    .join(' ');
  return {
    title: `${name} in ${env.name}`,
    text,
    // Unique per environment: search engines key documents by location.
    location: `/catalog/${namespace}/${kind.toLocaleLowerCase(
      'en-US',
    )}/${name}/environments?environment=${encodeURIComponent(env.name)}`,
    entityRef: matrix.entityRef,
    environment: env.name,
    version: versionOf(env),
    health: env.health,
    ...(matrix.owner && { owner: matrix.owner }),
    authorization: { resourceRef: matrix.entityRef },
  };
}

/**
 * Collates one search document per entity and environment, so that a search for a version or an
 * image finds where it runs. Documents carry `environments.entity.read`, so a policy that denies
 * it hides them.
 *
 * @public
 */
export class EnvironmentsCollatorFactory implements DocumentCollatorFactory {
  readonly type = 'environments';
  readonly visibilityPermission: Permission = environmentsEntityReadPermission;

  private readonly logger: LoggerService;
  private readonly auth: AuthService;
  private readonly environments: EnvironmentsService;
  private readonly batchSize: number;

  static fromConfig(
    _config: Config,
    options: EnvironmentsCollatorFactoryOptions,
  ): EnvironmentsCollatorFactory {
    return new EnvironmentsCollatorFactory(options);
  }

  private constructor(options: EnvironmentsCollatorFactoryOptions) {
    this.logger = options.logger;
    this.auth = options.auth;
    this.environments = options.environments;
    this.batchSize = options.batchSize ?? 100;
  }

  async getCollator(): Promise<Readable> {
    return Readable.from(this.execute());
  }

  private async *execute(): AsyncGenerator<EnvironmentDocument> {
    const credentials = await this.auth.getOwnServiceCredentials();
    let cursor: string | undefined;
    let count = 0;
    do {
      const page = await this.environments.getPortfolio(
        { cursor, limit: this.batchSize },
        { credentials },
      );
      for (const matrix of page.items) {
        for (const env of matrix.environments) {
          count += 1;
          yield toEnvironmentDocument(matrix, env);
        }
      }
      cursor = page.nextCursor;
    } while (cursor);
    this.logger.info(`Collated ${count} environments documents`);
  }
}
