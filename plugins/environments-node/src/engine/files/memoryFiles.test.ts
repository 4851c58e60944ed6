import { MemoryFiles } from './memoryFiles';
import { joinRepoPath, normalizeRepoPath, isWithin } from './repositoryFiles';

describe('MemoryFiles', () => {
  it('lists normalised paths and reads them', async () => {
    const files = new MemoryFiles({
      './a/b.yaml': 'x: 1',
      'c.yaml': new Uint8Array([97]),
    });
    expect((await files.list()).files).toEqual(['a/b.yaml', 'c.yaml']);
    expect(await files.read('a/b.yaml')).toBe('x: 1');
    await expect(files.read('../a/b.yaml')).rejects.toThrow(/not found/);
  });

  it('refuses oversize content', async () => {
    const files = new MemoryFiles({ 'big.yaml': 'x'.repeat(1024 * 1024 + 1) });
    await expect(files.read('big.yaml')).rejects.toThrow(/larger than/);
  });
});

describe('repository paths', () => {
  it('normalises and refuses escapes', () => {
    expect(normalizeRepoPath('a/./b/../c')).toBe('a/c');
    expect(normalizeRepoPath('../x')).toBeUndefined();
    expect(joinRepoPath('overlays/dev', '../../base')).toBe('base');
    expect(joinRepoPath('overlays/dev', '../../../etc')).toBeUndefined();
    expect(joinRepoPath('a', '/etc/passwd')).toBeUndefined();
    expect(isWithin('apps/x/y.yaml', 'apps/x')).toBe(true);
    expect(isWithin('apps/xy/y.yaml', 'apps/x')).toBe(false);
    expect(isWithin('anything', '')).toBe(true);
  });
});
