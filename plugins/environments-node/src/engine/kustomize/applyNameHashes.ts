import { kindOf, nameOf, Resource, stringMap } from '../resources';
import { getIn, isLeaf, isMap, Leaf } from '../yaml/tree';
import { configMapNameHash } from './nameHash';
import { fixAllReferences } from './transformers';

/**
 * Gives the generated ConfigMaps of a finished build the content-hash
 * suffix kustomize adds (`app-config` → `app-config-d792k96ctm`), and the
 * references to them (envFrom, volumes, valuesFrom …) the new name. The
 * old name stays in `previousNames`.
 */
export function applyNameHashes(resources: Resource[]): void {
  const renames = new Map<string, Map<string, string>>();
  for (const r of resources) {
    if (!r.hashSuffix || kindOf(r) !== 'ConfigMap') continue;
    const old = nameOf(r);
    const meta = r.tree.metadata;
    if (!old || !isMap(meta) || !isLeaf(meta.name)) continue;
    const next = `${old}-${configMapNameHash(
      { ...r.fileData, ...stringMap(r.tree.data) },
      stringMap(getIn(r.tree, ['binaryData'])),
    )}`;
    meta.name = new Leaf(next, meta.name.prov);
    r.previousNames.push(old);
    delete r.hashSuffix;
    if (!renames.has('ConfigMap')) renames.set('ConfigMap', new Map());
    renames.get('ConfigMap')!.set(old, next);
  }
  if (renames.size > 0) fixAllReferences(resources, renames);
}
