import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { Permission } from '@backstage/plugin-permission-common';
import {
  DocumentCollatorFactory,
  IndexableDocument,
} from '@backstage/plugin-search-common';
import { environmentsEntityReadPermission } from '@stagecraft/plugin-environments-common';
import { Readable } from 'node:stream';

/** @public */
export type EnvironmentsCollatorFactoryOptions = {
  logger: LoggerService;
};

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

  static fromConfig(
    _config: Config,
    options: EnvironmentsCollatorFactoryOptions,
  ): EnvironmentsCollatorFactory {
    return new EnvironmentsCollatorFactory(options);
  }

  private constructor(options: EnvironmentsCollatorFactoryOptions) {
    this.logger = options.logger;
  }

  async getCollator(): Promise<Readable> {
    return Readable.from(this.execute());
  }

  private async *execute(): AsyncGenerator<IndexableDocument> {
    // Documents come from the environments API's portfolio once it serves declared and live state.
    this.logger.debug('Collating environments documents');
  }
}
