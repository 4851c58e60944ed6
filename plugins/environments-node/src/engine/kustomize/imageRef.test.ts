import { formatImageRef, imageNameMatches, parseImageRef } from './imageRef';

describe('parseImageRef', () => {
  it.each([
    ['nginx', { name: 'nginx', tag: null, digest: null }],
    ['nginx:1.25', { name: 'nginx', tag: '1.25', digest: null }],
    [
      'localhost:5000/team/app:v2',
      { name: 'localhost:5000/team/app', tag: 'v2', digest: null },
    ],
    [
      'localhost:5000/team/app',
      { name: 'localhost:5000/team/app', tag: null, digest: null },
    ],
    [
      'busybox:1.38.0@sha256:abc',
      { name: 'busybox', tag: '1.38.0', digest: 'sha256:abc' },
    ],
    ['redis@sha256:def', { name: 'redis', tag: null, digest: 'sha256:def' }],
  ])('splits %s', (ref, expected) => {
    expect(parseImageRef(ref)).toEqual(expected);
    expect(formatImageRef(parseImageRef(ref))).toBe(ref);
  });

  it('matches kustomize image names exactly, ignoring tag and digest', () => {
    expect(imageNameMatches('ghcr.io/a/b:1', 'ghcr.io/a/b')).toBe(true);
    expect(imageNameMatches('ghcr.io/a/b:1', 'b')).toBe(false);
    expect(imageNameMatches('ghcr.io/a/bc:1', 'ghcr.io/a/b')).toBe(false);
  });
});
