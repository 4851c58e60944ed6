/**
 * Container image references: `[registry[:port]/]path[:tag][@digest]`.
 */
export type ImageReference = {
  repository: string;
  tag?: string;
  digest?: string;
};

/** Splits an image reference into repository, tag and digest. */
export function parseImageReference(image: string): ImageReference {
  let rest = image.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1) || undefined;
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  // A colon before the last slash belongs to a registry port, not a tag.
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1) || undefined;
    rest = rest.slice(0, colon);
  }
  return { repository: rest, ...(tag && { tag }), ...(digest && { digest }) };
}

/**
 * The repository digest in a container status' `imageID`
 * (`docker-pullable://repo@sha256:…`, `repo@sha256:…`). A bare `sha256:…` is the local image
 * ID, not a registry digest, and gives undefined.
 */
export function digestFromImageId(
  imageId: string | undefined,
): string | undefined {
  if (!imageId) return undefined;
  const at = imageId.lastIndexOf('@');
  if (at < 0) return undefined;
  const digest = imageId.slice(at + 1);
  return /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-fA-F0-9]{32,}$/.test(digest)
    ? digest
    : undefined;
}

/**
 * The repository as Docker Hub short names expand (`nginx` → `docker.io/library/nginx`), to compare
 * a pod template's image with what the runtime reports.
 */
export function normalizeRepository(repository: string): string {
  const firstSlash = repository.indexOf('/');
  const first = firstSlash < 0 ? '' : repository.slice(0, firstSlash);
  const hasRegistry =
    first.includes('.') || first.includes(':') || first === 'localhost';
  if (hasRegistry) {
    return first === 'index.docker.io'
      ? `docker.io${repository.slice(firstSlash)}`
      : repository;
  }
  return firstSlash < 0
    ? `docker.io/library/${repository}`
    : `docker.io/${repository}`;
}
