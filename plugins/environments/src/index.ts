/**
 * Environments for Backstage: what runs where, and promotions through Git.
 *
 * The default export is the plugin for the new frontend system; `legacyEnvironmentsPlugin`,
 * `EntityEnvironmentsContent`, `EntityEnvironmentsCard` and `EnvironmentSearchResultListItem` serve
 * apps on the legacy system.
 *
 * @packageDocumentation
 */

export { environmentsPlugin as default } from './plugin';
export { environmentsApiRef } from './api';
export {
  legacyEnvironmentsPlugin,
  EntityEnvironmentsContent,
  EntityEnvironmentsCard,
  EnvironmentSearchResultListItem,
} from './legacy';
export { EnvironmentMatrix } from './components/EnvironmentMatrix';
export { PortfolioPage } from './components/PortfolioPage';
export {
  EnvironmentSearchResultItem,
  isEnvironmentSearchResult,
} from './components/EnvironmentSearchResultItem';
export type {
  EnvironmentSearchResultDocument,
  EnvironmentSearchResultHighlight,
  EnvironmentSearchResultItemProps,
  EnvironmentSearchResultListItemProps,
} from './components/EnvironmentSearchResultItem';
