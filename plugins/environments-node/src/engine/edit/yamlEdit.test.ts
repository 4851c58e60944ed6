import { isMap, isSeq } from 'yaml';
import {
  appendItem,
  deletePair,
  formatScalar,
  insertPair,
  parseYamlPath,
  replaceScalar,
  sequenceIndent,
  setValueAt,
  YamlText,
} from './yamlEdit';

describe('parseYamlPath', () => {
  it('reads the paths the engine writes', () => {
    expect(parseYamlPath('spec.template.spec.containers[0].image')).toEqual([
      'spec',
      'template',
      'spec',
      'containers',
      0,
      'image',
    ]);
    expect(parseYamlPath('metadata.labels["app.kubernetes.io/name"]')).toEqual([
      'metadata',
      'labels',
      'app.kubernetes.io/name',
    ]);
    expect(parseYamlPath('a[x]')).toBeUndefined();
    expect(parseYamlPath('.a')).toBeUndefined();
  });
});

describe('formatScalar', () => {
  it('keeps the quoting style and quotes plain values that would change type', () => {
    expect(formatScalar('1.2.0', 'QUOTE_DOUBLE')).toBe('"1.2.0"');
    expect(formatScalar("it's", 'QUOTE_SINGLE')).toBe("'it''s'");
    expect(formatScalar('1.2.0', 'PLAIN')).toBe('1.2.0');
    expect(formatScalar('1.10', 'PLAIN')).toBe('"1.10"');
    expect(formatScalar('true', 'PLAIN')).toBe('"true"');
    expect(formatScalar('null', 'PLAIN')).toBe('"null"');
    expect(formatScalar('a: b', 'PLAIN')).toBe('"a: b"');
    expect(formatScalar('repo:5000/x:1', 'PLAIN')).toBe('repo:5000/x:1');
  });
});

describe('text edits', () => {
  const text = `# head
images: # list
  - name: app   # the app
    newTag: '1.0' # pinned
  - name: db
    newTag: 2
other: [a, b]
flow: {a: 1 }
`;

  it('replaces one scalar and nothing else', () => {
    const yt = new YamlText(text);
    const node = yt.nodeAt(['images', 0, 'newTag'])!;
    expect(replaceScalar(text, node, '1.1')).toBe(
      text.replace("'1.0'", "'1.1'"),
    );
    const plain = yt.nodeAt(['images', 1, 'newTag'])!;
    expect(replaceScalar(text, plain, '3')).toBe(
      text.replace('newTag: 2', 'newTag: "3"'),
    );
    expect(() => replaceScalar(text, yt.nodeAt(['images'])!, 'x')).toThrow(
      'not a scalar',
    );
  });

  it('inserts a key after the last one of a block or flow map', () => {
    const yt = new YamlText(text);
    const entry = yt.nodeAt(['images', 0]);
    if (!isMap(entry)) throw new Error('map expected');
    expect(insertPair(yt, entry, 'digest', () => ' sha256:x')).toBe(
      text.replace('# pinned\n', '# pinned\n    digest: sha256:x\n'),
    );
    const flow = yt.nodeAt(['flow']);
    if (!isMap(flow)) throw new Error('map expected');
    expect(insertPair(yt, flow, 'b', () => ' 2')).toBe(
      text.replace('{a: 1 }', '{a: 1, b: 2 }'),
    );
  });

  it('deletes a key with its line, or its flow entry', () => {
    const yt = new YamlText(text);
    const entry = yt.nodeAt(['images', 0]);
    if (!isMap(entry)) throw new Error('map expected');
    expect(deletePair(yt, entry, 'newTag')).toBe(
      text.replace("    newTag: '1.0' # pinned\n", ''),
    );
    expect(() => deletePair(yt, entry, 'name')).toThrow('shares its line');
    expect(deletePair(yt, entry, 'missing')).toBe(text);
    const flowText = 'x: {a: 1, b: 2, c: 3}\n';
    const f = new YamlText(flowText);
    const m = f.nodeAt(['x']);
    if (!isMap(m)) throw new Error('map expected');
    expect(deletePair(f, m, 'b')).toBe('x: {a: 1, c: 3}\n');
    expect(deletePair(f, m, 'a')).toBe('x: {b: 2, c: 3}\n');
    expect(deletePair(f, m, 'c')).toBe('x: {a: 1, b: 2}\n');
  });

  it('appends to block and flow sequences in their own indentation', () => {
    const yt = new YamlText(text);
    const images = yt.nodeAt(['images']);
    if (!isSeq(images)) throw new Error('seq expected');
    expect(
      appendItem(yt, images, (indent, flow) =>
        flow ? 'x' : `name: web\n${indent}newTag: "1"`,
      ),
    ).toBe(
      text.replace(
        'newTag: 2\n',
        'newTag: 2\n  - name: web\n    newTag: "1"\n',
      ),
    );
    const other = yt.nodeAt(['other']);
    if (!isSeq(other)) throw new Error('seq expected');
    expect(appendItem(yt, other, () => 'c')).toBe(
      text.replace('[a, b]', '[a, b, c]'),
    );
    expect(sequenceIndent(yt)).toBe(2);
    expect(sequenceIndent(new YamlText('r:\n- a\n'))).toBe(0);
  });

  it('reads documents by index and refuses broken ones', () => {
    const yt = new YamlText('a: 1\n---\nb: [\n');
    expect(yt.nodeAt(['a'])).toBeDefined();
    expect(yt.nodeAt(['b'], 1)).toBeUndefined();
    expect(yt.nodeAt(['a', 'b'])).toBeUndefined();
  });
});

describe('setValueAt quoting of a new value', () => {
  it('follows a file that quotes with single quotes', () => {
    const text = "replicaCount: 3\nresources:\n  limits:\n    cpu: '1'\n";
    expect(setValueAt(text, ['image', 'tag'], '2.3.1')).toBe(
      `${text}image:\n  tag: '2.3.1'\n`,
    );
  });

  it('uses double quotes otherwise', () => {
    const text = 'replicaCount: 3\n';
    expect(setValueAt(text, ['image', 'tag'], '1.10')).toBe(
      `${text}image:\n  tag: "1.10"\n`,
    );
  });
});
