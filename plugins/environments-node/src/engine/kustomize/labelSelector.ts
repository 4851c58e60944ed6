type Requirement =
  | { op: 'eq' | 'ne'; key: string; value: string }
  | { op: 'in' | 'notin'; key: string; values: string[] }
  | { op: 'exists' | 'notexists'; key: string };

/** Parses a Kubernetes label selector string; undefined when invalid. */
export function parseLabelSelector(
  selector: string,
): Requirement[] | undefined {
  const reqs: Requirement[] = [];
  // split on commas that are not inside parentheses
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  for (const raw of parts) {
    const p = raw.trim();
    if (!p) continue;
    let m = /^([^\s!=]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(p);
    if (m) {
      reqs.push({
        op: m[2] as 'in' | 'notin',
        key: m[1],
        values: m[3]
          .split(',')
          .map(v => v.trim())
          .filter(Boolean),
      });
      continue;
    }
    m = /^([^\s!=]+)\s*(!=|==|=)\s*(\S*)$/.exec(p);
    if (m) {
      reqs.push({ op: m[2] === '!=' ? 'ne' : 'eq', key: m[1], value: m[3] });
      continue;
    }
    m = /^!\s*([^\s!=]+)$/.exec(p);
    if (m) {
      reqs.push({ op: 'notexists', key: m[1] });
      continue;
    }
    m = /^([^\s!=(),]+)$/.exec(p);
    if (m) {
      reqs.push({ op: 'exists', key: m[1] });
      continue;
    }
    return undefined;
  }
  return reqs;
}

/** Whether labels satisfy a selector string (invalid selectors match nothing). */
export function matchesLabelSelector(
  selector: string,
  labels: Record<string, string>,
): boolean {
  const reqs = parseLabelSelector(selector);
  if (!reqs) return false;
  return reqs.every(r => {
    const has = Object.prototype.hasOwnProperty.call(labels, r.key);
    switch (r.op) {
      case 'eq':
        return has && labels[r.key] === r.value;
      case 'ne':
        return !has || labels[r.key] !== r.value;
      case 'in':
        return has && r.values.includes(labels[r.key]);
      case 'notin':
        return !has || !r.values.includes(labels[r.key]);
      case 'exists':
        return has;
      default:
        return !has;
    }
  });
}
