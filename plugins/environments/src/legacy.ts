import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { EnvironmentsClient } from '@stagecraft/plugin-environments-common';
import { environmentsApiRef } from './api';

/**
 * The environments plugin for apps on the legacy frontend system: provides the API. New apps use
 * the default export instead.
 *
 * @public
 */
export const legacyEnvironmentsPlugin = createPlugin({
  id: 'environments',
  apis: [
    createApiFactory({
      api: environmentsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new EnvironmentsClient({ discoveryApi, fetchApi }),
    }),
  ],
});

/**
 * The Environments tab, for an entity page of a legacy app:
 * `<EntityLayout.Route path="/environments" title="Environments"><EntityEnvironmentsContent /></EntityLayout.Route>`.
 *
 * @public
 */
export const EntityEnvironmentsContent = legacyEnvironmentsPlugin.provide(
  createComponentExtension({
    name: 'EntityEnvironmentsContent',
    component: {
      lazy: () =>
        import('./components/EntityEnvironmentsContent').then(
          m => m.EntityEnvironmentsContent,
        ),
    },
  }),
);

/**
 * The overview card, for an entity page of a legacy app.
 *
 * @public
 */
export const EntityEnvironmentsCard = legacyEnvironmentsPlugin.provide(
  createComponentExtension({
    name: 'EntityEnvironmentsCard',
    component: {
      lazy: () =>
        import('./components/EntityEnvironmentsCard').then(
          m => m.EntityEnvironmentsCard,
        ),
    },
  }),
);

/**
 * The environments search result, for the results of a legacy app's search page:
 * `case 'environments': return <EnvironmentSearchResultListItem key={document.location}
 * result={document} highlight={highlight} rank={rank} />`.
 *
 * @public
 */
export const EnvironmentSearchResultListItem = legacyEnvironmentsPlugin.provide(
  createComponentExtension({
    name: 'EnvironmentSearchResultListItem',
    component: {
      lazy: () =>
        import('./components/EnvironmentSearchResultItem').then(
          m => m.EnvironmentSearchResultListItem,
        ),
    },
  }),
);
