import { MemoryFiles } from './memoryFiles';
import { RepoReader } from './repoReader';

async function reader(files: Record<string, string | Uint8Array>) {
  const source = new MemoryFiles(files);
  return new RepoReader(source, (await source.list()).files);
}

describe('RepoReader', () => {
  it('parses once and reports a bad file once', async () => {
    const r = await reader({ 'bad.yaml': 'a: [\n', 'ok.yaml': 'a: 1\n' });
    expect(await r.yaml('bad.yaml')).toEqual([]);
    await r.yaml('bad.yaml');
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({
      file: 'bad.yaml',
      severity: 'error',
    });
    expect(await r.yaml('ok.yaml')).toHaveLength(1);
  });

  it('reports non-UTF-8 content and unreadable files', async () => {
    const r = await reader({
      'latin.yaml': new Uint8Array([0x61, 0x3a, 0x20, 0xe9, 0x0a]),
    });
    expect(await r.text('latin.yaml')).toBeUndefined();
    expect(await r.text('missing.yaml')).toBeUndefined();
    expect(r.problems.map(p => p.message)).toEqual([
      'file is not valid UTF-8; not read',
      expect.stringMatching(/could not be read/),
    ]);
  });

  it('only notes templated YAML', async () => {
    const r = await reader({
      't.yaml': 'image: {{ .Values.image }}:{{ .Values.tag }}\n  x: [\n',
    });
    await r.yaml('t.yaml');
    expect(r.problems[0]).toMatchObject({
      severity: 'info',
      message: expect.stringMatching(/templated/),
    });
  });

  it('knows folders and their children', async () => {
    const r = await reader({ 'a/b/c.yaml': '', 'a/d/e.yaml': '' });
    expect(r.isFolder('a/b')).toBe(true);
    expect(r.isFolder('a/x')).toBe(false);
    expect(r.childFolders('a').sort()).toEqual(['b', 'd']);
  });
});
