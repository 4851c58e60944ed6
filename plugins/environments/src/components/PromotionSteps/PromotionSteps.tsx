import { useApi } from '@backstage/frontend-plugin-api';
import { Button, Flex, Link, Text } from '@backstage/ui';
import {
  OpenPromotion,
  Promotion,
  PromotionState,
  PromotionStep,
} from '@stagecraft/plugin-environments-common';
import { useState } from 'react';
import { environmentsApiRef } from '../../api';
import { errorMessage } from '../../errors';
import { GateChecklist } from '../PromoteDialog/GateChecklist';
import { PromoteDialog } from '../PromoteDialog';
import { stateLabel } from '../PromoteDialog/promotionLabels';

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
  openPromotions = [],
}: {
  steps: PromotionStep[];
  /** The promotions under way: a step into an environment with one follows it instead. */
  openPromotions?: OpenPromotion[];
  /** The entity's ref; without it the steps are shown read-only. */
  entityRef?: string;
  /** Called when a promotion started here reaches a final state. */
  onPromoted?: (promotion: Promotion) => void;
}) {
  const [active, setActive] = useState<{
    from: string;
    to: string;
    following?: Promotion;
  }>();
  const [followError, setFollowError] = useState<string>();
  const environmentsApi = useApi(environmentsApiRef);

  async function follow(open: OpenPromotion) {
    setFollowError(undefined);
    try {
      const promotion = await environmentsApi.getPromotion(open.id);
      setActive({ from: open.from, to: open.to, following: promotion });
    } catch (error) {
      setFollowError(errorMessage(error));
    }
  }

  if (steps.length === 0) {
    return null;
  }
  return (
    <Flex direction="column" gap="2" aria-label="Promotions">
      <Text as="h3" variant="title-x-small">
        Promotions
      </Text>
      {steps.map(step => {
        const open = openPromotions.find(p => p.to === step.to);
        const available = step.available && !open;
        return (
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
                  variant={available ? 'primary' : 'secondary'}
                  isDisabled={!available}
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
                color={available ? 'success' : 'warning'}
              >
                {open
                  ? `A promotion into ${step.to} is under way: ${stateLabel(
                      open.state as PromotionState,
                    )}`
                  : stepStatus(step)}
              </Text>
              {open && entityRef && (
                <Button
                  size="small"
                  variant="secondary"
                  onPress={() => follow(open)}
                >
                  Follow {open.from} → {open.to}
                </Button>
              )}
              {open?.pullRequest && (
                <Link href={open.pullRequest.url} target="_blank">
                  Pull request #{open.pullRequest.number}
                </Link>
              )}
            </Flex>
            <GateChecklist gates={step.gates} />
          </Flex>
        );
      })}
      {followError && <Text color="danger">{followError}</Text>}
      {active && entityRef && (
        <PromoteDialog
          entityRef={entityRef}
          target={active}
          onClose={() => setActive(undefined)}
          onFinal={onPromoted}
          following={active.following}
        />
      )}
    </Flex>
  );
}
