import { Provenance } from '../types';
import {
  allNames,
  apiVersionOf,
  annotationsOf,
  isClusterScoped,
  kindOf,
  labelsOf,
  nameOf,
  namespaceOf,
  Resource,
} from '../resources';
import { matchesLabelSelector } from './labelSelector';
import { formatImageRef, parseImageRef } from './imageRef';
import {
  getIn,
  isLeaf,
  isMap,
  isSeq,
  Leaf,
  newMap,
  str,
  TMap,
  TNode,
} from '../yaml/tree';

/** Kinds whose `spec.replicas` the kustomize `replicas:` field sets. */
export const REPLICA_KINDS = new Set([
  'Deployment',
  'ReplicaSet',
  'StatefulSet',
  'ReplicationController',
]);

function ensureMap(parent: TMap, key: string, prov?: Provenance): TMap {
  const cur = parent[key];
  if (isMap(cur)) return cur;
  const m = newMap(prov);
  parent[key] = m;
  return m;
}

function anchored(pattern: string, value: string): boolean {
  try {
    return new RegExp(`^(?:${pattern})$`).test(value);
  } catch {
    return pattern === value;
  }
}

/** A kustomize patch target (`target:` of patches / patchesJson6902). */
export interface PatchTarget {
  group?: string;
  version?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  labelSelector?: string;
  annotationSelector?: string;
}

export function readTarget(n: TNode | undefined): PatchTarget | undefined {
  if (!isMap(n)) return undefined;
  return {
    group: str(n.group),
    version: str(n.version),
    kind: str(n.kind),
    name: str(n.name),
    namespace: str(n.namespace),
    labelSelector: str(n.labelSelector),
    annotationSelector: str(n.annotationSelector),
  };
}

/** Resources selected by a patch target. */
export function selectTargets(
  resources: Resource[],
  t: PatchTarget,
): Resource[] {
  return resources.filter(r => {
    if (t.kind && !anchored(t.kind, kindOf(r))) return false;
    if (t.name && !allNames(r).some(n => anchored(t.name!, n))) return false;
    if (t.namespace && !anchored(t.namespace, namespaceOf(r) ?? ''))
      return false;
    const apiVersion = apiVersionOf(r);
    const slash = apiVersion.indexOf('/');
    const group = slash < 0 ? '' : apiVersion.slice(0, slash);
    const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
    if (t.group !== undefined && t.group !== '' && !anchored(t.group, group))
      return false;
    if (t.version && !anchored(t.version, version)) return false;
    if (t.labelSelector && !matchesLabelSelector(t.labelSelector, labelsOf(r)))
      return false;
    if (
      t.annotationSelector &&
      !matchesLabelSelector(t.annotationSelector, annotationsOf(r))
    ) {
      return false;
    }
    return true;
  });
}

/** `namespace:` — sets metadata.namespace on every namespaced object. */
export function applyNamespace(resources: Resource[], ns: Leaf): void {
  const value = ns.text();
  if (!value) return;
  for (const r of resources) {
    if (isClusterScoped(r)) continue;
    const meta = ensureMap(r.tree, 'metadata', ns.prov);
    meta.namespace = new Leaf(value, ns.prov);
  }
}

type Renames = Map<string, Map<string, string>>;

function renameRef(holder: TMap, key: string, kind: string, renames: Renames) {
  const leaf = holder[key];
  const old = str(leaf);
  const next = old !== undefined ? renames.get(kind)?.get(old) : undefined;
  if (next !== undefined && isLeaf(leaf))
    holder[key] = new Leaf(next, leaf.prov);
}

function fixReferences(node: TNode, renames: Renames, parentKey = ''): void {
  if (isSeq(node)) {
    for (const c of node) fixReferences(c, renames, parentKey);
    return;
  }
  if (!isMap(node)) return;
  switch (parentKey) {
    case 'configMapRef':
    case 'configMapKeyRef':
    case 'configMap':
      renameRef(node, 'name', 'ConfigMap', renames);
      break;
    case 'secretRef':
    case 'secretKeyRef':
      renameRef(node, 'name', 'Secret', renames);
      break;
    case 'secret':
      renameRef(node, 'secretName', 'Secret', renames);
      break;
    case 'service':
      renameRef(node, 'name', 'Service', renames);
      break;
    case 'backend':
      renameRef(node, 'serviceName', 'Service', renames);
      break;
    case 'backendRefs':
      if ((str(node.kind) ?? 'Service') === 'Service') {
        renameRef(node, 'name', 'Service', renames);
      }
      break;
    case 'scaleTargetRef': {
      const k = str(node.kind);
      if (k) renameRef(node, 'name', k, renames);
      break;
    }
    default:
  }
  if ('serviceAccountName' in node)
    renameRef(node, 'serviceAccountName', 'ServiceAccount', renames);
  for (const k of Object.keys(node)) fixReferences(node[k], renames, k);
}

/** Renames objects (kind → old → new name) in every reference to them. */
export function fixAllReferences(
  resources: Resource[],
  renames: Map<string, Map<string, string>>,
): void {
  for (const r of resources) fixReferences(r.tree, renames);
}

/** `namePrefix` / `nameSuffix` — renames objects and the references to them. */
export function applyPrefixSuffix(
  resources: Resource[],
  dir: string,
  prefix: Leaf | undefined,
  suffix: Leaf | undefined,
): void {
  const p = prefix?.text() ?? '';
  const s = suffix?.text() ?? '';
  if (!p && !s) return;
  const renames: Renames = new Map();
  for (const r of resources) {
    const kind = kindOf(r);
    if (kind === 'Namespace' || kind === 'CustomResourceDefinition') continue;
    const old = nameOf(r);
    if (!old) continue;
    const next = `${p}${old}${s}`;
    const meta = ensureMap(r.tree, 'metadata');
    const leaf = meta.name;
    meta.name = new Leaf(
      next,
      isLeaf(leaf) ? leaf.prov : (prefix ?? suffix)!.prov,
    );
    r.previousNames.push(old);
    r.affixes.push({ dir, prefix: p, suffix: s });
    if (!renames.has(kind)) renames.set(kind, new Map());
    renames.get(kind)!.set(old, next);
  }
  for (const r of resources) fixReferences(r.tree, renames);
}

const SELECTOR_KINDS = new Set([
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'Job',
  'Rollout',
]);

/** commonLabels / labels — adds labels (and, when asked, selectors and templates). */
export function applyLabels(
  resources: Resource[],
  labels: TMap,
  opts: { selectors: boolean; templates: boolean },
): void {
  const entries = Object.keys(labels).filter(k => isLeaf(labels[k]));
  if (entries.length === 0) return;
  const put = (m: TMap) => {
    for (const k of entries) {
      const leaf = labels[k] as Leaf;
      m[k] = new Leaf(leaf.text(), leaf.prov);
    }
  };
  for (const r of resources) {
    put(ensureMap(ensureMap(r.tree, 'metadata'), 'labels'));
    const kind = kindOf(r);
    const spec = r.tree.spec;
    if (!isMap(spec)) continue;
    if (opts.selectors && kind === 'Service') put(ensureMap(spec, 'selector'));
    if (SELECTOR_KINDS.has(kind)) {
      if (opts.selectors)
        put(ensureMap(ensureMap(spec, 'selector'), 'matchLabels'));
      if ((opts.templates || opts.selectors) && isMap(spec.template)) {
        put(ensureMap(ensureMap(spec.template, 'metadata'), 'labels'));
      }
    }
    if (kind === 'CronJob' && (opts.templates || opts.selectors)) {
      const tmpl = getIn(spec, ['jobTemplate', 'spec', 'template']);
      if (isMap(tmpl)) put(ensureMap(ensureMap(tmpl, 'metadata'), 'labels'));
    }
  }
}

/** `replicas:` entry. */
export function applyReplicas(
  resources: Resource[],
  name: string,
  count: Leaf,
): boolean {
  let matched = false;
  for (const r of resources) {
    if (!REPLICA_KINDS.has(kindOf(r)) || !allNames(r).includes(name)) continue;
    const spec = ensureMap(r.tree, 'spec', count.prov);
    spec.replicas = new Leaf(count.value, count.prov, count.raw);
    matched = true;
  }
  return matched;
}

/** One `images:` entry of a kustomization. */
export interface ImageOverride {
  name: string;
  newName?: Leaf;
  newTag?: Leaf;
  digest?: Leaf;
}

function updateContainers(seq: TNode, o: ImageOverride): number {
  if (!isSeq(seq)) return 0;
  let n = 0;
  for (const c of seq) {
    if (!isMap(c)) continue;
    const leaf = c.image;
    const text = str(leaf);
    if (!isLeaf(leaf) || text === undefined) continue;
    const ref = parseImageRef(text);
    if (ref.name !== o.name) continue;
    const parts = {
      name: leaf.parts?.name ?? leaf.prov,
      tag: leaf.parts?.tag ?? leaf.prov,
      digest: leaf.parts?.digest ?? leaf.prov,
    };
    let prov = leaf.prov;
    const newName = o.newName?.text();
    if (newName) {
      ref.name = newName;
      parts.name = o.newName!.prov;
      prov = o.newName!.prov;
    }
    const newTag = o.newTag?.text();
    const digest = o.digest?.text();
    if (newTag && digest) {
      ref.tag = newTag;
      ref.digest = digest;
      parts.tag = o.newTag!.prov;
      parts.digest = o.digest!.prov;
      prov = o.newTag!.prov;
    } else if (newTag) {
      ref.tag = newTag;
      ref.digest = null;
      parts.tag = o.newTag!.prov;
      prov = o.newTag!.prov;
    } else if (digest) {
      ref.digest = digest;
      ref.tag = null;
      parts.digest = o.digest!.prov;
      prov = o.digest!.prov;
    }
    c.image = new Leaf(formatImageRef(ref), prov, undefined, parts);
    n++;
  }
  return n;
}

function walkImages(node: TNode, o: ImageOverride): number {
  if (isSeq(node)) return node.reduce((a, c) => a + walkImages(c, o), 0);
  if (!isMap(node)) return 0;
  let n = 0;
  for (const k of Object.keys(node)) {
    if (k === 'containers' || k === 'initContainers')
      n += updateContainers(node[k], o);
    else n += walkImages(node[k], o);
  }
  return n;
}

/** `images:` entry — rewrites matching container images. Returns how many changed. */
export function applyImage(resources: Resource[], o: ImageOverride): number {
  let n = 0;
  for (const r of resources) n += walkImages(r.tree, o);
  return n;
}
