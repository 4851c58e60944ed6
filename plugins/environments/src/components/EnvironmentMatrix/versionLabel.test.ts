import { versionLabel } from './versionLabel';

const image = { application: 'app', container: 'app', image: 'shop/app' };

describe('versionLabel', () => {
  it('joins the distinct tags', () => {
    expect(
      versionLabel({
        images: [
          { ...image, tag: '1.2.0', digest: null },
          { ...image, container: 'sidecar', tag: '1.2.0', digest: null },
          { ...image, container: 'proxy', tag: '0.9', digest: null },
        ],
      }),
    ).toBe('1.2.0, 0.9');
  });

  it('falls back to a short digest, then to untagged, and to — for nothing', () => {
    expect(
      versionLabel({
        images: [
          { ...image, tag: null, digest: 'sha256:0123456789abcdef0123' },
          { ...image, tag: null, digest: null },
        ],
      }),
    ).toBe('sha256:0123456789ab, untagged');
    expect(versionLabel({ images: [] })).toBe('—');
  });
});
