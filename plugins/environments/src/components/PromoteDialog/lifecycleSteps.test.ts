import { promotion } from '../../__testUtils__/fixtures';
import { lifecycleSteps } from './lifecycleSteps';

const show = (p: ReturnType<typeof promotion>) =>
  lifecycleSteps(p).map(step => `${step.state}:${step.status}`);

describe('lifecycleSteps', () => {
  it('marks the steps before the current one done and the rest upcoming', () => {
    expect(show(promotion({ state: 'pending-review' }))).toEqual([
      'planned:done',
      'pending-review:current',
      'merged:upcoming',
      'syncing:upcoming',
      'completed:upcoming',
    ]);
  });

  it('skips review for direct commits', () => {
    expect(
      show(promotion({ state: 'merged', method: 'direct-commit' })),
    ).toEqual([
      'planned:done',
      'merged:current',
      'syncing:upcoming',
      'completed:upcoming',
    ]);
  });

  it('ends a stopped promotion at its final state, after the steps it reached', () => {
    expect(show(promotion({ state: 'failed' }))).toEqual([
      'planned:done',
      'pending-review:done',
      'failed:current',
    ]);
  });
});
