import { isSecretKey, REDACTED, redactValue } from '../redaction/redact';

/**
 * Options of {@link formatUnifiedDiff}.
 *
 * @public
 */
export interface UnifiedDiffOptions {
  /** Unchanged lines shown around each change (default 3). */
  context?: number;
}

/** Above this many line pairs the middle of a file is shown as one hunk. */
const MAX_LCS_CELLS = 4_000_000;

type Op = { kind: ' ' | '-' | '+'; line: string; a: number; b: number };

function diffLines(a: string[], b: string[]): Op[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const ops: Op[] = [];
  for (let i = 0; i < start; i++)
    ops.push({ kind: ' ', line: a[i], a: i, b: i });
  const n = endA - start;
  const m = endB - start;
  if (n * m <= MAX_LCS_CELLS) {
    // LCS table over the differing middle
    const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
    for (let i = n - 1; i >= 0; i--)
      for (let j = m - 1; j >= 0; j--)
        lcs[i][j] =
          a[start + i] === b[start + j]
            ? lcs[i + 1][j + 1] + 1
            : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && a[start + i] === b[start + j]) {
        ops.push({ kind: ' ', line: a[start + i], a: start + i, b: start + j });
        i++;
        j++;
      } else if (i < n && (j >= m || lcs[i + 1][j] >= lcs[i][j + 1])) {
        ops.push({ kind: '-', line: a[start + i], a: start + i, b: start + j });
        i++;
      } else {
        ops.push({ kind: '+', line: b[start + j], a: start + i, b: start + j });
        j++;
      }
    }
  } else {
    for (let i = start; i < endA; i++)
      ops.push({ kind: '-', line: a[i], a: i, b: start });
    for (let j = start; j < endB; j++)
      ops.push({ kind: '+', line: b[j], a: endA, b: j });
  }
  for (let i = endA, j = endB; i < a.length; i++, j++)
    ops.push({ kind: ' ', line: a[i], a: i, b: j });
  return ops;
}

const KEY_LINE =
  /^(\s*(?:-\s+)?["']?([^\s"':#][^"':#]*?)["']?\s*[:=]\s*)(\S.*)$/;

/** Hides values of secret-looking keys and passwords inside values. */
function redactLine(line: string): string {
  const m = KEY_LINE.exec(line);
  if (m && isSecretKey(m[2])) return `${m[1]}${REDACTED}`;
  return redactValue(line);
}

function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function range(start: number, count: number): string {
  if (count === 1) return `${start + 1}`;
  return `${count === 0 ? start : start + 1},${count}`;
}

/**
 * Renders file edits as a unified diff (`--- a/file`, `+++ b/file`, hunks
 * with context), with secret-looking values redacted.
 *
 * @public
 */
export function formatUnifiedDiff(
  edits: Array<{ file: string; before: string; after: string }>,
  options: UnifiedDiffOptions = {},
): string {
  const context = Math.max(0, options.context ?? 3);
  const out: string[] = [];
  for (const edit of edits) {
    if (edit.before === edit.after) continue;
    const ops = diffLines(splitLines(edit.before), splitLines(edit.after));
    out.push(`--- a/${edit.file}`, `+++ b/${edit.file}`);
    const changed = ops
      .map((op, i) => (op.kind === ' ' ? -1 : i))
      .filter(i => i >= 0);
    let k = 0;
    while (k < changed.length) {
      const first = Math.max(0, changed[k] - context);
      let last = changed[k];
      while (k + 1 < changed.length && changed[k + 1] - last <= 2 * context + 1)
        last = changed[++k];
      k++;
      const end = Math.min(ops.length - 1, last + context);
      const hunk = ops.slice(first, end + 1);
      const aCount = hunk.filter(o => o.kind !== '+').length;
      const bCount = hunk.filter(o => o.kind !== '-').length;
      out.push(
        `@@ -${range(hunk[0].a, aCount)} +${range(hunk[0].b, bCount)} @@`,
      );
      for (const op of hunk) out.push(`${op.kind}${redactLine(op.line)}`);
    }
  }
  return out.length ? `${out.join('\n')}\n` : '';
}
