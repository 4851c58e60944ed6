import { configMapNameHash } from './nameHash';

describe('configMapNameHash', () => {
  it('gives the suffix kubectl kustomize (v5.5) gives', () => {
    // `configMapGenerator: [{name: x, literals: [a=b]}]` → x-4h2mbtbbt6
    expect(configMapNameHash({ a: 'b' })).toBe('4h2mbtbbt6');
    // the order of keys does not matter, their contents do
    expect(configMapNameHash({ b: '2', a: '1' })).toBe(
      configMapNameHash({ a: '1', b: '2' }),
    );
    expect(configMapNameHash({ a: 'c' })).not.toBe('4h2mbtbbt6');
  });
});
