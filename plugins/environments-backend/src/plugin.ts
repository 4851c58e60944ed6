import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import {
  environmentsEntityReadPermission,
  environmentsPromotionCreatePermission,
} from '@stagecraft/plugin-environments-common';
import { createRouter } from './router';
import { createLiveStateReader } from './clusters';
import { GithubRepositories, readGitRepositories } from './git';
import {
  environmentsPromotionPermissionResourceRef,
  environmentsPromotionRules,
} from './permissions';
import { createPromotionAuthorizer } from './permissions/createPromotionAuthorizer';
import { loadPromotionResources } from './permissions/loadPromotionResources';
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
        auth: coreServices.auth,
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
        auth,
        httpAuth,
        httpRouter,
        permissions,
        permissionsRegistry,
        catalog,
      }) {
        permissionsRegistry.addPermissions([environmentsEntityReadPermission]);
        permissionsRegistry.addResourceType({
          resourceRef: environmentsPromotionPermissionResourceRef,
          permissions: [environmentsPromotionCreatePermission],
          rules: Object.values(environmentsPromotionRules),
          getResources: refs => loadPromotionResources(refs, { catalog, auth }),
        });

        const matrix = createMatrixService({
          catalog,
          permissions,
          repositories: readGitRepositories({ config, logger }),
          github: GithubRepositories.fromConfig(config, { logger }),
          liveState: createLiveStateReader({ config, logger }),
          authorizePromotions: createPromotionAuthorizer({
            permissions,
            permissionsRegistry,
          }),
          logger,
        });
        httpRouter.use(await createRouter({ httpAuth, auditor, matrix }));
      },
    });
  },
});
