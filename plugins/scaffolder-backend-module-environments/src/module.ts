import { createBackendModule } from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { environmentsServiceRef } from '@stagecraft/plugin-environments-node';
import { createCreateEnvironmentAction } from './actions/create';
import { createPromoteAction } from './actions/promote';

/**
 * Scaffolder actions for environments: `environments:promote` promotes a version from one
 * environment to another, and `environments:create` adds an environment by copying one, as the
 * user running the template. They go through the environments backend's API, so its Git
 * providers, gates and permission checks apply.
 *
 * @public
 */
export const scaffolderModuleEnvironments = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'environments',
  register({ registerInit }) {
    registerInit({
      deps: {
        scaffolderActions: scaffolderActionsExtensionPoint,
        environments: environmentsServiceRef,
      },
      async init({ scaffolderActions, environments }) {
        scaffolderActions.addActions(
          createPromoteAction({ environments }),
          createCreateEnvironmentAction({ environments }),
        );
      },
    });
  },
});
