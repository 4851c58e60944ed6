import { parseYaml } from '../yaml/parseYaml';
import { nameOf, Resource, resourcesFromDocuments } from '../resources';
import { getIn, isLeaf, Leaf, toPlain } from '../yaml/tree';
import {
  applyImage,
  applyLabels,
  applyNamespace,
  applyPrefixSuffix,
  selectTargets,
} from './transformers';

const leaf = (v: string, line = 1) =>
  new Leaf(v, { file: 'k.yaml', path: 'x', line });

function load(text: string): Resource[] {
  return resourcesFromDocuments('r.yaml', parseYaml('r.yaml', text).documents);
}

const text = `apiVersion: apps/v1
kind: Deployment
metadata: {name: api, labels: {app: api}}
spec:
  template:
    spec:
      containers: [{name: a, image: "api:1"}, {name: b, image: "sidecar:2"}]
---
apiVersion: v1
kind: Namespace
metadata: {name: team}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg}
`;

describe('kustomize transformers', () => {
  it('images change only matching containers and remember the parts', () => {
    const rs = load(text);
    expect(applyImage(rs, { name: 'api', newTag: leaf('7', 4) })).toBe(1);
    const a = getIn(rs[0].tree, [
      'spec',
      'template',
      'spec',
      'containers',
      0,
      'image',
    ]);
    const b = getIn(rs[0].tree, [
      'spec',
      'template',
      'spec',
      'containers',
      1,
      'image',
    ]);
    expect(
      isLeaf(a) && [a.value, a.parts?.tag?.line, a.parts?.name?.file],
    ).toEqual(['api:7', 4, 'r.yaml']);
    expect(isLeaf(b) && b.value).toBe('sidecar:2');
  });

  it('namespace skips cluster-scoped kinds', () => {
    const rs = load(text);
    applyNamespace(rs, leaf('prod'));
    expect(
      rs.map(r => toPlain(getIn(r.tree, ['metadata', 'namespace']))),
    ).toEqual(['prod', undefined, 'prod']);
  });

  it('prefix/suffix rename objects but not namespaces', () => {
    const rs = load(text);
    applyPrefixSuffix(rs, 'o', leaf('p-'), leaf('-s'));
    expect(rs.map(nameOf)).toEqual(['p-api-s', 'team', 'p-cfg-s']);
    expect(rs[0].affixes).toEqual([{ dir: 'o', prefix: 'p-', suffix: '-s' }]);
  });

  it('labels and targets by kind regex, name and label selector', () => {
    const rs = load(text);
    const labels = parseYaml('k.yaml', 'tier: web\n').documents[0]
      .tree as never;
    applyLabels(rs, labels, { selectors: false, templates: false });
    expect(
      selectTargets(rs, { labelSelector: 'tier=web,app=api' }).map(nameOf),
    ).toEqual(['api']);
    expect(selectTargets(rs, { kind: 'Config.*' }).map(nameOf)).toEqual([
      'cfg',
    ]);
    expect(
      selectTargets(rs, { group: 'apps', version: 'v1' }).map(nameOf),
    ).toEqual(['api']);
    expect(selectTargets(rs, { name: 'nope' })).toEqual([]);
  });
});
