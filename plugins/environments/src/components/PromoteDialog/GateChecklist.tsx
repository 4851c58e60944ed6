import { Text } from '@backstage/ui';
import { GateResult } from '@stagecraft/plugin-environments-common';
import { visuallyHidden } from '../visuallyHidden';

/** Gates as a checklist: ✓ or ✗ and the reason. */
export function GateChecklist({ gates }: { gates: GateResult[] }) {
  if (gates.length === 0) {
    return <Text color="secondary">No gates.</Text>;
  }
  return (
    <ul style={{ margin: 0, paddingLeft: '1.25rem' }}>
      {gates.map(gate => (
        <li key={gate.gate}>
          <Text
            variant="body-small"
            color={gate.passed ? 'secondary' : 'warning'}
          >
            <span aria-hidden="true">{gate.passed ? '✓' : '✗'}</span>
            <span style={visuallyHidden}>
              {gate.passed ? ' Passed:' : ' Failed:'}
            </span>{' '}
            {gate.reason}
          </Text>
        </li>
      ))}
    </ul>
  );
}
