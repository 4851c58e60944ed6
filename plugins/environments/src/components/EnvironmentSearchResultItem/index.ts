export {
  EnvironmentSearchResultItem,
  ENVIRONMENTS_SEARCH_TYPE,
  isEnvironmentSearchResult,
} from './EnvironmentSearchResultItem';
export type {
  EnvironmentSearchResultDocument,
  EnvironmentSearchResultHighlight,
  EnvironmentSearchResultItemProps,
} from './EnvironmentSearchResultItem';
export { EnvironmentSearchResultListItem } from './EnvironmentSearchResultListItem';
export type { EnvironmentSearchResultListItemProps } from './EnvironmentSearchResultListItem';
