/**
 * Which image tags "exist". Images listed have exactly the tags listed; an
 * image that is not listed at all has every tag (so repositories other than
 * the demo's work without a registry file).
 */
export class ImageRegistry {
  private readonly tags = new Map<string, Set<string>>();

  constructor(images: Record<string, Array<string | number>> = {}) {
    for (const [image, tags] of Object.entries(images)) {
      this.tags.set(image, new Set((tags ?? []).map(t => String(t))));
    }
  }

  /** True when `image:tag` can be pulled. A missing tag means `latest`. */
  has(image: string, tag: string | null): boolean {
    const known = this.tags.get(image);
    if (!known) return true;
    return known.has(tag ?? 'latest');
  }
}
