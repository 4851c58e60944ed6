import {
  coreServices,
  createBackendModule,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { searchIndexRegistryExtensionPoint } from '@backstage/plugin-search-backend-node/alpha';
import { environmentsServiceRef } from '@stagecraft/plugin-environments-node';
import { EnvironmentsCollatorFactory } from './collator/EnvironmentsCollatorFactory';

const configKey = 'search.collators.environments';

const defaultSchedule: SchedulerServiceTaskScheduleDefinition = {
  frequency: { minutes: 10 },
  timeout: { minutes: 15 },
  initialDelay: { seconds: 3 },
};

/**
 * Indexes every entity's environments in Backstage search.
 *
 * @public
 */
export const searchModuleEnvironmentsCollator = createBackendModule({
  pluginId: 'search',
  moduleId: 'environments-collator',
  register({ registerInit }) {
    registerInit({
      deps: {
        auth: coreServices.auth,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        environments: environmentsServiceRef,
        scheduler: coreServices.scheduler,
        indexRegistry: searchIndexRegistryExtensionPoint,
      },
      async init({
        auth,
        config,
        logger,
        environments,
        scheduler,
        indexRegistry,
      }) {
        const scheduleConfig = config.getOptionalConfig(
          `${configKey}.schedule`,
        );
        const schedule = scheduleConfig
          ? readSchedulerServiceTaskScheduleDefinitionFromConfig(scheduleConfig)
          : defaultSchedule;

        indexRegistry.addCollator({
          schedule: scheduler.createScheduledTaskRunner(schedule),
          factory: EnvironmentsCollatorFactory.fromConfig(config, {
            logger,
            auth,
            environments,
          }),
        });
      },
    });
  },
});
