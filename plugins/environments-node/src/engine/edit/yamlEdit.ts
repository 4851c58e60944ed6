import {
  Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  Node as YamlNode,
  Pair,
  parse,
  parseAllDocuments,
  Scalar,
  YAMLMap,
  visit,
  YAMLSeq,
} from 'yaml';

/**
 * Minimal textual edits of YAML files: nodes are located with the `yaml`
 * package's Document API and changed through their source ranges, so
 * comments, key order, quoting and indentation outside the edited value
 * stay byte for byte as they were. Every function returns the new text.
 */

/**
 * A path segment: a map key or a sequence index.
 *
 * @public
 */
export type PathSegment = string | number;

/**
 * Parses a provenance path such as `spec.containers[0].image` or `a["c.d"]`.
 *
 * @public
 */
export function parseYamlPath(path: string): PathSegment[] | undefined {
  const out: PathSegment[] = [];
  let i = 0;
  while (i < path.length) {
    if (path[i] === '.') {
      if (i === 0 || i === path.length - 1) return undefined;
      i++;
      continue;
    }
    if (path[i] === '[') {
      const rest = path.slice(i);
      const quoted = /^\["((?:[^"\\]|\\.)*)"\]/.exec(rest);
      if (quoted) {
        out.push(JSON.parse(`"${quoted[1]}"`) as string);
        i += quoted[0].length;
        continue;
      }
      const index = /^\[(\d+)\]/.exec(rest);
      if (!index) return undefined;
      out.push(Number(index[1]));
      i += index[0].length;
      continue;
    }
    const ident = /^[^.[]+/.exec(path.slice(i));
    if (!ident) return undefined;
    out.push(ident[0]);
    i += ident[0].length;
  }
  return out;
}

/** A parsed YAML file that knows the source offsets of its nodes. */
export class YamlText {
  readonly docs: Document.Parsed[];
  private readonly lines = new LineCounter();

  constructor(readonly text: string) {
    this.docs = parseAllDocuments(text, {
      lineCounter: this.lines,
      uniqueKeys: false,
      strict: false,
    }) as Document.Parsed[];
    if (!Array.isArray(this.docs)) this.docs = [];
  }

  /** 1-based line of an offset. */
  lineOf(offset: number): number {
    return this.lines.linePos(offset).line;
  }

  /** 0-based column of an offset. */
  columnOf(offset: number): number {
    return this.lines.linePos(offset).col - 1;
  }

  /** The document at `index` (0 when the file has one). */
  doc(index = 0): Document.Parsed | undefined {
    const d = this.docs[index];
    return d && d.errors.length === 0 ? d : undefined;
  }

  /** The node at `path` in document `index`, following aliases. */
  nodeAt(path: PathSegment[], index = 0): YamlNode | undefined {
    const d = this.doc(index);
    if (!d) return undefined;
    let cur: unknown = d.contents;
    for (const seg of path) {
      if (isAlias(cur)) cur = cur.resolve(d);
      if (isMap(cur)) {
        const pair = pairOf(cur, String(seg));
        if (!pair) return undefined;
        cur = pair.value;
      } else if (isSeq(cur) && typeof seg === 'number') {
        cur = cur.items[seg];
      } else return undefined;
    }
    if (isAlias(cur)) return undefined;
    return (cur ?? undefined) as YamlNode | undefined;
  }
}

/** The pair of `map` whose key reads as `key`. */
export function pairOf(map: YAMLMap, key: string): Pair | undefined {
  for (const p of map.items) {
    if (!isPair(p)) continue;
    const k = p.key;
    if (isScalar(k) && String(k.value) === key) return p as Pair;
  }
  return undefined;
}

function splice(text: string, start: number, end: number, insert: string) {
  return text.slice(0, start) + insert + text.slice(end);
}

/** Whether `value` reads back as the same string when written plain. */
function plainSafe(value: string): boolean {
  if (!value || /^[\s\-?:,[\]{}#&*!|>'"%@`]/.test(value)) return false;
  if (/[\s,[\]{}#]|: /.test(value)) return false;
  try {
    return parse(value) === value;
  } catch {
    return false;
  }
}

/** Renders a string scalar in the style `style` (plain falls back to double quotes when needed). */
export function formatScalar(value: string, style?: string): string {
  if (style === Scalar.QUOTE_SINGLE) return `'${value.replace(/'/g, "''")}'`;
  if (style === Scalar.QUOTE_DOUBLE) return JSON.stringify(value);
  return plainSafe(value) ? value : JSON.stringify(value);
}

/** Replaces the source of a (non-block) scalar with `value`, keeping its quoting. */
export function replaceScalar(
  text: string,
  node: YamlNode,
  value: string,
): string {
  if (!isScalar(node) || !node.range)
    throw new Error('the value is not a scalar');
  if (node.type === Scalar.BLOCK_FOLDED || node.type === Scalar.BLOCK_LITERAL)
    throw new Error('the value is a block scalar');
  const [start, end] = node.range;
  return splice(text, start, end, formatScalar(value, node.type));
}

/** Offset of the end of the line holding the last non-blank character before `offset`. */
function endOfContentLine(text: string, offset: number): number {
  let p = offset;
  while (p > 0 && /\s/.test(text[p - 1])) p--;
  const nl = text.indexOf('\n', p);
  return nl < 0 ? text.length : nl;
}

function endOfPair(pair: Pair): number {
  const v = pair.value as YamlNode | null;
  const k = pair.key as YamlNode | null;
  return v?.range?.[1] ?? k?.range?.[1] ?? 0;
}

/** Indentation used for block sequences under a key in this text (0 or 2 …). */
export function sequenceIndent(yt: YamlText): number {
  const root = yt.doc()?.contents;
  if (!isMap(root)) return 2;
  for (const p of root.items) {
    const v = p.value;
    const k = p.key as YamlNode | null;
    if (!isSeq(v) || v.flow || !k?.range || v.items.length === 0) continue;
    const first = v.items[0] as YamlNode | null;
    if (!first?.range) continue;
    const dash = yt.text.lastIndexOf('-', first.range[0]);
    if (dash < 0) continue;
    return Math.max(0, yt.columnOf(dash) - yt.columnOf(k.range[0]));
  }
  return 2;
}

/**
 * Adds `key` to a map. `render(indent)` returns what follows `key:` (a
 * scalar with its leading space, or a newline and nested block lines each
 * starting at `indent` + their own offset).
 */
export function insertPair(
  yt: YamlText,
  map: YAMLMap,
  key: string,
  render: (indent: string, flow: boolean) => string,
): string {
  const { text } = yt;
  if (!map.range) throw new Error('map without source range');
  if (map.flow) {
    let close = map.range[1] - 1;
    while (close > map.range[0] && text[close] !== '}') close--;
    if (text[close] !== '}') throw new Error('flow map without closing brace');
    let p = close;
    while (p > map.range[0] && /[ \t]/.test(text[p - 1])) p--;
    const sep = map.items.length > 0 ? ', ' : '';
    return splice(text, p, p, `${sep}${key}:${render('', true)}`);
  }
  const pairs = map.items.filter(isPair) as Pair[];
  if (pairs.length === 0) throw new Error('empty block map');
  const firstKey = pairs[0].key as YamlNode | null;
  if (!firstKey?.range) throw new Error('map key without source range');
  const indent = ' '.repeat(yt.columnOf(firstKey.range[0]));
  const at = endOfContentLine(text, endOfPair(pairs[pairs.length - 1]));
  return splice(text, at, at, `\n${indent}${key}:${render(indent, false)}`);
}

/** Removes `key` from a map; its line(s) in a block map, or its entry in a flow map. */
export function deletePair(yt: YamlText, map: YAMLMap, key: string): string {
  const { text } = yt;
  const pair = pairOf(map, key);
  const k = pair?.key as YamlNode | undefined;
  if (!pair || !k?.range) return text;
  const end = endOfPair(pair);
  if (map.flow) {
    const index = map.items.indexOf(pair);
    if (index > 0) {
      const prevEnd = endOfPair(map.items[index - 1] as Pair);
      const comma = text.indexOf(',', prevEnd);
      return splice(text, comma, end, '');
    }
    let after = end;
    const comma = text.indexOf(',', end);
    if (map.items.length > 1 && comma >= 0) {
      after = comma + 1;
      while (/[ \t]/.test(text[after])) after++;
    }
    return splice(text, k.range[0], after, '');
  }
  const lineStart = text.lastIndexOf('\n', k.range[0] - 1) + 1;
  if (text.slice(lineStart, k.range[0]).trim() !== '')
    throw new Error(`"${key}" shares its line with other content`);
  const lineEnd = endOfContentLine(text, end);
  return splice(text, lineStart, Math.min(text.length, lineEnd + 1), '');
}

/**
 * Appends an item to a sequence. `render(indent, flow)` returns the item:
 * for block sequences the text after `- ` whose further lines start with
 * `indent` (the column of the item's content).
 */
export function appendItem(
  yt: YamlText,
  seq: YAMLSeq,
  render: (indent: string, flow: boolean) => string,
): string {
  const { text } = yt;
  if (!seq.range) throw new Error('sequence without source range');
  if (seq.flow) {
    let close = seq.range[1] - 1;
    while (close > seq.range[0] && text[close] !== ']') close--;
    if (text[close] !== ']')
      throw new Error('flow sequence without closing bracket');
    let p = close;
    while (p > seq.range[0] && /[ \t]/.test(text[p - 1])) p--;
    const sep = seq.items.length > 0 ? ', ' : '';
    return splice(text, p, p, `${sep}${render('', true)}`);
  }
  const items = seq.items as Array<YamlNode | null>;
  const first = items[0];
  if (!first?.range) throw new Error('empty block sequence');
  const dash = text.lastIndexOf('-', first.range[0]);
  const dashCol = yt.columnOf(dash);
  const indent = ' '.repeat(dashCol);
  const last = items[items.length - 1];
  const at = endOfContentLine(text, last?.range?.[1] ?? first.range[1]);
  return splice(text, at, at, `\n${indent}- ${render(`${indent}  `, false)}`);
}

/** Renders `segments: value` as nested block lines (or flow maps). */
function nested(
  segments: string[],
  value: string,
  indent: string,
  flow: boolean,
): string {
  if (segments.length === 0) return ` ${value}`;
  if (flow) {
    const inner = segments
      .slice(1)
      .reduceRight((acc, s) => `{${formatScalar(s)}: ${acc}}`, value);
    return ` {${formatScalar(segments[0])}: ${inner}}`;
  }
  let out = '';
  let ind = `${indent}  `;
  segments.forEach((s, i) => {
    out += `\n${ind}${formatScalar(s)}:`;
    if (i === segments.length - 1) out += ` ${value}`;
    ind += '  ';
  });
  return out;
}

/**
 * The quoting for a new scalar: the file's own when it quotes strings with single quotes more
 * often than with double ones, else double quotes (always quoted, so `1.10` stays a string).
 */
export function newScalarStyle(yt: YamlText): string {
  const counts = { single: 0, double: 0 };
  const count = {
    Scalar(_key: unknown, node: Scalar) {
      if (node.type === Scalar.QUOTE_SINGLE) counts.single += 1;
      if (node.type === Scalar.QUOTE_DOUBLE) counts.double += 1;
    },
  };
  yt.docs.forEach(doc => visit(doc, count));
  return counts.single > counts.double
    ? Scalar.QUOTE_SINGLE
    : Scalar.QUOTE_DOUBLE;
}

/**
 * Sets the string at `path` (map keys only) in document `index`, creating
 * the missing maps; an existing scalar keeps its quoting, a new one is
 * quoted in the file's style (so `1.10` stays a string for Helm).
 */
export function setValueAt(
  text: string,
  path: string[],
  value: string,
  index = 0,
): string {
  const yt = new YamlText(text);
  const doc = yt.doc(index);
  if (!doc && yt.docs.length > index)
    throw new Error('the file has YAML errors');
  const quoted = formatScalar(value, newScalarStyle(yt));
  const contents = doc?.contents;
  if (contents === null || contents === undefined) {
    if (index > 0 && yt.docs.length > 1)
      throw new Error(`document ${index} is empty`);
    // an empty (or comment-only) file: append the value at the end
    const block = nested(path.slice(1), quoted, '', false);
    const sep = text === '' || text.endsWith('\n') ? '' : '\n';
    return `${text}${sep}${formatScalar(path[0])}:${block}\n`;
  }
  let cur: unknown = contents;
  for (let i = 0; i < path.length; i++) {
    if (isAlias(cur))
      throw new Error(`${path.slice(0, i).join('.')} is an alias`);
    if (!isMap(cur))
      throw new Error(
        `${path.slice(0, i).join('.') || 'the document'} is not a map`,
      );
    const pair = pairOf(cur, path[i]);
    if (!pair) {
      return insertPair(yt, cur, formatScalar(path[i]), (indent, flow) =>
        nested(path.slice(i + 1), quoted, indent, flow),
      );
    }
    const v = pair.value;
    if (i === path.length - 1) {
      if (!isScalar(v)) throw new Error(`${path.join('.')} is not a scalar`);
      if (String(v.value) === value && typeof v.value === 'string') return text;
      if (v.value === null || v.value === '') {
        // `tag:` or `tag: ""`: write a quoted value
        if (!v.range || v.range[0] === v.range[1]) {
          const k = pair.key as YamlNode;
          const end = k.range![1];
          const colon = text.indexOf(':', end);
          return splice(text, colon + 1, colon + 1, ` ${quoted}`);
        }
        return splice(text, v.range[0], v.range[1], quoted);
      }
      return replaceScalar(text, v, value);
    }
    if (isScalar(v) && (v.value === null || v.value === undefined))
      throw new Error(`${path.slice(0, i + 1).join('.')} is empty`);
    cur = v;
  }
  return text;
}

/**
 * Appends an item to the top-level list `key` of a document (`images:`, `replicas:` of a
 * kustomization), creating the list, in the file's indentation, when the document has none.
 * `render` writes the item's fields, as {@link appendItem}'s does.
 */
export function appendToTopLevelList(
  yt: YamlText,
  key: string,
  render: (indent: string, flow: boolean) => string,
): string {
  const list = yt.nodeAt([key]);
  if (isSeq(list) && list.items.length > 0) return appendItem(yt, list, render);
  const root = yt.doc()?.contents;
  if (!isMap(root) || list !== undefined)
    throw new Error(`the document has no usable \`${key}:\` list`);
  const seqIndent = ' '.repeat(sequenceIndent(yt));
  return insertPair(yt, root, key, (indent, flow) =>
    flow
      ? ` [${render('', true)}]`
      : `\n${indent}${seqIndent}- ${render(`${indent}${seqIndent}  `, false)}`,
  );
}
