import { isLeaf, isMap, Leaf, TNode, toPlain } from '../yaml/tree';

/** What a Helm template's `.` holds: values (with provenance), chart and release facts. */
export interface TemplateScope {
  values: TNode | undefined;
  chart: Record<string, string | undefined>;
  release: Record<string, string | undefined>;
  /** Chart.yaml leaves (`AppVersion`), so a value taken from them keeps its provenance. */
  chartLeaves?: Record<string, Leaf>;
  /** `define` blocks of the chart's helpers (`_helpers.tpl`), by name, for `include`. */
  defines?: Map<string, string>;
  /** Template variables (`$tag`) in force. */
  vars?: Map<string, Evaluated>;
  /** Renders a define's body (see helpers.ts), so `include` works here. */
  renderDefine?: (body: string, scope: TemplateScope) => string;
}

/** The value of an expression and the values leaves it was read from. */
export interface Evaluated {
  value: unknown;
  /** Leaves of the values that flowed into the value, in order. */
  leaves: Leaf[];
}

/** An expression this evaluator does not understand: its action stays unrendered. */
export class UnsupportedTemplate extends Error {}

type Token = {
  t: 'str' | 'num' | 'word' | 'pipe' | 'open' | 'close';
  v: string;
};

function tokenize(expr: string): Token[] {
  const out: Token[] = [];
  const re =
    /\s*(?:("(?:[^"\\]|\\.)*")|(`[^`]*`)|(-?\d+(?:\.\d+)?)(?![\w.])|(\|)|(\()|(\))|([^\s|()]+))/gy;
  while (re.lastIndex < expr.length) {
    const m = re.exec(expr);
    if (!m) break;
    if (m[1]) out.push({ t: 'str', v: JSON.parse(m[1]) });
    else if (m[2]) out.push({ t: 'str', v: m[2].slice(1, -1) });
    else if (m[3]) out.push({ t: 'num', v: m[3] });
    else if (m[4]) out.push({ t: 'pipe', v: '|' });
    else if (m[5]) out.push({ t: 'open', v: '(' });
    else if (m[6]) out.push({ t: 'close', v: ')' });
    else if (m[7]) out.push({ t: 'word', v: m[7] });
    else break;
  }
  if (expr.slice(re.lastIndex).trim())
    throw new UnsupportedTemplate(`cannot read ${expr}`);
  return out;
}

const empty = (v: unknown) =>
  v === undefined ||
  v === null ||
  v === false ||
  v === '' ||
  v === 0 ||
  (Array.isArray(v) && v.length === 0) ||
  (typeof v === 'object' && v !== null && Object.keys(v).length === 0);

function text(v: unknown): string {
  if (v === undefined || v === null) return '';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

function printf(format: string, args: unknown[]): string {
  let i = 0;
  return format.replace(/%[-+# 0]*\d*(?:\.\d+)?([svdqtf%])/g, (_, verb) => {
    if (verb === '%') return '%';
    const a = args[i++];
    return verb === 'q' ? JSON.stringify(text(a)) : text(a);
  });
}

type Fn = (args: Evaluated[]) => Evaluated;
const merge = (args: Evaluated[]) => args.flatMap(a => a.leaves);
const FUNCTIONS = new Map<string, Fn>([
  // `default d v`: v unless empty, else d (the piped value comes last)
  [
    'default',
    (args: Evaluated[]) => {
      const [d, v] = [args[0], args[args.length - 1]];
      return args.length > 1 && !empty(v.value) ? v : d;
    },
  ],
  [
    'quote',
    (args: Evaluated[]) => ({
      value: args.map(a => `"${text(a.value)}"`).join(' '),
      leaves: merge(args),
    }),
  ],
  [
    'squote',
    (args: Evaluated[]) => ({
      value: args.map(a => `'${text(a.value)}'`).join(' '),
      leaves: merge(args),
    }),
  ],
  [
    'toString',
    (args: Evaluated[]) => ({
      value: text(args[0]?.value),
      leaves: merge(args),
    }),
  ],
  [
    'trim',
    (args: Evaluated[]) => ({
      value: text(args[0]?.value).trim(),
      leaves: merge(args),
    }),
  ],
  [
    'lower',
    (args: Evaluated[]) => ({
      value: text(args[0]?.value).toLowerCase(),
      leaves: merge(args),
    }),
  ],
  [
    'upper',
    (args: Evaluated[]) => ({
      value: text(args[0]?.value).toUpperCase(),
      leaves: merge(args),
    }),
  ],
  [
    'trimPrefix',
    (args: Evaluated[]) => {
      const [p, s] = [text(args[0]?.value), text(args[1]?.value)];
      return {
        value: s.startsWith(p) ? s.slice(p.length) : s,
        leaves: merge(args),
      };
    },
  ],
  [
    'trimSuffix',
    (args: Evaluated[]) => {
      const [p, s] = [text(args[0]?.value), text(args[1]?.value)];
      return {
        value: p && s.endsWith(p) ? s.slice(0, -p.length) : s,
        leaves: merge(args),
      };
    },
  ],
  [
    'printf',
    (args: Evaluated[]) => ({
      value: printf(
        text(args[0]?.value),
        args.slice(1).map(a => a.value),
      ),
      leaves: merge(args.slice(1)),
    }),
  ],
  [
    'print',
    (args: Evaluated[]) => ({
      value: args.map(a => text(a.value)).join(''),
      leaves: merge(args),
    }),
  ],
  [
    'coalesce',
    (args: Evaluated[]) =>
      args.find(a => !empty(a.value)) ?? { value: '', leaves: [] },
  ],
  ['ternary', (args: Evaluated[]) => (args[2]?.value ? args[0] : args[1])],
]);

function field(scope: TemplateScope, path: string[]): Evaluated {
  const [root, ...rest] = path;
  if (root === 'Values') {
    // own keys only: `.Values.constructor` is no value
    let node: TNode | undefined = scope.values;
    for (const k of rest)
      node =
        isMap(node) && Object.prototype.hasOwnProperty.call(node, k)
          ? node[k]
          : undefined;
    if (node === undefined) return { value: undefined, leaves: [] };
    if (isLeaf(node)) return { value: node.value, leaves: [node] };
    return { value: toPlain(node), leaves: [] };
  }
  if (root === 'Chart' || root === 'Release') {
    const facts = root === 'Chart' ? scope.chart : scope.release;
    if (
      rest.length !== 1 ||
      !Object.prototype.hasOwnProperty.call(facts, rest[0])
    )
      throw new UnsupportedTemplate(`.${path.join('.')}`);
    const leaf = root === 'Chart' ? scope.chartLeaves?.[rest[0]] : undefined;
    return { value: facts[rest[0]], leaves: leaf ? [leaf] : [] };
  }
  throw new UnsupportedTemplate(`.${path.join('.')}`);
}

function operand(tok: Token, scope: TemplateScope): Evaluated {
  if (tok.t === 'str') return { value: tok.v, leaves: [] };
  if (tok.t === 'num') return { value: Number(tok.v), leaves: [] };
  if (tok.t === 'word') {
    if (tok.v === 'true' || tok.v === 'false')
      return { value: tok.v === 'true', leaves: [] };
    if (tok.v === 'nil') return { value: null, leaves: [] };
    const variable = /^\$(\w+)$/.exec(tok.v);
    if (variable) {
      const v = scope.vars?.get(variable[1]);
      if (!v) throw new UnsupportedTemplate(tok.v);
      return v;
    }
    const path = tok.v.replace(/^\$/, '');
    if (path.startsWith('.')) return field(scope, path.slice(1).split('.'));
  }
  throw new UnsupportedTemplate(tok.v);
}

function command(
  tokens: Token[],
  scope: TemplateScope,
  piped?: Evaluated,
): Evaluated {
  // `include "name" .`: a helper rendered with the same values
  if (
    tokens[0]?.t === 'word' &&
    (tokens[0].v === 'include' || tokens[0].v === 'template')
  ) {
    const [, nameTok, ctxTok] = tokens;
    const body =
      nameTok?.t === 'str' ? scope.defines?.get(nameTok.v) : undefined;
    if (
      body === undefined ||
      !scope.renderDefine ||
      tokens.length !== 3 ||
      !['.', '$'].includes(ctxTok.v)
    )
      throw new UnsupportedTemplate('include');
    const rendered = scope.renderDefine(body, { ...scope, vars: new Map() });
    return { value: rendered, leaves: [] };
  }
  const args: Evaluated[] = [];
  let name: string | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i];
    if (tok.t === 'open') {
      let depth = 1;
      let j = i + 1;
      for (; j < tokens.length && depth > 0; j++) {
        if (tokens[j].t === 'open') depth++;
        if (tokens[j].t === 'close') depth--;
      }
      args.push(pipeline(tokens.slice(i + 1, j - 1), scope));
      i = j - 1;
    } else if (i === 0 && tok.t === 'word' && FUNCTIONS.has(tok.v))
      name = tok.v;
    else args.push(operand(tok, scope));
  }
  if (piped) args.push(piped);
  if (name) return FUNCTIONS.get(name)!(args);
  if (args.length !== 1) throw new UnsupportedTemplate('not a single value');
  return args[0];
}

function pipeline(tokens: Token[], scope: TemplateScope): Evaluated {
  const parts: Token[][] = [[]];
  let depth = 0;
  for (const tok of tokens) {
    if (tok.t === 'open') depth++;
    if (tok.t === 'close') depth--;
    if (tok.t === 'pipe' && depth === 0) parts.push([]);
    else parts[parts.length - 1].push(tok);
  }
  let value: Evaluated | undefined;
  for (const p of parts) {
    if (p.length === 0) throw new UnsupportedTemplate('empty command');
    value = command(p, scope, value);
  }
  return value!;
}

/**
 * Evaluates one Helm template action (`.Values.image.tag | default
 * .Chart.AppVersion`, `printf "%s:%s" .Values.a .Values.b`): field
 * references, literals, parentheses, pipelines and a handful of Sprig
 * functions. Anything else (variables, `include`, control flow) throws
 * {@link UnsupportedTemplate}.
 */
export function evaluateAction(expr: string, scope: TemplateScope): Evaluated {
  const inner = expr.replace(/^\{\{-?\s*/, '').replace(/\s*-?\}\}$/, '');
  return pipeline(tokenize(inner), scope);
}

/**
 * Renders a line of template text whose actions are all expressions;
 * returns undefined when one is not understood.
 */
export function renderLine(
  line: string,
  scope: TemplateScope,
): { text: string; leaves: Leaf[] } | undefined {
  const leaves: Leaf[] = [];
  try {
    const out = line.replace(/\{\{-?[\s\S]*?-?\}\}/g, action => {
      const v = evaluateAction(action, scope);
      leaves.push(...v.leaves);
      return text(v.value);
    });
    return { text: out, leaves };
  } catch (e) {
    if (e instanceof UnsupportedTemplate) return undefined;
    throw e;
  }
}
