import { LoggerService } from '@backstage/backend-plugin-api';
import { SignalsService } from '@backstage/plugin-signals-node';

/** The signals channel of one entity's environments: `environments:component:default/catalogue`. */
export function entitySignalsChannel(entityRef: string): string {
  return `environments:${entityRef}`;
}

/**
 * Tells open pages that an entity's environments or promotions changed. The message says only
 * "changed": each page refetches with its own credentials, so nothing is broadcast that a
 * viewer may not read. Without a signals service it does nothing; a failed publish is logged,
 * never thrown, so what changed is never undone by the news of it.
 */
export function createEntitySignals(options: {
  signals?: SignalsService;
  logger: LoggerService;
}): { changed(entityRef: string): Promise<void> } {
  const { signals, logger } = options;
  return {
    async changed(entityRef) {
      if (!signals) {
        return;
      }
      try {
        await signals.publish({
          recipients: { type: 'broadcast' },
          channel: entitySignalsChannel(entityRef),
          message: { type: 'changed' },
        });
      } catch (error) {
        logger.warn(
          `Could not signal a change of ${entityRef}: ${
            (error as Error).message
          }`,
        );
      }
    },
  };
}
