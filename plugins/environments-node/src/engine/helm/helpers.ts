import {
  evaluateAction,
  TemplateScope,
  UnsupportedTemplate,
} from './templateExpression';

const ACTION = /\{\{(-?)\s*([\s\S]*?)\s*(-?)\}\}/g;

const truthy = (v: unknown) =>
  !(
    v === undefined ||
    v === null ||
    v === false ||
    v === '' ||
    v === 0 ||
    (Array.isArray(v) && v.length === 0) ||
    (typeof v === 'object' && v !== null && Object.keys(v).length === 0)
  );

function text(v: unknown): string {
  if (v === undefined || v === null) return '';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/**
 * Renders the body of a `define` (a `_helpers.tpl` helper) with expressions,
 * variables (`$tag := …`), `if`/`else if`/`else`/`end` and whitespace
 * trimming (`{{-`, `-}}`); throws {@link UnsupportedTemplate} for anything
 * else (`range`, `with`, nested defines).
 */
export function renderDefineBody(body: string, scope: TemplateScope): string {
  const vars = new Map(scope.vars ?? []);
  const inner: TemplateScope = { ...scope, vars };
  // each open if: [taking now, taken already]
  const stack: Array<[boolean, boolean]> = [];
  const on = () => stack.every(s => s[0]);
  let out = '';
  let last = 0;
  let trimNext = false;
  for (const m of body.matchAll(ACTION)) {
    let chunk = body.slice(last, m.index);
    if (trimNext) chunk = chunk.replace(/^\s+/, '');
    if (m[1] === '-') chunk = chunk.replace(/\s+$/, '');
    if (on()) out += chunk;
    last = m.index! + m[0].length;
    trimNext = m[3] === '-';
    const action = m[2];
    if (action.startsWith('/*')) continue;
    const word =
      /^(if|else if|else|end|range|with|define|block)\b\s*([\s\S]*)$/.exec(
        action,
      );
    if (word) {
      const [, kw, rest] = word;
      const cond = () => truthy(evaluateAction(`{{ ${rest} }}`, inner).value);
      if (kw === 'if')
        stack.push(on() && cond() ? [true, true] : [false, false]);
      else if (kw === 'else if' && stack.length) {
        const top = stack[stack.length - 1];
        const take = !top[1] && cond();
        stack[stack.length - 1] = [take, top[1] || take];
      } else if (kw === 'else' && stack.length) {
        const top = stack[stack.length - 1];
        stack[stack.length - 1] = [!top[1], true];
      } else if (kw === 'end' && stack.length) stack.pop();
      else throw new UnsupportedTemplate(kw);
      continue;
    }
    if (!on()) continue;
    const assign = /^\$(\w+)\s*:?=\s*([\s\S]+)$/.exec(action);
    if (assign) {
      vars.set(assign[1], evaluateAction(`{{ ${assign[2]} }}`, inner));
      continue;
    }
    out += text(evaluateAction(`{{ ${action} }}`, inner).value);
  }
  let tail = body.slice(last);
  if (trimNext) tail = tail.replace(/^\s+/, '');
  if (stack.length) throw new UnsupportedTemplate('unclosed if');
  return out + tail;
}

/** `define` blocks of helper files (`templates/_helpers.tpl`), by name. */
export function parseDefines(texts: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const t of texts) {
    let name: string | undefined;
    let start = 0;
    let trimStart = false;
    let depth = 0;
    for (const m of t.matchAll(ACTION)) {
      const action = m[2];
      const define = /^define\s+"([^"]+)"$/.exec(action);
      if (name === undefined) {
        if (define) {
          name = define[1];
          start = m.index! + m[0].length;
          trimStart = m[3] === '-';
          depth = 0;
        }
        continue;
      }
      if (/^(if|range|with|block|define)\b/.test(action)) depth++;
      else if (/^end\b/.test(action)) {
        if (depth === 0) {
          let body = t.slice(start, m.index);
          if (trimStart) body = body.replace(/^\s+/, '');
          if (m[1] === '-') body = body.replace(/\s+$/, '');
          out.set(name, body);
          name = undefined;
        } else depth--;
      }
    }
  }
  return out;
}
