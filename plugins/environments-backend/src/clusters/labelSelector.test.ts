import { matchesLabelSelector, parseLabelSelector } from './labelSelector';

describe('labelSelector', () => {
  const labels = { app: 'web', tier: 'frontend', env: 'qa' };

  it.each([
    ['app=web', true],
    ['app==web', true],
    ['app=api', false],
    ['app!=api', true],
    ['app!=web', false],
    ['env in (dev, qa)', true],
    ['env in (dev,prod)', false],
    ['env notin (dev,prod)', true],
    ['tier', true],
    ['missing', false],
    ['!missing', true],
    ['!tier', false],
    ['app=web,env in (qa),!legacy', true],
    ['app=web,env in (prod),!legacy', false],
    ['', true],
  ])('%s → %s', (selector, expected) => {
    expect(matchesLabelSelector(parseLabelSelector(selector), labels)).toBe(
      expected,
    );
  });

  it('treats objects without labels as having none', () => {
    expect(matchesLabelSelector(parseLabelSelector('!a'), undefined)).toBe(
      true,
    );
    expect(matchesLabelSelector(parseLabelSelector('a=b'), undefined)).toBe(
      false,
    );
  });

  it('parses the Kubernetes plugin label', () => {
    const selector = parseLabelSelector('backstage.io/kubernetes-id=catalogue');
    expect(
      matchesLabelSelector(selector, {
        'backstage.io/kubernetes-id': 'catalogue',
      }),
    ).toBe(true);
    expect(
      matchesLabelSelector(selector, { 'backstage.io/kubernetes-id': 'cart' }),
    ).toBe(false);
  });

  it('rejects malformed selectors', () => {
    expect(() => parseLabelSelector('app in dev')).toThrow(
      /Invalid label selector/,
    );
    expect(() => parseLabelSelector('a=b=c')).toThrow(/Invalid label selector/);
  });
});
