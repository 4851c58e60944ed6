import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DirectoryFiles } from './directoryFiles';

describe('DirectoryFiles', () => {
  let tmp: string;
  let root: string;

  beforeAll(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'envs-dir-'));
    root = path.join(tmp, 'repo');
    await fs.mkdir(path.join(root, 'a/b'), { recursive: true });
    await fs.mkdir(path.join(root, '.git'), { recursive: true });
    await fs.writeFile(path.join(root, 'a/b/x.yaml'), 'a: 1\n');
    await fs.writeFile(path.join(root, '.git/config'), 'x');
    await fs.writeFile(path.join(tmp, 'outside.yaml'), 'secret: 1\n');
    await fs.writeFile(
      path.join(root, 'big.yaml'),
      Buffer.alloc(1024 * 1024 + 1, 97),
    );
    await fs.symlink(
      path.join(tmp, 'outside.yaml'),
      path.join(root, 'escape.yaml'),
    );
    await fs.symlink(
      path.join(root, 'a/b/x.yaml'),
      path.join(root, 'inside.yaml'),
    );
    await fs.symlink(path.join(root, 'a'), path.join(root, 'loop'));
  });

  afterAll(async () => {
    await fs.rm(tmp, { recursive: true, force: true });
  });

  it('lists files, skips .git, keeps symlinks inside and reports those pointing out', async () => {
    const { files, problems } = await new DirectoryFiles(root).list();
    expect(files.sort()).toEqual(['a/b/x.yaml', 'big.yaml', 'inside.yaml']);
    expect(problems).toEqual([
      expect.objectContaining({
        file: 'escape.yaml',
        message: expect.stringMatching(/outside/),
      }),
    ]);
  });

  it('reads inside the root only', async () => {
    const files = new DirectoryFiles(root);
    expect(Buffer.from(await files.read('a/b/x.yaml')).toString()).toBe(
      'a: 1\n',
    );
    expect(Buffer.from(await files.read('inside.yaml')).toString()).toBe(
      'a: 1\n',
    );
    await expect(files.read('../outside.yaml')).rejects.toThrow(/outside/);
    await expect(files.read('escape.yaml')).rejects.toThrow(/outside/);
    await expect(files.read('big.yaml')).rejects.toThrow(/larger than/);
    await expect(files.read('missing.yaml')).rejects.toThrow();
  });
});
