import {
  cloneNode,
  isLeaf,
  isMap,
  isSeq,
  newMap,
  newSeq,
  PROV,
  str,
  TMap,
  TNode,
  TSeq,
} from '../yaml/tree';

/** Merge keys of Kubernetes lists that strategic merge patches merge by key. */
const MERGE_KEYS: Record<string, string[]> = {
  containers: ['name'],
  initContainers: ['name'],
  ephemeralContainers: ['name'],
  env: ['name'],
  volumes: ['name'],
  volumeMounts: ['mountPath'],
  volumeDevices: ['devicePath'],
  imagePullSecrets: ['name'],
  hostAliases: ['ip'],
  ports: ['containerPort', 'port'],
  topologySpreadConstraints: ['topologyKey'],
  resourceClaims: ['name'],
  conditions: ['type'],
};

function mergeKeyFor(field: string, items: TNode[]): string | undefined {
  const keys = MERGE_KEYS[field];
  if (!keys) return undefined;
  for (const k of keys) {
    if (items.some(i => isMap(i) && i[k] !== undefined)) return k;
  }
  return undefined;
}

function directive(n: TNode | undefined): string | undefined {
  return isMap(n) ? str(n.$patch) : undefined;
}

function stripDirectives(m: TMap): TMap {
  const out = newMap(m[PROV]);
  for (const k of Object.keys(m)) {
    if (
      k === '$patch' ||
      k.startsWith('$setElementOrder') ||
      k === '$retainKeys'
    )
      continue;
    if (k.startsWith('$deleteFromPrimitiveList')) continue;
    const v = m[k];
    out[k] = isMap(v) ? stripDirectives(v) : cloneNode(v);
  }
  return out;
}

function mergeList(field: string, base: TSeq, patch: TSeq): TSeq {
  const key = mergeKeyFor(field, [...base, ...patch]);
  if (!key) {
    // lists without a merge key are replaced (scalars and unknown lists)
    const out = newSeq(patch[PROV]);
    for (const item of patch)
      if (directive(item) === undefined) out.push(cloneNode(item));
    return out;
  }
  const out = newSeq(base[PROV]);
  for (const item of base) out.push(item);
  for (const item of patch) {
    if (!isMap(item)) continue;
    const d = directive(item);
    const kv = str(item[key]);
    const idx = out.findIndex(b => isMap(b) && str(b[key]) === kv);
    if (d === 'delete') {
      if (idx >= 0) out.splice(idx, 1);
    } else if (idx >= 0) {
      out[idx] = strategicMerge(out[idx], item);
    } else {
      out.push(stripDirectives(item));
    }
  }
  return out;
}

/**
 * Applies a Kubernetes strategic merge patch to a tree and returns the
 * result (the inputs are not modified). Supports merge keys of the core
 * lists, `null` deletions and `$patch: replace|delete`.
 */
export function strategicMerge(base: TNode | undefined, patch: TNode): TNode {
  if (!isMap(patch)) return cloneNode(patch);
  const d = directive(patch);
  if (d === 'replace' || !isMap(base)) return stripDirectives(patch);
  const out = newMap(base[PROV]);
  for (const k of Object.keys(base)) out[k] = base[k];
  for (const k of Object.keys(patch)) {
    if (k === '$patch' || k.startsWith('$')) continue;
    const pv = patch[k];
    if (isLeaf(pv) && pv.value === null) {
      delete out[k];
      continue;
    }
    if (isMap(pv) && directive(pv) === 'delete') {
      delete out[k];
      continue;
    }
    const bv = out[k];
    if (isSeq(pv) && isSeq(bv)) out[k] = mergeList(k, bv, pv);
    else if (isMap(pv) && isMap(bv)) out[k] = strategicMerge(bv, pv);
    else out[k] = isMap(pv) ? stripDirectives(pv) : cloneNode(pv);
  }
  return out;
}
