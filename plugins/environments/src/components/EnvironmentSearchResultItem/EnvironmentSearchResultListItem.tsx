import { useAnalytics } from '@backstage/core-plugin-api';
import {
  EnvironmentSearchResultItem,
  EnvironmentSearchResultItemProps,
} from './EnvironmentSearchResultItem';

/** @public */
export type EnvironmentSearchResultListItemProps =
  EnvironmentSearchResultItemProps & {
    /** Do not report the click on the result as a `discover` analytics event. */
    noTrack?: boolean;
  };

/**
 * The environments search result for the legacy search page, rendered from its results, e.g.
 * `case 'environments': return <EnvironmentSearchResultListItem key={document.location}
 * result={document} highlight={highlight} rank={rank} />`. Like the search page's own list
 * items, a click on it is reported as a `discover` event with the result's rank.
 */
export function EnvironmentSearchResultListItem({
  noTrack,
  ...props
}: EnvironmentSearchResultListItemProps) {
  const analytics = useAnalytics();
  const { result, rank } = props;
  if (!result) return null;
  return (
    <div
      style={{ padding: '0.75rem 0' }}
      onClickCapture={() => {
        if (noTrack) return;
        analytics.captureEvent('discover', result.title, {
          attributes: { to: result.location },
          value: rank,
        });
      }}
    >
      <EnvironmentSearchResultItem {...props} />
    </div>
  );
}
