import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { environmentsPermissions } from '@stagecraft/plugin-environments-common';
import { createRouter } from './router';
import { createLiveStateReader } from './clusters';
import { readGitRepositories } from './git';
import { createMatrixService } from './services/MatrixService';

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
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        catalog: catalogServiceRef,
      },
      async init({
        config,
        logger,
        auditor,
        httpAuth,
        httpRouter,
        permissions,
        permissionsRegistry,
        catalog,
      }) {
        permissionsRegistry.addPermissions(environmentsPermissions);

        const matrix = createMatrixService({
          catalog,
          permissions,
          repositories: readGitRepositories({ config, logger }),
          liveState: createLiveStateReader({ config, logger }),
          logger,
        });
        httpRouter.use(await createRouter({ httpAuth, auditor, matrix }));
      },
    });
  },
});
