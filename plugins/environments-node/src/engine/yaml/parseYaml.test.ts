import { parseYaml } from './parseYaml';
import { getIn, isLeaf, isMap, str } from './tree';

describe('parseYaml', () => {
  it('reports a duplicate key as an error with its line, not a silent win', () => {
    const { documents, problems } = parseYaml(
      'd.yaml',
      'spec:\n  replicas: 2\n  template: {}\n  replicas: 3\nkind: A\n',
    );
    expect(problems).toEqual([
      {
        file: 'd.yaml',
        line: 4,
        severity: 'error',
        message:
          'duplicate key spec.replicas (first at line 2); the last value is used',
      },
    ]);
    expect(str(getIn(documents[0].tree, ['spec', 'replicas']))).toBe('3');
    // merge keys are not duplicates
    expect(
      parseYaml('m.yaml', 'a: &x {b: 1}\nc:\n  <<: *x\n  b: 2\n').problems,
    ).toEqual([]);
  });

  it('gives a syntax error its line', () => {
    const { problems } = parseYaml('s.yaml', 'a: 1\nb: [1, 2\nc: 3\n');
    expect(problems).toEqual([
      expect.objectContaining({ file: 's.yaml', line: expect.any(Number) }),
    ]);
  });

  it('keeps file, YAML path and 1-based line on every leaf', () => {
    const text =
      '# header\napiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: app\n      image: "nginx:1.25"\n';
    const { documents, problems } = parseYaml('a/pod.yaml', text);
    expect(problems).toEqual([]);
    const image = getIn(documents[0].tree, ['spec', 'containers', 0, 'image']);
    expect(isLeaf(image) && image.prov).toEqual({
      file: 'a/pod.yaml',
      path: 'spec.containers[0].image',
      line: 7,
    });
  });

  it('numbers documents of multi-document files and keeps plain scalars as written', () => {
    const { documents } = parseYaml('m.yaml', 'a: 1\n---\ntag: 1.10\n');
    expect(documents).toHaveLength(2);
    const tag = getIn(documents[1].tree, ['tag']);
    expect(str(tag)).toBe('1.10');
    expect(isLeaf(tag) && tag.prov).toEqual({
      file: 'm.yaml',
      path: 'tag',
      line: 3,
      document: 1,
    });
  });

  it('quotes keys that are not identifiers in paths', () => {
    const { documents } = parseYaml(
      'x.yaml',
      'metadata:\n  annotations:\n    a.b/c: "1"\n',
    );
    const v = getIn(documents[0].tree, ['metadata', 'annotations', 'a.b/c']);
    expect(isLeaf(v) && v.prov.path).toBe('metadata.annotations["a.b/c"]');
  });

  it('reports syntax errors per document without throwing', () => {
    const { documents, problems } = parseYaml(
      'bad.yaml',
      'ok: 1\n---\nkey: [unclosed\n',
    );
    expect(documents).toHaveLength(1);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: 'bad.yaml', severity: 'error' });
    expect(problems[0].message).toMatch(/syntax error in document 1/);
  });

  it('stops alias bombs', () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    let prev = 'a';
    for (const n of ['b', 'c', 'd', 'e', 'f', 'g', 'h']) {
      lines.push(
        `${n}: &${n} [*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev}]`,
      );
      prev = n;
    }
    const start = Date.now();
    const { documents, problems } = parseYaml('bomb.yaml', lines.join('\n'));
    expect(Date.now() - start).toBeLessThan(5000);
    expect(documents).toHaveLength(0);
    expect(problems[0].message).toMatch(/alias bomb/);
  });

  it('resolves small aliases and merge keys', () => {
    const { documents } = parseYaml(
      'm.yaml',
      'base: &b\n  cpu: 1\nres:\n  <<: *b\n  mem: 2\n',
    );
    const res = getIn(documents[0].tree, ['res']);
    expect(isMap(res) && Object.keys(res).sort()).toEqual(['cpu', 'mem']);
  });

  it('refuses input over 1 MiB', () => {
    const { problems } = parseYaml(
      'big.yaml',
      `a: "${'x'.repeat(1024 * 1024)}"`,
    );
    expect(problems[0].message).toMatch(/larger than/);
  });

  it('maps lines of embedded YAML and fixes the path', () => {
    const { documents } = parseYaml('k.yaml', 'a: 1\nb: 2\n', {
      fixedPath: 'patches[0].patch',
      mapLine: l => l + 10,
    });
    const b = getIn(documents[0].tree, ['b']);
    expect(isLeaf(b) && b.prov).toEqual({
      file: 'k.yaml',
      path: 'patches[0].patch',
      line: 12,
    });
  });
});
