/**
 * Kubernetes label and field selectors, as the API server accepts them in
 * `labelSelector` and `fieldSelector` query parameters.
 */

export type LabelRequirement =
  | { key: string; op: '=' | '!='; value: string }
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | '!exists' };

export type FieldRequirement = { path: string; op: '=' | '!='; value: string };

export class SelectorError extends Error {}

/** Splits on commas that are not inside parentheses. */
function splitRequirements(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (depth < 0) throw new SelectorError(`unbalanced ")" in "${selector}"`);
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  if (depth !== 0) throw new SelectorError(`unbalanced "(" in "${selector}"`);
  parts.push(current);
  return parts.map(p => p.trim()).filter(p => p.length > 0);
}

const KEY = /^[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?$/;
const VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

function checkKey(key: string): string {
  if (!KEY.test(key)) throw new SelectorError(`invalid label key "${key}"`);
  return key;
}

function checkValue(value: string): string {
  if (!VALUE.test(value))
    throw new SelectorError(`invalid label value "${value}"`);
  return value;
}

export function parseLabelSelector(
  selector: string | undefined | null,
): LabelRequirement[] {
  if (!selector) return [];
  return splitRequirements(selector).map(part => {
    const set = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(part);
    if (set) {
      const values = set[3]
        .split(',')
        .map(v => checkValue(v.trim()))
        .filter(v => v !== '');
      return {
        key: checkKey(set[1]),
        op: set[2] as 'in' | 'notin',
        values,
      };
    }
    const ne = /^([^!=\s]+)\s*!=\s*(.*)$/.exec(part);
    if (ne)
      return {
        key: checkKey(ne[1]),
        op: '!=',
        value: checkValue(ne[2].trim()),
      };
    const eq = /^([^!=\s]+)\s*==?\s*(.*)$/.exec(part);
    if (eq)
      return { key: checkKey(eq[1]), op: '=', value: checkValue(eq[2].trim()) };
    const notExists = /^!\s*(\S+)$/.exec(part);
    if (notExists) return { key: checkKey(notExists[1]), op: '!exists' };
    if (/^\S+$/.test(part)) return { key: checkKey(part), op: 'exists' };
    throw new SelectorError(`unable to parse requirement "${part}"`);
  });
}

export function matchesLabels(
  labels: Record<string, string> | undefined,
  requirements: LabelRequirement[],
): boolean {
  const l = labels ?? {};
  return requirements.every(req => {
    const has = Object.prototype.hasOwnProperty.call(l, req.key);
    switch (req.op) {
      case '=':
        return has && l[req.key] === req.value;
      case '!=':
        return !has || l[req.key] !== req.value;
      case 'in':
        return has && req.values.includes(l[req.key]);
      case 'notin':
        return !has || !req.values.includes(l[req.key]);
      case 'exists':
        return has;
      case '!exists':
        return !has;
      default:
        return false;
    }
  });
}

/** Fields every kind supports, plus a few per-kind ones kubectl uses. */
const SUPPORTED_FIELDS = new Set([
  'metadata.name',
  'metadata.namespace',
  'status.phase',
  'spec.nodeName',
]);

export function parseFieldSelector(
  selector: string | undefined | null,
): FieldRequirement[] {
  if (!selector) return [];
  return selector
    .split(',')
    .map(p => p.trim())
    .filter(p => p.length > 0)
    .map(part => {
      const m = /^([^!=\s]+)\s*(!=|==|=)\s*(.*)$/.exec(part);
      if (!m) throw new SelectorError(`invalid field selector "${part}"`);
      if (!SUPPORTED_FIELDS.has(m[1]))
        throw new SelectorError(`field label not supported: ${m[1]}`);
      return { path: m[1], op: m[2] === '!=' ? '!=' : '=', value: m[3].trim() };
    });
}

function fieldValue(object: unknown, path: string): string {
  let current: unknown = object;
  for (const segment of path.split('.')) {
    if (current === null || typeof current !== 'object') return '';
    current = (current as Record<string, unknown>)[segment];
  }
  return current === undefined || current === null ? '' : String(current);
}

export function matchesFields(
  object: unknown,
  requirements: FieldRequirement[],
): boolean {
  return requirements.every(req => {
    const value = fieldValue(object, req.path);
    return req.op === '=' ? value === req.value : value !== req.value;
  });
}
