import { createBackendModule } from '@backstage/backend-plugin-api';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { ProdOnlyForOwnersPolicy } from './ProdOnlyForOwnersPolicy';

/** The demo's permission policy: only owners promote to prod. */
export default createBackendModule({
  pluginId: 'permission',
  moduleId: 'prod-only-for-owners',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint },
      async init({ policy }) {
        policy.setPolicy(new ProdOnlyForOwnersPolicy(['prod', 'production']));
      },
    });
  },
});
