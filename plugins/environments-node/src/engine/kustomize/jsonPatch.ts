import {
  cloneNode,
  isMap,
  isSeq,
  str,
  TMap,
  TNode,
  toPlain,
} from '../yaml/tree';

/** Raised when a JSON patch operation cannot be applied. */
export class JsonPatchError extends Error {}

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/'))
    throw new JsonPatchError(`invalid path "${pointer}"`);
  return pointer
    .slice(1)
    .split('/')
    .map(s => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function index(seq: TNode[], seg: string, forAdd: boolean): number {
  if (seg === '-' && forAdd) return seq.length;
  if (!/^\d+$/.test(seg))
    throw new JsonPatchError(`invalid array index "${seg}"`);
  const i = Number(seg);
  if (i > seq.length || (!forAdd && i >= seq.length)) {
    throw new JsonPatchError(`array index ${i} out of range`);
  }
  return i;
}

function parentOf(root: TNode, segs: string[]): TNode {
  let cur: TNode | undefined = root;
  for (const s of segs.slice(0, -1)) {
    if (isSeq(cur)) cur = cur[index(cur, s, false)];
    else if (isMap(cur)) cur = cur[s];
    else cur = undefined;
    if (cur === undefined) throw new JsonPatchError(`path not found at "${s}"`);
  }
  return cur;
}

function getAt(root: TNode, segs: string[]): TNode {
  if (segs.length === 0) return root;
  const parent = parentOf(root, segs);
  const last = segs[segs.length - 1];
  let v: TNode | undefined;
  if (isSeq(parent)) v = parent[index(parent, last, false)];
  else if (isMap(parent)) v = parent[last];
  if (v === undefined)
    throw new JsonPatchError(`path not found: /${segs.join('/')}`);
  return v;
}

function removeAt(root: TNode, segs: string[]): TNode {
  const parent = parentOf(root, segs);
  const last = segs[segs.length - 1];
  if (isSeq(parent)) return parent.splice(index(parent, last, false), 1)[0];
  if (isMap(parent) && parent[last] !== undefined) {
    const v = parent[last];
    delete parent[last];
    return v;
  }
  throw new JsonPatchError(`path not found: /${segs.join('/')}`);
}

function addAt(
  root: TNode,
  segs: string[],
  value: TNode,
  replace: boolean,
): void {
  const parent = parentOf(root, segs);
  const last = segs[segs.length - 1];
  if (isSeq(parent)) {
    const i = index(parent, last, !replace);
    if (replace) parent[i] = value;
    else parent.splice(i, 0, value);
  } else if (isMap(parent)) {
    if (replace && parent[last] === undefined) {
      throw new JsonPatchError(`path not found: /${segs.join('/')}`);
    }
    (parent as TMap)[last] = value;
  } else throw new JsonPatchError(`cannot set a value under a scalar`);
}

/**
 * Applies RFC 6902 operations (a sequence of `{op, path, value, from}` maps)
 * to `root` in place. Values keep the provenance of the patch file.
 */
export function applyJsonPatch(root: TNode, ops: TNode): void {
  if (!isSeq(ops))
    throw new JsonPatchError('a JSON6902 patch must be a list of operations');
  for (const opNode of ops) {
    if (!isMap(opNode)) throw new JsonPatchError('operation is not a map');
    const op = str(opNode.op);
    const path = str(opNode.path);
    if (!op || path === undefined)
      throw new JsonPatchError('operation needs op and path');
    const segs = parsePointer(path);
    if (segs.length === 0)
      throw new JsonPatchError(
        'operations on the document root are not supported',
      );
    const value = opNode.value;
    switch (op) {
      case 'add':
      case 'replace':
        if (value === undefined)
          throw new JsonPatchError(`${op} needs a value`);
        addAt(root, segs, cloneNode(value), op === 'replace');
        break;
      case 'remove':
        removeAt(root, segs);
        break;
      case 'move':
      case 'copy': {
        const from = str(opNode.from);
        if (from === undefined) throw new JsonPatchError(`${op} needs from`);
        const fromSegs = parsePointer(from);
        const v =
          op === 'move'
            ? removeAt(root, fromSegs)
            : cloneNode(getAt(root, fromSegs));
        addAt(root, segs, v, false);
        break;
      }
      case 'test': {
        const actual = JSON.stringify(toPlain(getAt(root, segs)));
        if (actual !== JSON.stringify(toPlain(value))) {
          throw new JsonPatchError(`test failed at ${path}`);
        }
        break;
      }
      default:
        throw new JsonPatchError(`unknown op "${op}"`);
    }
  }
}
