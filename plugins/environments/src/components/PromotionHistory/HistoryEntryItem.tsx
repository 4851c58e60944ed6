import { Badge, Button, Flex, Link, Text } from '@backstage/ui';
import { HistoryEntry } from '@stagecraft/plugin-environments-common';
import {
  changeLabel,
  shortSha,
  stateLabel,
} from '../PromoteDialog/promotionLabels';
import { durationLabel, RelativeTime } from '../RelativeTime';

function byLabel(by: string): string {
  // `user:default/jane` → `jane`; an author's name stays as it is.
  const match = /^[a-z]+:(?:[^/]+\/)?(.+)$/i.exec(by);
  return match ? match[1] : by;
}

/** One version change of one environment, with a rollback action when offered. */
export function HistoryEntryItem({
  entry,
  onRollback,
}: {
  entry: HistoryEntry;
  onRollback?: () => void;
}) {
  const link = entry.pullRequest ? (
    <Link
      href={entry.pullRequest.url}
      target="_blank"
      rel="noopener noreferrer"
    >
      Pull request #{entry.pullRequest.number}
    </Link>
  ) : (
    entry.commit &&
    (entry.commit.url ? (
      <Link href={entry.commit.url} target="_blank" rel="noopener noreferrer">
        Commit {shortSha(entry.commit.sha)}
      </Link>
    ) : (
      <Text>Commit {shortSha(entry.commit.sha)}</Text>
    ))
  );

  return (
    <Flex direction="column" gap="1">
      <Flex align="center" gap="2">
        <Text weight="bold">{entry.environment}</Text>
        {entry.kind === 'promotion' && entry.state ? (
          <Badge>{stateLabel(entry.state)}</Badge>
        ) : (
          <Badge>Git commit</Badge>
        )}
        {entry.from && (
          <Text color="secondary" variant="body-small">
            from {entry.from}
          </Text>
        )}
      </Flex>
      {entry.changes.map(change => (
        <Text key={`${change.application}/${change.container}`}>
          {changeLabel(change)}
        </Text>
      ))}
      <Text color="secondary" variant="body-small">
        {entry.by ? `${byLabel(entry.by)} · ` : ''}
        <RelativeTime iso={entry.at} />
        {entry.leadTimeSeconds !== undefined &&
          ` · live ${durationLabel(entry.leadTimeSeconds)} after merge`}
      </Text>
      {entry.message && <Text variant="body-small">{entry.message}</Text>}
      {entry.reason && (
        <Text color={entry.state === 'failed' ? 'danger' : 'secondary'}>
          Reason: {entry.reason}
        </Text>
      )}
      {(link || onRollback) && (
        <Flex align="center" gap="3">
          {link}
          {onRollback && (
            <Button size="small" variant="secondary" onPress={onRollback}>
              Roll back to this
            </Button>
          )}
        </Flex>
      )}
    </Flex>
  );
}
