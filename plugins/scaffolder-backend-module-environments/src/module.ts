import { createBackendModule } from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';

/**
 * Scaffolder actions for environments: `environments:create` adds an environment to a GitOps
 * repository, `environments:promote` promotes a version. Both go through the environments
 * backend's API, so its Git providers and permission checks apply.
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
      },
      async init({ scaffolderActions }) {
        // The actions arrive with the environments API's write routes.
        scaffolderActions.addActions();
      },
    });
  },
});
