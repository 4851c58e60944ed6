import { kindOf, nameOf, namespaceOf, Resource } from '../resources';
import { WORKLOAD_POD_SPEC } from '../workloads/extractWorkloads';
import { toPlain } from '../yaml/tree';

/** The fields the engine reports of one rendered object, as plain values. */
export interface ObjectProjection {
  /** `Kind namespace/name` (namespace empty when unset). */
  id: string;
  images?: string[];
  replicas?: unknown;
  resources?: unknown[];
}

function get(obj: unknown, path: string[]): unknown {
  let cur = obj;
  for (const k of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

/**
 * Projects a rendered object (plain, as `kubectl kustomize` prints it) onto
 * what the engine reports: kind, name, namespace, and for workloads the
 * container images, replicas and container resources.
 */
export function projectObject(obj: Record<string, unknown>): ObjectProjection {
  const kind = String(obj.kind ?? '');
  const name = String(get(obj, ['metadata', 'name']) ?? '');
  const ns = get(obj, ['metadata', 'namespace']);
  const out: ObjectProjection = {
    id: `${kind} ${ns ? `${String(ns)}/` : ''}${name}`,
  };
  const podSpecPath = WORKLOAD_POD_SPEC[kind];
  if (!podSpecPath) return out;
  const podSpec = get(obj, podSpecPath);
  const containers = [
    ...((get(podSpec, ['initContainers']) as unknown[]) ?? []),
    ...((get(podSpec, ['containers']) as unknown[]) ?? []),
  ];
  out.images = containers.map(c => String(get(c, ['image']) ?? ''));
  out.resources = containers.map(c => get(c, ['resources']) ?? null);
  const replicas = get(obj, ['spec', 'replicas']);
  if (replicas !== undefined) out.replicas = replicas;
  return out;
}

/** The same projection of one of our rendered resources. */
export function projectResource(r: Resource): ObjectProjection {
  const plain = toPlain(r.tree) as Record<string, unknown>;
  const p = projectObject(plain);
  // the id from our accessors (same as the plain tree's)
  p.id = `${kindOf(r)} ${namespaceOf(r) ? `${namespaceOf(r)}/` : ''}${nameOf(
    r,
  )}`;
  return p;
}

/**
 * Differences between two renders of one kustomization, as lines such as
 * `only kubectl: ConfigMap x/y` or `Deployment x/web images: [a:1] ≠ [a:2]`.
 */
export function compareRenders(
  ours: ObjectProjection[],
  theirs: ObjectProjection[],
): string[] {
  const diffs: string[] = [];
  const byId = (xs: ObjectProjection[]) => new Map(xs.map(x => [x.id, x]));
  const a = byId(ours);
  const b = byId(theirs);
  for (const id of b.keys()) if (!a.has(id)) diffs.push(`only kubectl: ${id}`);
  for (const [id, x] of a) {
    const y = b.get(id);
    if (!y) {
      diffs.push(`only ours: ${id}`);
      continue;
    }
    for (const field of ['images', 'replicas', 'resources'] as const) {
      const l = JSON.stringify(normalize(x[field]));
      const r = JSON.stringify(normalize(y[field]));
      if (l !== r) diffs.push(`${id} ${field}: ${l} ≠ ${r}`);
    }
  }
  return diffs.sort();
}

/** Quantities compared as strings (`1` and `"1"` are one CPU), keys sorted. */
function normalize(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(normalize);
  if (v !== null && typeof v === 'object')
    return Object.fromEntries(
      Object.keys(v as object)
        .sort()
        .map(k => [k, normalize((v as Record<string, unknown>)[k])]),
    );
  return v === undefined || v === null ? v : String(v);
}
