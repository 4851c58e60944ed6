import { HelmValuesSource, ManagedBy } from './types';
import { ParsedDocument } from './yaml/parseYaml';
import { child, getIn, isMap, isSeq, str, TMap } from './yaml/tree';

/**
 * A Kubernetes object being rendered by a layout reader, with the names it
 * had before. Values are provenance-carrying trees.
 *
 * @public
 */
export interface Resource {
  tree: TMap;
  /** File the object was first read from. */
  file: string;
  /** Earlier names (before namePrefix/nameSuffix), oldest first. */
  previousNames: string[];
  /** namePrefix/nameSuffix applied, with the kustomization folder that applied them. */
  affixes: Array<{ dir: string; prefix: string; suffix: string }>;
  /** Generated ConfigMaps: data keys whose contents are a repository file. */
  dataFiles?: Record<string, string>;
  /** Objects synthesised from Helm values: where the values come from. */
  helm?: HelmValuesSource;
  /** Overrides the unit's `managedBy` (a HelmRelease rendered inside a kustomize unit). */
  managedBy?: ManagedBy;
  /** A generated ConfigMap whose name gets kustomize's content-hash suffix when its build is done. */
  hashSuffix?: boolean;
  /** Generated ConfigMaps: contents of the data keys read from files (for the name hash only). */
  fileData?: Record<string, string>;
}

export function kindOf(r: Resource): string {
  return str(r.tree.kind) ?? '';
}

export function apiVersionOf(r: Resource): string {
  return str(r.tree.apiVersion) ?? '';
}

export function nameOf(r: Resource): string {
  return str(getIn(r.tree, ['metadata', 'name'])) ?? '';
}

export function namespaceOf(r: Resource): string | undefined {
  return str(getIn(r.tree, ['metadata', 'namespace']));
}

/** Current and earlier names. */
export function allNames(r: Resource): string[] {
  return [nameOf(r), ...r.previousNames];
}

export function stringMap(n: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isMap(n as never)) return out;
  const m = n as TMap;
  for (const k of Object.keys(m)) {
    const v = str(m[k]);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

export function labelsOf(r: Resource): Record<string, string> {
  return stringMap(getIn(r.tree, ['metadata', 'labels']));
}

export function annotationsOf(r: Resource): Record<string, string> {
  return stringMap(getIn(r.tree, ['metadata', 'annotations']));
}

/** Turns parsed documents into resources (maps with a kind; `List` items expanded). */
export function resourcesFromDocuments(
  file: string,
  docs: ParsedDocument[],
): Resource[] {
  const out: Resource[] = [];
  const add = (tree: TMap) => {
    if (str(tree.kind) === undefined) return;
    if (str(tree.kind)?.endsWith('List') && isSeq(tree.items)) {
      for (const item of tree.items) if (isMap(item)) add(item);
      return;
    }
    out.push({ tree, file, previousNames: [], affixes: [] });
  };
  for (const d of docs) if (isMap(d.tree)) add(d.tree);
  return out;
}

/** Kinds that have no namespace. */
export const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'PersistentVolume',
  'StorageClass',
  'PriorityClass',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
  'APIService',
  'IngressClass',
  'RuntimeClass',
  'Node',
  'ClusterIssuer',
  'GatewayClass',
  'CSIDriver',
  'VolumeSnapshotClass',
]);

export function isClusterScoped(r: Resource): boolean {
  return CLUSTER_SCOPED.has(kindOf(r));
}

export { child };
