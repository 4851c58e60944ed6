import { createHash } from 'crypto';

/** Go's encoding/json string escaping on top of JSON.stringify (HTML-safe). */
function goJson(v: unknown): string {
  const sorted = (x: unknown): unknown =>
    x !== null && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(
          Object.keys(x as object)
            .sort()
            .map(k => [k, sorted((x as Record<string, unknown>)[k])]),
        )
      : x;
  return JSON.stringify(sorted(v)).replace(
    /[<>&\u2028\u2029]/g,
    c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * The suffix kustomize (v5) appends to a generated ConfigMap's name: the
 * first 10 hex digits of the SHA-256 of `{"data":…,"kind":"ConfigMap",
 * "name":""}` (keys sorted, as Go encodes them; the name is empty when
 * kustomize hashes), with 0, 1, 3, a and e replaced so it reads as no word.
 */
export function configMapNameHash(
  data: Record<string, string>,
  binaryData?: Record<string, string>,
): string {
  const m: Record<string, unknown> = { kind: 'ConfigMap', name: '', data };
  if (binaryData && Object.keys(binaryData).length > 0)
    m.binaryData = binaryData;
  const hex = createHash('sha256').update(goJson(m)).digest('hex');
  const swap: Record<string, string> = {
    '0': 'g',
    '1': 'h',
    '3': 'k',
    a: 'm',
    e: 't',
  };
  return [...hex.slice(0, 10)].map(c => swap[c] ?? c).join('');
}
