import {
  cloneNode,
  formatPath,
  fromPlain,
  getIn,
  int,
  isLeaf,
  str,
  toPlain,
} from './tree';

const prov = { file: 'f', path: 'p', line: 1 };

describe('tree', () => {
  it('round-trips plain values', () => {
    const v = { a: [1, 'x', { b: true }], c: null };
    expect(toPlain(fromPlain(v, prov))).toEqual(v);
  });

  it('clones deeply', () => {
    const t = fromPlain({ a: { b: 1 } }, prov);
    const c = cloneNode(t);
    (c as any).a.b = fromPlain(2, prov);
    expect(toPlain(t)).toEqual({ a: { b: 1 } });
  });

  it('reads strings and integers', () => {
    const t = fromPlain({ n: 3, s: '4', x: 'x' }, prov);
    expect(int(getIn(t, ['n']))).toBe(3);
    expect(int(getIn(t, ['s']))).toBe(4);
    expect(int(getIn(t, ['x']))).toBeUndefined();
    expect(str(getIn(t, ['n']))).toBe('3');
    expect(isLeaf(getIn(t, ['missing', 0]))).toBe(false);
  });

  it('formats YAML paths', () => {
    expect(formatPath(['spec', 'containers', 0, 'image'])).toBe(
      'spec.containers[0].image',
    );
    expect(formatPath([0, 'value'])).toBe('[0].value');
    expect(formatPath(['labels', 'app.kubernetes.io/name'])).toBe(
      'labels["app.kubernetes.io/name"]',
    );
  });
});
