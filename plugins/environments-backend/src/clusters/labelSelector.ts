/**
 * Kubernetes label selectors (the string form used by `labelSelector=` and by the
 * `backstage.io/kubernetes-label-selector` annotation), evaluated locally so that one shared list
 * per namespace serves every entity.
 */

type Requirement =
  | { key: string; op: 'in'; values: string[] }
  | { key: string; op: 'notin'; values: string[] }
  | { key: string; op: 'exists' }
  | { key: string; op: '!exists' };

/** A parsed selector: every requirement must hold. */
export type LabelSelector = Requirement[];

/**
 * Parses a selector such as `app=web,tier!=db,env in (dev,qa),!legacy`.
 * Throws an Error on a malformed selector.
 */
export function parseLabelSelector(selector: string): LabelSelector {
  const requirements: Requirement[] = [];
  for (const part of splitTopLevel(selector)) {
    const text = part.trim();
    if (!text) continue;
    const setMatch = text.match(/^([^\s!=()]+)\s+(in|notin)\s+\((.*)\)$/);
    const equalityMatch = text.match(
      /^([^\s!=()]+)\s*(==|=|!=)\s*([^\s=!(),]*)$/,
    );
    const absentMatch = text.match(/^!\s*([^\s!=()]+)$/);
    const existsMatch = text.match(/^([^\s!=()]+)$/);
    if (setMatch) {
      const values = setMatch[3]
        .split(',')
        .map(v => v.trim())
        .filter(v => v !== '');
      requirements.push({
        key: setMatch[1],
        op: setMatch[2] as 'in' | 'notin',
        values,
      });
    } else if (equalityMatch) {
      requirements.push({
        key: equalityMatch[1],
        op: equalityMatch[2] === '!=' ? 'notin' : 'in',
        values: [equalityMatch[3]],
      });
    } else if (absentMatch) {
      requirements.push({ key: absentMatch[1], op: '!exists' });
    } else if (existsMatch) {
      requirements.push({ key: existsMatch[1], op: 'exists' });
    } else {
      throw new Error(`Invalid label selector '${selector}'`);
    }
  }
  return requirements;
}

/** Whether labels satisfy a parsed selector. An empty selector matches everything. */
export function matchesLabelSelector(
  selector: LabelSelector,
  labels: Record<string, string> | undefined,
): boolean {
  const l = labels ?? {};
  return selector.every(r => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    switch (r.op) {
      case 'exists':
        return has;
      case '!exists':
        return !has;
      case 'in':
        return has && r.values.includes(l[r.key]);
      case 'notin':
        return !has || !r.values.includes(l[r.key]);
      default:
        return false;
    }
  });
}

/** Whether labels match a `matchLabels` map (all pairs present). */
export function matchesLabels(
  matchLabels: Record<string, string> | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  if (!matchLabels || Object.keys(matchLabels).length === 0) return false;
  return Object.entries(matchLabels).every(([k, v]) => labels?.[k] === v);
}

/** Splits on commas that are not inside parentheses. */
function splitTopLevel(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts;
}
