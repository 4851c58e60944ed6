import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { PlainGitRepository } from './PlainGitRepository';

function run(cwd: string, ...args: string[]) {
  return execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
}

function write(root: string, file: string, content: string | Buffer) {
  fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  fs.writeFileSync(path.join(root, file), content);
}

function commitAll(root: string, message: string): string {
  run(root, 'add', '-A');
  run(
    root,
    '-c',
    'user.name=Test',
    '-c',
    'user.email=test@example.com',
    'commit',
    '-q',
    '-m',
    message,
  );
  return run(root, 'rev-parse', 'HEAD');
}

describe('PlainGitRepository', () => {
  let tmp: string;
  let origin: string;
  let cacheDir: string;

  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecraft-git-'));
    origin = path.join(tmp, 'origin');
    cacheDir = path.join(tmp, 'cache');
    fs.mkdirSync(origin);
    run(origin, 'init', '-q', '-b', 'main');
    write(
      origin,
      'apps/catalogue/base/kustomization.yaml',
      'resources: [deployment.yaml]\n',
    );
    write(
      origin,
      'apps/catalogue/overlays/dev/kustomization.yaml',
      'images:\n  - name: catalogue\n    newTag: "1.2.0"\n',
    );
  });

  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('reads the files of the default branch’s newest commit', async () => {
    const commit = commitAll(origin, 'first');
    const repository = new PlainGitRepository({
      name: 'demo',
      url: origin,
      cacheDir,
    });

    const snapshot = await repository.readSnapshot();

    expect(snapshot).toMatchObject({
      repository: 'demo',
      branch: 'main',
      commit,
    });
    expect([...snapshot.files.keys()].sort()).toEqual([
      'apps/catalogue/base/kustomization.yaml',
      'apps/catalogue/overlays/dev/kustomization.yaml',
    ]);
    expect(
      snapshot.files
        .get('apps/catalogue/overlays/dev/kustomization.yaml')!
        .toString(),
    ).toContain('newTag: "1.2.0"');
    expect(snapshot.staleReason).toBeUndefined();
  });

  it('resolves a relative path against baseDir, and reads a configured branch', async () => {
    commitAll(origin, 'first');
    run(origin, 'checkout', '-q', '-b', 'release');
    write(
      origin,
      'apps/catalogue/overlays/prod/kustomization.yaml',
      'namespace: prod\n',
    );
    const releaseCommit = commitAll(origin, 'on release');
    run(origin, 'checkout', '-q', 'main');

    const repository = new PlainGitRepository({
      name: 'demo',
      url: 'origin',
      baseDir: tmp,
      branch: 'release',
      cacheDir,
    });
    const snapshot = await repository.readSnapshot();

    expect(snapshot.commit).toBe(releaseCommit);
    expect(
      snapshot.files.has('apps/catalogue/overlays/prod/kustomization.yaml'),
    ).toBe(true);
  });

  it('fetches new commits once the refresh interval has passed, not before', async () => {
    const first = commitAll(origin, 'first');
    let now = 1_000_000;
    const repository = new PlainGitRepository({
      name: 'demo',
      url: origin,
      cacheDir,
      refreshIntervalMs: 30_000,
      now: () => now,
    });
    expect((await repository.readSnapshot()).commit).toBe(first);

    write(
      origin,
      'apps/catalogue/overlays/dev/kustomization.yaml',
      'images:\n  - name: catalogue\n    newTag: "1.3.0"\n',
    );
    const second = commitAll(origin, 'second');

    now += 10_000;
    expect((await repository.readSnapshot()).commit).toBe(first);

    now += 30_000;
    const snapshot = await repository.readSnapshot();
    expect(snapshot.commit).toBe(second);
    expect(
      snapshot.files
        .get('apps/catalogue/overlays/dev/kustomization.yaml')!
        .toString(),
    ).toContain('1.3.0');

    write(origin, 'README.md', 'third');
    const third = commitAll(origin, 'third');
    expect((await repository.readSnapshot({ refresh: true })).commit).toBe(
      third,
    );
  });

  it('shares one fetch between concurrent readers', async () => {
    commitAll(origin, 'first');
    const repository = new PlainGitRepository({
      name: 'demo',
      url: origin,
      cacheDir,
    });

    const snapshots = await Promise.all(
      Array.from({ length: 5 }, () => repository.readSnapshot()),
    );

    expect(new Set(snapshots.map(s => s.commit)).size).toBe(1);
  });

  it('leaves out large files, symbolic links and binary-safe contents intact', async () => {
    write(origin, 'big.yaml', 'x'.repeat(2048));
    write(origin, 'bytes.bin', Buffer.from([0xff, 0x00, 0xfe]));
    fs.symlinkSync('/etc/passwd', path.join(origin, 'escape.yaml'));
    commitAll(origin, 'odd files');
    const repository = new PlainGitRepository({
      name: 'demo',
      url: origin,
      cacheDir,
      maxFileSize: 1024,
    });

    const snapshot = await repository.readSnapshot();

    expect(snapshot.files.has('big.yaml')).toBe(false);
    expect(snapshot.files.has('escape.yaml')).toBe(false);
    expect(snapshot.skipped).toEqual(
      expect.arrayContaining([
        { path: 'big.yaml', reason: 'larger than 1024 bytes' },
        { path: 'escape.yaml', reason: 'a symbolic link' },
      ]),
    );
    expect([...snapshot.files.get('bytes.bin')!]).toEqual([0xff, 0x00, 0xfe]);
  });

  it('serves the last fetched commit, marked stale, when a fetch fails', async () => {
    const first = commitAll(origin, 'first');
    const repository = new PlainGitRepository({
      name: 'demo',
      url: origin,
      cacheDir,
    });
    await repository.readSnapshot();

    fs.rmSync(origin, { recursive: true, force: true });
    const snapshot = await repository.readSnapshot({ refresh: true });

    expect(snapshot.commit).toBe(first);
    expect(snapshot.staleReason).toMatch(/Fetching repository demo failed/);
  });

  it('fails clearly, without credentials, when the repository cannot be read', async () => {
    const repository = new PlainGitRepository({
      name: 'private',
      url: 'http://user:s3cret@127.0.0.1:1/gitops.git',
      cacheDir,
    });

    const error = await repository.readSnapshot().catch(e => e);

    expect(error.message).toMatch(/^Repository private could not be read/);
    expect(error.message).not.toContain('s3cret');
  });

  it('names a missing branch', async () => {
    commitAll(origin, 'first');
    const repository = new PlainGitRepository({
      name: 'demo',
      url: origin,
      branch: 'nope',
      cacheDir,
    });

    await expect(repository.readSnapshot()).rejects.toThrow(
      "Repository demo has no branch 'nope'",
    );
  });
});
