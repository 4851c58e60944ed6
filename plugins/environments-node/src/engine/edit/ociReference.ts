/**
 * Validation of image tags and digests against the OCI distribution
 * reference grammar (`tag := [\w][\w.-]{0,127}`,
 * `digest := algorithm ":" encoded`).
 */

const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[A-Za-z0-9=_-]+$/;
const DIGEST_LENGTHS: Record<string, number> = { sha256: 64, sha512: 128 };

/**
 * Whether `tag` is a valid OCI image tag (`[\w][\w.-]{0,127}`).
 *
 * @public
 */
export function isValidOciTag(tag: string): boolean {
  return TAG.test(tag);
}

/**
 * Whether `digest` is a valid OCI digest (`algorithm:encoded`); `sha256`
 * and `sha512` must be lowercase hex of 64 and 128 characters.
 *
 * @public
 */
export function isValidOciDigest(digest: string): boolean {
  if (!DIGEST.test(digest)) return false;
  const colon = digest.indexOf(':');
  const algorithm = digest.slice(0, colon);
  const encoded = digest.slice(colon + 1);
  const length = DIGEST_LENGTHS[algorithm];
  if (length === undefined) return encoded.length >= 32;
  return encoded.length === length && /^[a-f0-9]+$/.test(encoded);
}

/**
 * Checks a tag and digest pair; returns why it is invalid, or undefined.
 *
 * @public
 */
export function validateImageVersion(
  tag: string | null | undefined,
  digest: string | null | undefined,
): string | undefined {
  if (!tag && !digest) return 'neither a tag nor a digest is given';
  if (tag && !isValidOciTag(tag))
    return `"${tag}" is not a valid OCI tag ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})`;
  if (digest && !isValidOciDigest(digest))
    return `"${digest}" is not a valid OCI digest (algorithm:hex, e.g. sha256 with 64 lowercase hex characters)`;
  return undefined;
}
