import { Provenance } from '../types';

/**
 * Symbol under which maps and sequences keep their own provenance.
 *
 * @public
 */
export const PROV = Symbol('provenance');

/**
 * Provenance of the parts of an image reference.
 *
 * @public
 */
export interface ImageParts {
  name?: Provenance;
  tag?: Provenance;
  digest?: Provenance;
}

/**
 * A scalar value that remembers where it came from.
 *
 * @public
 */
export class Leaf {
  constructor(
    readonly value: string | number | boolean | null,
    readonly prov: Provenance,
    /** Source text of a plain scalar (keeps `1.10` as written). */
    readonly raw?: string,
    /** For image references assembled from several places: where each part was set. */
    readonly parts?: ImageParts,
  ) {}

  /** The value as a string, the way Kubernetes string fields read it. */
  text(): string | null {
    if (this.value === null) return null;
    if (typeof this.value === 'string') return this.value;
    return this.raw ?? String(this.value);
  }
}

/**
 * A map node: null-prototype object of child nodes.
 *
 * @public
 */
export type TMap = { [key: string]: TNode } & { [PROV]?: Provenance };
/**
 * A sequence node.
 *
 * @public
 */
export type TSeq = TNode[] & { [PROV]?: Provenance };
/**
 * A node of a provenance-carrying tree.
 *
 * @public
 */
export type TNode = Leaf | TMap | TSeq;

export function newMap(prov?: Provenance): TMap {
  const m = Object.create(null) as TMap;
  if (prov) m[PROV] = prov;
  return m;
}

export function newSeq(prov?: Provenance): TSeq {
  const s = [] as TSeq;
  if (prov) s[PROV] = prov;
  return s;
}

export function isLeaf(n: unknown): n is Leaf {
  return n instanceof Leaf;
}

export function isSeq(n: unknown): n is TSeq {
  return Array.isArray(n);
}

export function isMap(n: unknown): n is TMap {
  return (
    typeof n === 'object' &&
    n !== null &&
    !Array.isArray(n) &&
    !(n instanceof Leaf)
  );
}

export function provOf(n: TNode | undefined): Provenance | undefined {
  if (!n) return undefined;
  if (isLeaf(n)) return n.prov;
  return n[PROV];
}

/** Deep copy (leaves are immutable and shared). */
export function cloneNode<T extends TNode>(n: T): T {
  if (isLeaf(n)) return n;
  if (isSeq(n)) {
    const s = newSeq(n[PROV]);
    for (const c of n) s.push(cloneNode(c));
    return s as T;
  }
  const m = newMap((n as TMap)[PROV]);
  for (const k of Object.keys(n)) m[k] = cloneNode((n as TMap)[k]);
  return m as T;
}

/** Plain JavaScript value of a node. */
export function toPlain(n: TNode | undefined): unknown {
  if (n === undefined) return undefined;
  if (isLeaf(n)) return n.value;
  if (isSeq(n)) return n.map(toPlain);
  const o: Record<string, unknown> = {};
  for (const k of Object.keys(n)) o[k] = toPlain(n[k]);
  return o;
}

/** Child of a map by key, undefined if not a map. */
export function child(n: TNode | undefined, key: string): TNode | undefined {
  return isMap(n) ? n[key] : undefined;
}

/** Walks `keys` (strings for maps, numbers for sequences). */
export function getIn(
  n: TNode | undefined,
  keys: Array<string | number>,
): TNode | undefined {
  let cur = n;
  for (const k of keys) {
    if (cur === undefined) return undefined;
    if (typeof k === 'number') cur = isSeq(cur) ? cur[k] : undefined;
    else cur = isMap(cur) ? cur[k] : undefined;
  }
  return cur;
}

/** String value of a leaf (numbers/booleans as written); undefined otherwise. */
export function str(n: TNode | undefined): string | undefined {
  if (!isLeaf(n)) return undefined;
  const t = n.text();
  return t === null ? undefined : t;
}

/** Integer value of a leaf (also from numeric strings); undefined otherwise. */
export function int(n: TNode | undefined): number | undefined {
  if (!isLeaf(n)) return undefined;
  if (typeof n.value === 'number' && Number.isFinite(n.value)) return n.value;
  if (typeof n.value === 'string' && /^-?\d+$/.test(n.value.trim())) {
    return Number(n.value.trim());
  }
  return undefined;
}

const IDENTIFIER = /^[A-Za-z_$][\w$-]*$/;

/** Appends a map key to a YAML path: `a.b`, or `a["c.d"]` for other keys. */
export function appendKey(path: string, key: string): string {
  if (IDENTIFIER.test(key)) return path ? `${path}.${key}` : key;
  return `${path}[${JSON.stringify(key)}]`;
}

/** Formats a YAML path segment list as `a.b[0]["c.d"]`. */
export function formatPath(segments: Array<string | number>): string {
  let out = '';
  for (const s of segments) {
    out = typeof s === 'number' ? `${out}[${s}]` : appendKey(out, s);
  }
  return out;
}

/** Converts a plain value into a tree whose leaves all carry `prov`. */
export function fromPlain(v: unknown, prov: Provenance): TNode {
  if (Array.isArray(v)) {
    const s = newSeq(prov);
    for (const c of v) s.push(fromPlain(c, prov));
    return s;
  }
  if (v !== null && typeof v === 'object') {
    const m = newMap(prov);
    for (const [k, c] of Object.entries(v)) m[k] = fromPlain(c, prov);
    return m;
  }
  if (
    v === null ||
    typeof v === 'string' ||
    typeof v === 'number' ||
    typeof v === 'boolean'
  ) {
    return new Leaf(v, prov);
  }
  return new Leaf(null, prov);
}
