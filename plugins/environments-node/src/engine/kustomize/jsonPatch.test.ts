import { applyJsonPatch, JsonPatchError } from './jsonPatch';
import { fromPlain, getIn, isLeaf, toPlain } from '../yaml/tree';

const p = (file: string) => ({ file, path: '', line: 1 });

function run(doc: unknown, ops: unknown) {
  const tree = fromPlain(doc, p('base.yaml'));
  applyJsonPatch(tree, fromPlain(ops, p('ops.yaml')));
  return tree;
}

describe('applyJsonPatch', () => {
  it('replaces the image of the first container, with the patch as provenance', () => {
    const tree = run({ spec: { containers: [{ image: 'a:1' }] } }, [
      { op: 'replace', path: '/spec/containers/0/image', value: 'a:2' },
    ]);
    const image = getIn(tree, ['spec', 'containers', 0, 'image']);
    expect(isLeaf(image) && image.value).toBe('a:2');
    expect(isLeaf(image) && image.prov.file).toBe('ops.yaml');
  });

  it('adds, appends, removes, moves, copies and tests', () => {
    const tree = run({ a: [1, 2], m: { 'x/y': 1, 't~': 2 } }, [
      { op: 'add', path: '/a/-', value: 3 },
      { op: 'add', path: '/a/0', value: 0 },
      { op: 'remove', path: '/m/x~1y' },
      { op: 'copy', from: '/m/t~0', path: '/c' },
      { op: 'move', from: '/c', path: '/d' },
      { op: 'test', path: '/d', value: 2 },
    ]);
    expect(toPlain(tree)).toEqual({ a: [0, 1, 2, 3], m: { 't~': 2 }, d: 2 });
  });

  it('fails clearly on missing paths, bad ops and failed tests', () => {
    expect(() =>
      run({ a: 1 }, [{ op: 'replace', path: '/b', value: 1 }]),
    ).toThrow(JsonPatchError);
    expect(() => run({ a: 1 }, [{ op: 'nope', path: '/a' }])).toThrow(
      /unknown op/,
    );
    expect(() => run({ a: 1 }, [{ op: 'test', path: '/a', value: 2 }])).toThrow(
      /test failed/,
    );
    expect(() =>
      run({ a: [] }, [{ op: 'add', path: '/a/5', value: 1 }]),
    ).toThrow(/out of range/);
    expect(() => run({ a: 1 }, { op: 'add' })).toThrow(/list of operations/);
  });
});
