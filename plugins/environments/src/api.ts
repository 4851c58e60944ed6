import { createApiRef } from '@backstage/frontend-plugin-api';
import { EnvironmentsApi } from '@stagecraft/plugin-environments-common';

/**
 * The environments plugin's API in the app.
 *
 * @public
 */
export const environmentsApiRef = createApiRef<EnvironmentsApi>().with({
  id: 'plugin.environments.api',
  pluginId: 'environments',
});
