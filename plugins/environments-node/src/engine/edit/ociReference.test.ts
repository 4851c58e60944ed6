import {
  isValidOciDigest,
  isValidOciTag,
  validateImageVersion,
} from './ociReference';

describe('OCI reference grammar', () => {
  it('accepts and rejects tags', () => {
    for (const t of ['1.2.0', 'latest', 'v1.0.0-rc.1', '_x', 'A'.repeat(128)])
      expect(isValidOciTag(t)).toBe(true);
    for (const t of ['', '-x', '.x', 'a b', 'a:b', 'a/b', 'A'.repeat(129)])
      expect(isValidOciTag(t)).toBe(false);
  });

  it('accepts and rejects digests', () => {
    expect(isValidOciDigest(`sha256:${'0a'.repeat(32)}`)).toBe(true);
    expect(isValidOciDigest(`sha512:${'f'.repeat(128)}`)).toBe(true);
    expect(isValidOciDigest(`sha256:${'0A'.repeat(32)}`)).toBe(false);
    expect(isValidOciDigest(`sha256:${'0'.repeat(63)}`)).toBe(false);
    expect(isValidOciDigest('sha256')).toBe(false);
    expect(isValidOciDigest(`multihash+base58:${'Q'.repeat(40)}`)).toBe(true);
    expect(isValidOciDigest('x:short')).toBe(false);
  });

  it('explains what is wrong', () => {
    expect(validateImageVersion('1.0', null)).toBeUndefined();
    expect(validateImageVersion(null, null)).toBe(
      'neither a tag nor a digest is given',
    );
    expect(validateImageVersion('a b', null)).toMatch(/not a valid OCI tag/);
    expect(validateImageVersion('1', 'md5:1')).toMatch(
      /not a valid OCI digest/,
    );
  });
});
