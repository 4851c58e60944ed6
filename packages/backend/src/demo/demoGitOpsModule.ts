import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import path from 'node:path';
import { createDemoGitOpsRepository } from './createDemoGitOpsRepository';

/**
 * The demo's GitOps repository: on first start, `stagecraftDemo.gitops.source` (the files in
 * `examples/gitops`) becomes a git repository at `stagecraftDemo.gitops.target`, which
 * `environments.repositories.demo` points at. Off unless configured.
 */
export default createBackendModule({
  pluginId: 'environments',
  moduleId: 'demo-gitops',
  register({ registerInit }) {
    registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
      },
      async init({ config, logger }) {
        const demo = config.getOptionalConfig('stagecraftDemo.gitops');
        if (!demo) {
          return;
        }
        const source = path.resolve(demo.getString('source'));
        const target = path.resolve(demo.getString('target'));
        if (createDemoGitOpsRepository({ source, target })) {
          logger.info(`Created the demo GitOps repository at ${target}`);
        }
      },
    });
  },
});
