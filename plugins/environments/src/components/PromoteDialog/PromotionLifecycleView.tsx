import {
  Button,
  DialogBody,
  DialogFooter,
  Flex,
  Link,
  Text,
} from '@backstage/ui';
import { Promotion } from '@stagecraft/plugin-environments-common';
import { useEffect, useRef } from 'react';
import { errorMessage } from '../../errors';
import { durationLabel, RelativeTime } from '../RelativeTime';
import { LifecycleStep, lifecycleSteps } from './lifecycleSteps';
import { changeLabel, shortSha, stateLabel } from './promotionLabels';
import { usePromotionLifecycle } from './usePromotionLifecycle';
import { visuallyHidden } from '../visuallyHidden';

const MARKS: Record<LifecycleStep['status'], string> = {
  done: '✓',
  current: '●',
  upcoming: '○',
};

function Stepper({ promotion }: { promotion: Promotion }) {
  return (
    <ol
      aria-label="Promotion progress"
      style={{
        display: 'flex',
        flexWrap: 'wrap',
        gap: 'var(--bui-space-3)',
        listStyle: 'none',
        margin: 0,
        padding: 0,
      }}
    >
      {lifecycleSteps(promotion).map(step => (
        <li
          key={step.state}
          aria-current={step.status === 'current' ? 'step' : undefined}
        >
          <Text
            weight={step.status === 'current' ? 'bold' : 'regular'}
            color={step.status === 'upcoming' ? 'secondary' : 'primary'}
          >
            <span aria-hidden="true">{MARKS[step.status]} </span>
            {stateLabel(step.state)}
            {step.status === 'done' && (
              <span style={visuallyHidden}> (done)</span>
            )}
          </Text>
        </li>
      ))}
    </ol>
  );
}

function Links({ promotion }: { promotion: Promotion }) {
  const { pullRequest, commit } = promotion;
  if (!pullRequest && !commit) {
    return null;
  }
  return (
    <Flex gap="3">
      {pullRequest && (
        <Link href={pullRequest.url} target="_blank" rel="noopener noreferrer">
          Pull request #{pullRequest.number}
        </Link>
      )}
      {commit &&
        (commit.url ? (
          <Link href={commit.url} target="_blank" rel="noopener noreferrer">
            Commit {shortSha(commit.sha)}
          </Link>
        ) : (
          <Text>Commit {shortSha(commit.sha)}</Text>
        ))}
    </Flex>
  );
}

/**
 * A promotion after it started: its state as a stepper (announced when it changes), events,
 * links to Git, and Cancel, Merge or Retry where they apply.
 */
export function PromotionLifecycleView({
  initial,
  pollIntervalMs,
  onFinal,
}: {
  initial: Promotion;
  pollIntervalMs?: number;
  onFinal?: (promotion: Promotion) => void;
}) {
  const { promotion, pollError, pending, actionError, run } =
    usePromotionLifecycle(initial, { pollIntervalMs, onFinal });
  const { state } = promotion;
  // The Promote button that had focus is gone: keep keyboard users inside the dialog.
  const statusRef = useRef<HTMLParagraphElement>(null);
  useEffect(() => statusRef.current?.focus(), []);
  const cancellable = state === 'planned' || state === 'pending-review';
  const mergeable = state === 'pending-review' && promotion.mergeable === true;
  const retryable =
    state === 'failed' || state === 'closed' || state === 'cancelled';

  return (
    <>
      <DialogBody>
        <Flex direction="column" gap="3">
          <Text
            as="p"
            ref={statusRef}
            tabIndex={-1}
            role="status"
            aria-live="polite"
            weight="bold"
          >
            {promotion.to === promotion.from ? 'Rollback' : 'Promotion'} of{' '}
            {promotion.to}: {stateLabel(state)}
          </Text>
          <Stepper promotion={promotion} />
          {promotion.reason && (
            <Text as="p" color={state === 'failed' ? 'danger' : 'secondary'}>
              Reason: {promotion.reason}
            </Text>
          )}
          <ul
            style={{ margin: 0, paddingLeft: '1.25rem' }}
            aria-label="Changes"
          >
            {promotion.changes.map(change => (
              <li key={`${change.application}/${change.container}`}>
                <Text>{changeLabel(change)}</Text>
              </li>
            ))}
          </ul>
          <Links promotion={promotion} />
          {promotion.leadTimeSeconds !== undefined && (
            <Text as="p" color="secondary">
              Live {durationLabel(promotion.leadTimeSeconds)} after merge
            </Text>
          )}
          <section aria-label="Events">
            <Text as="h3" variant="title-x-small">
              Events
            </Text>
            <ol style={{ margin: 0, paddingLeft: '1.25rem' }}>
              {promotion.events.map((event, index) => (
                <li key={index}>
                  <Text variant="body-small">
                    <RelativeTime iso={event.at} /> · {stateLabel(event.state)}
                    {event.message && `: ${event.message}`}
                  </Text>
                </li>
              ))}
            </ol>
          </section>
          {pollError && (
            <Text color="warning" role="status">
              Could not refresh the promotion, trying again:{' '}
              {errorMessage(pollError)}
            </Text>
          )}
          {actionError && (
            <Text color="danger" role="alert">
              {errorMessage(actionError)}
            </Text>
          )}
        </Flex>
      </DialogBody>
      <DialogFooter>
        {cancellable && (
          <Button
            variant="secondary"
            destructive
            isPending={pending === 'cancel'}
            isDisabled={pending !== undefined && pending !== 'cancel'}
            onPress={() => run('cancel')}
          >
            Cancel promotion
          </Button>
        )}
        {retryable && (
          <Button
            variant="secondary"
            isPending={pending === 'retry'}
            isDisabled={pending !== undefined && pending !== 'retry'}
            onPress={() => run('retry')}
          >
            Retry
          </Button>
        )}
        {mergeable && (
          <Button
            variant="primary"
            isPending={pending === 'merge'}
            isDisabled={pending !== undefined && pending !== 'merge'}
            onPress={() => run('merge')}
          >
            Merge
          </Button>
        )}
        <Button variant="secondary" slot="close">
          Close
        </Button>
      </DialogFooter>
    </>
  );
}
