import { Dialog, DialogHeader } from '@backstage/ui';
import { Promotion } from '@stagecraft/plugin-environments-common';
import { useState } from 'react';
import { versionLabel } from '../EnvironmentMatrix/versionLabel';
import { PromotionLifecycleView } from './PromotionLifecycleView';
import { PromotionPlanView } from './PromotionPlanView';
import { PromotionTarget } from './usePromotionPlan';

/** `Promote dev → staging`, or `Roll back prod to 1.3.2` when `from` equals `to`. */
export function promoteDialogTitle(target: PromotionTarget): string {
  if (target.from === target.to) {
    return `Roll back ${target.to} to ${
      target.version ? versionLabel(target.version) : 'an earlier version'
    }`;
  }
  return `Promote ${target.from} → ${target.to}`;
}

/**
 * Promotes (or rolls back) an entity's environment: first the dry run with its diff and gates,
 * then, once started, the promotion's lifecycle until it is final. Mount it while open.
 */
export function PromoteDialog({
  entityRef,
  target,
  onClose,
  onFinal,
  pollIntervalMs,
  following,
}: {
  /** The entity's ref, e.g. `component:default/catalogue`. */
  entityRef: string;
  target: PromotionTarget;
  onClose: () => void;
  /** Called when a promotion started here reaches a final state. */
  onFinal?: (promotion: Promotion) => void;
  pollIntervalMs?: number;
  /** A promotion under way to follow, instead of planning a new one. */
  following?: Promotion;
}) {
  const [promotion, setPromotion] = useState<Promotion | undefined>(following);

  return (
    <Dialog
      isOpen
      onOpenChange={open => !open && onClose()}
      width="min(720px, 95vw)"
    >
      <DialogHeader>{promoteDialogTitle(target)}</DialogHeader>
      {promotion ? (
        <PromotionLifecycleView
          initial={promotion}
          pollIntervalMs={pollIntervalMs}
          onFinal={onFinal}
        />
      ) : (
        <PromotionPlanView
          entityRef={entityRef}
          target={target}
          onCreated={setPromotion}
        />
      )}
    </Dialog>
  );
}
