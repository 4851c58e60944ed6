import { Flex, Text } from '@backstage/ui';
import { PromotionStep } from '@stagecraft/plugin-environments-common';

/** "Ready", or why not: the permission first, then the failing gates. */
export function stepStatus(step: PromotionStep): string {
  if (!step.permission.allowed) {
    return `Not allowed: ${
      step.permission.reason ?? 'the permission policy refuses it'
    }`;
  }
  const failing = step.gates.filter(gate => !gate.passed);
  return failing.length
    ? `Blocked: ${failing.map(gate => gate.reason).join('; ')}`
    : 'Ready to promote';
}

/**
 * The entity's promotion steps (from each environment to the next), with their gates as a
 * checklist and whether the viewer may promote.
 *
 * @public
 */
export function PromotionSteps({ steps }: { steps: PromotionStep[] }) {
  if (steps.length === 0) {
    return null;
  }
  return (
    <Flex direction="column" gap="2" aria-label="Promotions">
      <Text as="h3" variant="title-x-small">
        Promotions
      </Text>
      {steps.map(step => (
        <Flex
          key={`${step.from}->${step.to}`}
          direction="column"
          gap="1"
          aria-label={`${step.from} to ${step.to}`}
        >
          <Text weight="bold">
            {step.from} → {step.to}:{' '}
            <Text
              as="span"
              color={step.available ? 'success' : 'warning'}
              weight="regular"
            >
              {stepStatus(step)}
            </Text>
          </Text>
          <ul style={{ margin: 0, paddingLeft: '1.25rem' }}>
            {step.gates.map(gate => (
              <li key={gate.gate}>
                <Text
                  variant="body-small"
                  color={gate.passed ? 'secondary' : 'warning'}
                >
                  {gate.passed ? '✓' : '✗'} {gate.reason}
                </Text>
              </li>
            ))}
          </ul>
        </Flex>
      ))}
    </Flex>
  );
}
