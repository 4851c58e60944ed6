import { Progress } from '@backstage/core-components';
import {
  Button,
  DialogBody,
  DialogFooter,
  Flex,
  Text,
  TextAreaField,
} from '@backstage/ui';
import {
  Promotion,
  PromotionPlan,
} from '@stagecraft/plugin-environments-common';
import { useState } from 'react';
import { errorMessage, errorStatus } from '../../errors';
import { FileDiff } from './FileDiff';
import { GateChecklist } from './GateChecklist';
import { changeLabel, methodLabel, targetLabel } from './promotionLabels';
import { PromotionTarget, usePromotionPlan } from './usePromotionPlan';

/** Why a plan may not be carried out, or undefined when it may. */
export function planBlocker(plan: PromotionPlan): string | undefined {
  if (plan.executable) {
    return undefined;
  }
  if (!plan.permission.allowed) {
    return `Not allowed: ${
      plan.permission.reason ?? 'the permission policy refuses it'
    }`;
  }
  const failing = plan.gates.filter(gate => !gate.passed);
  if (failing.length) {
    return `Blocked: ${failing.map(gate => gate.reason).join('; ')}`;
  }
  if (plan.changes.length === 0) {
    return `Nothing to change: ${plan.to} already runs this version`;
  }
  return 'The plan cannot be carried out';
}

function PlanDetails({ plan }: { plan: PromotionPlan }) {
  return (
    <Flex direction="column" gap="3">
      <section aria-label="Version changes">
        <Text as="h3" variant="title-x-small">
          Version changes
        </Text>
        {plan.changes.length === 0 ? (
          <Text color="secondary">No container changes.</Text>
        ) : (
          <ul style={{ margin: 0, paddingLeft: '1.25rem' }}>
            {plan.changes.map(change => (
              <li key={`${change.application}/${change.container}`}>
                <Text>{changeLabel(change)}</Text>
              </li>
            ))}
          </ul>
        )}
      </section>
      {plan.refusals.length > 0 && (
        <section aria-label="Refused changes">
          <Text as="h3" variant="title-x-small">
            Not changed
          </Text>
          <ul style={{ margin: 0, paddingLeft: '1.25rem' }}>
            {plan.refusals.map(refusal => (
              <li key={`${refusal.application}/${refusal.container}`}>
                <Text color="warning">
                  {refusal.container}: {refusal.reason}
                </Text>
              </li>
            ))}
          </ul>
        </section>
      )}
      <section aria-label="Gates">
        <Text as="h3" variant="title-x-small">
          Gates
        </Text>
        <GateChecklist gates={plan.gates} />
      </section>
      <section aria-label="How">
        <Text as="h3" variant="title-x-small">
          How
        </Text>
        <Text as="p">{methodLabel(plan.method, plan.target.branch)}</Text>
        <Text as="p" color="secondary" variant="body-small">
          Repository {targetLabel(plan.target)}
        </Text>
      </section>
      {plan.files.length > 0 && (
        <section aria-label="Diff">
          <Text as="h3" variant="title-x-small">
            Diff
          </Text>
          <Flex direction="column" gap="2">
            {plan.files.map(file => (
              <FileDiff key={file.path} file={file} />
            ))}
          </Flex>
        </section>
      )}
    </Flex>
  );
}

/**
 * The dry run of a promotion: what it changes, its gates and how it reaches Git, a note, and
 * the Promote button.
 */
export function PromotionPlanView({
  entityRef,
  target,
  onCreated,
}: {
  entityRef: string;
  target: PromotionTarget;
  onCreated: (promotion: Promotion) => void;
}) {
  const { plan, planError, replan, submit, submitting, submitError } =
    usePromotionPlan(entityRef, target);
  const [note, setNote] = useState('');
  const blocker = plan && planBlocker(plan);
  const conflict = submitError && errorStatus(submitError) === 409;

  const onPromote = async () => {
    const promotion = await submit(note);
    if (promotion) {
      onCreated(promotion);
    }
  };

  return (
    <>
      <DialogBody>
        <Flex direction="column" gap="3">
          {!plan && !planError && (
            <Flex direction="column" gap="1" role="status">
              <Text>Planning the promotion…</Text>
              <Progress />
            </Flex>
          )}
          {planError && (
            <Text color="danger" role="alert">
              Could not plan the promotion: {errorMessage(planError)}
            </Text>
          )}
          {plan && <PlanDetails plan={plan} />}
          {plan && (
            <TextAreaField
              label="Note"
              description="Added to the pull request or commit, and to the history."
              value={note}
              onChange={setNote}
            />
          )}
          {blocker && (
            <Text id="promote-blocker" color="warning">
              {blocker}
            </Text>
          )}
          {submitError && (
            <Text color="danger" role="alert">
              {conflict ? 'The promotion was not started: ' : ''}
              {errorMessage(submitError)}
            </Text>
          )}
        </Flex>
      </DialogBody>
      <DialogFooter>
        {(planError || conflict) && (
          <Button variant="secondary" onPress={replan}>
            Re-plan
          </Button>
        )}
        <Button variant="secondary" slot="close">
          Cancel
        </Button>
        <Button
          variant="primary"
          isDisabled={!plan?.executable}
          isPending={submitting}
          aria-describedby={blocker ? 'promote-blocker' : undefined}
          onPress={onPromote}
        >
          Promote
        </Button>
      </DialogFooter>
    </>
  );
}
