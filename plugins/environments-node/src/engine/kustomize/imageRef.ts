/**
 * An image reference split into repository, tag and digest.
 *
 * @public
 */
export interface ImageRef {
  name: string;
  tag: string | null;
  digest: string | null;
}

/**
 * Splits `registry:5000/repo/name:tag@sha256:…` into its parts. The tag is
 * the part after the last `:` that follows the last `/`.
 *
 * @public
 */
export function parseImageRef(ref: string): ImageRef {
  let rest = ref.trim();
  let digest: string | null = null;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1) || null;
    rest = rest.slice(0, at);
  }
  let tag: string | null = null;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1) || null;
    rest = rest.slice(0, colon);
  }
  return { name: rest, tag, digest };
}

/** Joins image parts back into a reference. */
export function formatImageRef(ref: ImageRef): string {
  return `${ref.name}${ref.tag ? `:${ref.tag}` : ''}${
    ref.digest ? `@${ref.digest}` : ''
  }`;
}

/** Whether kustomize's `images[].name` selects this image (name equality, any tag/digest). */
export function imageNameMatches(image: string, name: string): boolean {
  return parseImageRef(image).name === name;
}
