import {
  isOpenPromotionState,
  Promotion,
  PromotionState,
} from '@stagecraft/plugin-environments-common';

/** One step of the lifecycle stepper. */
export type LifecycleStep = {
  state: PromotionState;
  status: 'done' | 'current' | 'upcoming';
};

/**
 * The promotion's path: planned → pending review (pull requests only) → merged → syncing, and
 * then its final state (completed while it is still open).
 */
export function lifecycleSteps(promotion: Promotion): LifecycleStep[] {
  const path: PromotionState[] = [
    'planned',
    ...(promotion.method === 'pull-request'
      ? (['pending-review'] as const)
      : []),
    'merged',
    'syncing',
  ];
  const open = isOpenPromotionState(promotion.state);
  const reached = new Set(promotion.events.map(event => event.state));
  if (promotion.state === 'completed') {
    // A completed promotion went all the way, whatever its events recorded.
    path.forEach(state => reached.add(state));
  }
  const current = path.indexOf(promotion.state);
  const steps: LifecycleStep[] = path.map((state, index) => {
    if (open) {
      if (index < current) return { state, status: 'done' };
      return { state, status: index === current ? 'current' : 'upcoming' };
    }
    return { state, status: reached.has(state) ? 'done' : 'upcoming' };
  });
  steps.push(
    open
      ? { state: 'completed', status: 'upcoming' }
      : { state: promotion.state, status: 'current' },
  );
  return open || promotion.state === 'completed'
    ? steps
    : // A promotion that stopped early skips the steps it never reached.
      steps.filter(step => step.status !== 'upcoming');
}
