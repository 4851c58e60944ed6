import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { environmentsPermissions } from '@stagecraft/plugin-environments-common';
import { createRouter } from './router';
import { createEntityEnvironmentsService } from './services/EntityEnvironmentsService';

/**
 * The environments backend plugin: what runs where, and promotions through Git.
 *
 * @public
 */
export const environmentsPlugin = createBackendPlugin({
  pluginId: 'environments',
  register(env) {
    env.registerInit({
      deps: {
        auditor: coreServices.auditor,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        catalog: catalogServiceRef,
      },
      async init({
        auditor,
        httpAuth,
        httpRouter,
        permissions,
        permissionsRegistry,
        catalog,
      }) {
        permissionsRegistry.addPermissions(environmentsPermissions);

        const entityEnvironments = createEntityEnvironmentsService({
          catalog,
          permissions,
        });
        httpRouter.use(
          await createRouter({ httpAuth, auditor, entityEnvironments }),
        );
      },
    });
  },
});
