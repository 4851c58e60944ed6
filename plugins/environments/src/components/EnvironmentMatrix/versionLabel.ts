import { Version } from '@stagecraft/plugin-environments-common';

/**
 * A short label for a version: the distinct tags (or short digests) of its images, or `—` when
 * nothing is pinned.
 */
export function versionLabel(version: Version): string {
  const labels = version.images.map(image => {
    if (image.tag) {
      return image.tag;
    }
    return image.digest ? image.digest.slice(0, 19) : 'untagged';
  });
  return labels.length ? [...new Set(labels)].join(', ') : '—';
}
