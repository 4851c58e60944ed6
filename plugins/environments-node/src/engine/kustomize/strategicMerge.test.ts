import { strategicMerge } from './strategicMerge';
import { fromPlain, getIn, isLeaf, toPlain } from '../yaml/tree';

const base = fromPlain(
  {
    spec: {
      replicas: 1,
      template: {
        spec: {
          containers: [
            {
              name: 'app',
              image: 'app:1',
              env: [{ name: 'A', value: '1' }],
              args: ['x'],
            },
            { name: 'side', image: 'side:1' },
          ],
          tolerations: [{ key: 'a' }],
        },
      },
    },
  },
  { file: 'base.yaml', path: '', line: 1 },
);

function merge(patch: unknown) {
  return strategicMerge(
    base,
    fromPlain(patch, { file: 'patch.yaml', path: '', line: 9 }),
  );
}

describe('strategicMerge', () => {
  it('merges containers and env by name, keeping provenance of each value', () => {
    const out = merge({
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: 'app',
                env: [
                  { name: 'B', value: '2' },
                  { name: 'A', value: 'x' },
                ],
              },
            ],
          },
        },
      },
    });
    const plain = toPlain(out) as any;
    expect(plain.spec.template.spec.containers).toEqual([
      {
        name: 'app',
        image: 'app:1',
        env: [
          { name: 'A', value: 'x' },
          { name: 'B', value: '2' },
        ],
        args: ['x'],
      },
      { name: 'side', image: 'side:1' },
    ]);
    const image = getIn(out, [
      'spec',
      'template',
      'spec',
      'containers',
      0,
      'image',
    ]);
    const a = getIn(out, [
      'spec',
      'template',
      'spec',
      'containers',
      0,
      'env',
      0,
      'value',
    ]);
    expect(isLeaf(image) && image.prov.file).toBe('base.yaml');
    expect(isLeaf(a) && a.prov.file).toBe('patch.yaml');
  });

  it('replaces lists without a merge key and scalars', () => {
    const plain = toPlain(
      merge({
        spec: {
          replicas: 3,
          template: { spec: { tolerations: [{ key: 'b' }] } },
        },
      }),
    ) as any;
    expect(plain.spec.replicas).toBe(3);
    expect(plain.spec.template.spec.tolerations).toEqual([{ key: 'b' }]);
  });

  it('deletes with null and $patch: delete, replaces with $patch: replace', () => {
    const plain = toPlain(
      merge({
        spec: {
          replicas: null,
          template: {
            spec: {
              containers: [{ name: 'side', $patch: 'delete' }],
              tolerations: null,
            },
          },
        },
      }),
    ) as any;
    expect(plain.spec.replicas).toBeUndefined();
    expect(plain.spec.template.spec.containers.map((c: any) => c.name)).toEqual(
      ['app'],
    );
    expect(plain.spec.template.spec.tolerations).toBeUndefined();
    const replaced = toPlain(
      merge({ spec: { template: { $patch: 'replace', x: 1 } } }),
    ) as any;
    expect(replaced.spec.template).toEqual({ x: 1 });
  });

  it('does not modify its inputs', () => {
    merge({ spec: { replicas: 5 } });
    expect((toPlain(base) as any).spec.replicas).toBe(1);
  });
});
