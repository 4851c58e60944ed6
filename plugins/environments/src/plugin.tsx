import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import {
  EnvironmentsClient,
  isEnvironmentsAvailable,
} from '@stagecraft/plugin-environments-common';
import { SearchResultListItemBlueprint } from '@backstage/plugin-search-react/alpha';
import { environmentsApiRef } from './api';
import { isEnvironmentSearchResult } from './components/EnvironmentSearchResultItem';
import { rootRouteRef } from './routes';

/**
 * How search results of the `environments` type (one per entity and environment) are shown.
 *
 * @public
 */
export const environmentSearchResultListItem =
  SearchResultListItemBlueprint.make({
    name: 'environments',
    params: {
      predicate: isEnvironmentSearchResult,
      component: () =>
        import('./components/EnvironmentSearchResultItem').then(
          m => m.EnvironmentSearchResultItem,
        ),
    },
  });

/** @public */
export const environmentsApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: environmentsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new EnvironmentsClient({ discoveryApi, fetchApi }),
    }),
});

/** @public */
export const entityEnvironmentsContent = EntityContentBlueprint.make({
  params: {
    path: 'environments',
    title: 'Environments',
    filter: isEnvironmentsAvailable,
    loader: () =>
      import('./components/EntityEnvironmentsContent').then(m => (
        <m.EntityEnvironmentsContent />
      )),
  },
});

/** @public */
export const entityEnvironmentsCard = EntityCardBlueprint.make({
  params: {
    type: 'info',
    filter: isEnvironmentsAvailable,
    loader: () =>
      import('./components/EntityEnvironmentsCard').then(m => (
        <m.EntityEnvironmentsCard />
      )),
  },
});

/** @public */
export const portfolioPage = PageBlueprint.make({
  params: {
    path: '/environments',
    title: 'Environments',
    icon: (
      <svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true">
        <path
          fill="currentColor"
          d="M12 2 2 7l10 5 10-5-10-5Zm-8 9.2L2 12l10 5 10-5-2-.8-8 4-8-4Zm0 5L2 17l10 5 10-5-2-.8-8 4-8-4Z"
        />
      </svg>
    ),
    routeRef: rootRouteRef,
    loader: () =>
      import('./components/PortfolioPage').then(m => <m.PortfolioPage />),
  },
});

/**
 * The environments frontend plugin.
 *
 * @public
 */
export const environmentsPlugin = createFrontendPlugin({
  pluginId: 'environments',
  extensions: [
    environmentsApi,
    entityEnvironmentsContent,
    entityEnvironmentsCard,
    portfolioPage,
    environmentSearchResultListItem,
  ],
  routes: { root: rootRouteRef },
});
