import { Button, Flex, Text } from '@backstage/ui';
import {
  Promotion,
  PromotionStep,
} from '@stagecraft/plugin-environments-common';
import { useState } from 'react';
import { GateChecklist } from '../PromoteDialog/GateChecklist';
import { PromoteDialog } from '../PromoteDialog';

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

function statusId(step: PromotionStep): string {
  return `promotion-status-${step.from}-${step.to}`.replace(
    /[^A-Za-z0-9_-]/g,
    '_',
  );
}

/**
 * The entity's promotion steps (from each environment to the next), each with a Promote button,
 * whether the viewer may use it and why not, and its gates as a checklist. The dialog's state
 * lives here, so reloading the matrix does not close it.
 *
 * @public
 */
export function PromotionSteps({
  steps,
  entityRef,
  onPromoted,
}: {
  steps: PromotionStep[];
  /** The entity's ref; without it the steps are shown read-only. */
  entityRef?: string;
  /** Called when a promotion started here reaches a final state. */
  onPromoted?: (promotion: Promotion) => void;
}) {
  const [active, setActive] = useState<{ from: string; to: string }>();

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
          <Flex align="center" gap="2">
            {entityRef ? (
              <Button
                size="small"
                variant={step.available ? 'primary' : 'secondary'}
                isDisabled={!step.available}
                aria-describedby={statusId(step)}
                onPress={() => setActive({ from: step.from, to: step.to })}
              >
                Promote {step.from} → {step.to}
              </Button>
            ) : (
              <Text weight="bold">
                {step.from} → {step.to}:
              </Text>
            )}
            <Text
              id={statusId(step)}
              color={step.available ? 'success' : 'warning'}
            >
              {stepStatus(step)}
            </Text>
          </Flex>
          <GateChecklist gates={step.gates} />
        </Flex>
      ))}
      {active && entityRef && (
        <PromoteDialog
          entityRef={entityRef}
          target={active}
          onClose={() => setActive(undefined)}
          onFinal={onPromoted}
        />
      )}
    </Flex>
  );
}
