import { createHash } from 'node:crypto';

const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export function sha256Hex(input: string): string {
  return createHash('sha256').update(input).digest('hex');
}

/** A short name suffix from Kubernetes' "safe" alphabet, e.g. for pod-template-hash. */
export function safeSuffix(input: string, length: number): string {
  const bytes = createHash('sha256').update(input).digest();
  let out = '';
  for (let i = 0; i < length; i++)
    out += SAFE_ALPHABET[bytes[i] % SAFE_ALPHABET.length];
  return out;
}

/** A stable UUID-shaped uid for an object identity. */
export function stableUid(input: string): string {
  const h = sha256Hex(input);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(
    17,
    20,
  )}-${h.slice(20, 32)}`;
}

/** The digest the stand-in's registry gives an image:tag (deterministic). */
export function imageDigest(image: string, tag: string): string {
  return `sha256:${sha256Hex(`${image}:${tag}`)}`;
}

/** A small deterministic integer in [min, max] from a string. */
export function stableInt(input: string, min: number, max: number): number {
  const n = parseInt(sha256Hex(input).slice(0, 8), 16);
  return min + (n % (max - min + 1));
}

/** RFC 3339 without fractions, as Kubernetes writes timestamps. */
export function timestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
