import {
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
  SelectorError,
} from './selectors';

const labels = {
  app: 'catalogue',
  tier: 'backend',
  'backstage.io/kubernetes-id': 'catalogue',
};

function matches(selector: string, l: Record<string, string> = labels) {
  return matchesLabels(l, parseLabelSelector(selector));
}

describe('label selectors', () => {
  it('matches equality and inequality', () => {
    expect(matches('app=catalogue')).toBe(true);
    expect(matches('app==catalogue')).toBe(true);
    expect(matches('app=voting')).toBe(false);
    expect(matches('app!=voting')).toBe(true);
    expect(matches('app!=catalogue')).toBe(false);
    expect(matches('missing!=x')).toBe(true);
    expect(matches('backstage.io/kubernetes-id=catalogue,tier=backend')).toBe(
      true,
    );
    expect(matches('backstage.io/kubernetes-id=catalogue,tier=frontend')).toBe(
      false,
    );
  });

  it('matches set-based requirements, including commas inside parentheses', () => {
    expect(matches('app in (voting, catalogue)')).toBe(true);
    expect(matches('app in (voting,frontend)')).toBe(false);
    expect(matches('app notin (voting,frontend),tier=backend')).toBe(true);
    expect(matches('app notin (catalogue)')).toBe(false);
    expect(matches('missing notin (a)')).toBe(true);
    expect(matches('missing in (a)')).toBe(false);
  });

  it('matches existence', () => {
    expect(matches('tier')).toBe(true);
    expect(matches('missing')).toBe(false);
    expect(matches('!missing')).toBe(true);
    expect(matches('!tier')).toBe(false);
    expect(matches('')).toBe(true);
  });

  it('rejects malformed selectors', () => {
    expect(() => parseLabelSelector('app in (a,b')).toThrow(SelectorError);
    expect(() => parseLabelSelector('a b c')).toThrow(SelectorError);
    expect(() => parseLabelSelector('app=in valid')).toThrow(SelectorError);
  });
});

describe('field selectors', () => {
  const object = {
    metadata: { name: 'catalogue', namespace: 'craftista-dev' },
    status: { phase: 'Running' },
  };

  it('matches metadata.name and metadata.namespace', () => {
    expect(
      matchesFields(object, parseFieldSelector('metadata.name=catalogue')),
    ).toBe(true);
    expect(
      matchesFields(object, parseFieldSelector('metadata.name==voting')),
    ).toBe(false);
    expect(
      matchesFields(
        object,
        parseFieldSelector(
          'metadata.namespace!=craftista-prod,metadata.name=catalogue',
        ),
      ),
    ).toBe(true);
    expect(
      matchesFields(
        object,
        parseFieldSelector('metadata.namespace!=craftista-dev'),
      ),
    ).toBe(false);
    expect(
      matchesFields(object, parseFieldSelector('status.phase=Running')),
    ).toBe(true);
  });

  it('rejects fields it does not support', () => {
    expect(() => parseFieldSelector('spec.replicas=1')).toThrow(
      'field label not supported',
    );
  });
});
