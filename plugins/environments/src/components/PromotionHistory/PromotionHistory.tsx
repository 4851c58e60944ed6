import { Progress } from '@backstage/core-components';
import { Button, Flex, Select, Text } from '@backstage/ui';
import {
  EnvironmentMatrix,
  Promotion,
} from '@stagecraft/plugin-environments-common';
import { useEffect, useRef, useState } from 'react';
import { errorMessage } from '../../errors';
import { usePromotionHistory } from '../../hooks/usePromotionHistory';
import { PromoteDialog, PromotionTarget } from '../PromoteDialog';
import { HistoryEntryItem } from './HistoryEntryItem';
import { rollbackTarget } from './rollbackTarget';

const ALL = 'all';

/**
 * An entity's promotions and version changes, newest first, filtered by environment, with a
 * rollback to what an entry deployed.
 */
export function PromotionHistory({
  matrix,
  onPromoted,
}: {
  matrix: EnvironmentMatrix;
  /** Called when a rollback started here reaches a final state. */
  onPromoted?: (promotion: Promotion) => void;
}) {
  const [environment, setEnvironment] = useState(ALL);
  const [rollback, setRollback] = useState<PromotionTarget>();
  const { value, loading, error, refresh } = usePromotionHistory(
    matrix.entityRef,
    environment === ALL ? undefined : environment,
  );

  // Each reload of the matrix (after a promotion, or on a change the backend signals) may come
  // with new history, even when the matrix itself is the same.
  const seenMatrix = useRef(matrix);
  useEffect(() => {
    if (seenMatrix.current !== matrix) {
      seenMatrix.current = matrix;
      refresh();
    }
  }, [matrix, refresh]);

  return (
    <Flex direction="column" gap="3">
      <Select
        label="Environment"
        options={[
          { id: ALL, label: 'All environments' },
          ...matrix.environments.map(env => ({
            id: env.name,
            label: env.name,
          })),
        ]}
        selectedKey={environment}
        onSelectionChange={key => setEnvironment(String(key ?? ALL))}
        style={{ maxWidth: 240 }}
      />
      {loading && !value && <Progress />}
      {error && (
        <Flex align="center" gap="2">
          <Text color="danger" role="alert">
            Could not load the history: {errorMessage(error)}
          </Text>
          <Button size="small" variant="secondary" onPress={refresh}>
            Try again
          </Button>
        </Flex>
      )}
      {value?.problems.map((problem, index) => (
        <Text key={index} color="warning">
          {problem.message}
        </Text>
      ))}
      {value && value.items.length === 0 && (
        <Text color="secondary">
          No promotions or version changes
          {environment === ALL ? '' : ` in ${environment}`} yet.
        </Text>
      )}
      {value && value.items.length > 0 && (
        <ol
          aria-label="Promotion history"
          aria-busy={loading}
          style={{ margin: 0, paddingLeft: '1.25rem' }}
        >
          {value.items.map(entry => {
            const target = rollbackTarget(entry, matrix);
            return (
              <li key={entry.id} style={{ marginBottom: 'var(--bui-space-3)' }}>
                <HistoryEntryItem
                  entry={entry}
                  onRollback={target && (() => setRollback(target))}
                />
              </li>
            );
          })}
        </ol>
      )}
      {rollback && (
        <PromoteDialog
          entityRef={matrix.entityRef}
          target={rollback}
          onClose={() => setRollback(undefined)}
          onFinal={onPromoted}
        />
      )}
    </Flex>
  );
}
