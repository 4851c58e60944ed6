import { matchesLabelSelector, parseLabelSelector } from './labelSelector';

describe('label selectors', () => {
  const labels = { app: 'web', tier: 'front', env: 'prod' };
  it.each([
    ['app=web', true],
    ['app==web,tier=front', true],
    ['app=api', false],
    ['app!=api', true],
    ['missing!=x', true],
    ['env in (dev, prod)', true],
    ['env notin (prod)', false],
    ['tier', true],
    ['!tier', false],
    ['!missing', true],
    ['', true],
  ])('%s → %s', (selector, expected) => {
    expect(matchesLabelSelector(selector, labels)).toBe(expected);
  });

  it('rejects invalid selectors', () => {
    expect(parseLabelSelector('a b c')).toBeUndefined();
    expect(matchesLabelSelector('a b c', labels)).toBe(false);
  });
});
