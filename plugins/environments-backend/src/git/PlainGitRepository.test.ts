import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { ConflictError, InputError, NotAllowedError } from '@backstage/errors';
import { git } from './git';
import {
  PlainGitRepository,
  PlainGitRepositoryOptions,
} from './PlainGitRepository';

/** Runs before every git command of the code under test, and may rewrite its arguments. */
let mockGitArgs: ((args: string[]) => string[] | void) | undefined;
jest.mock('./git', () => {
  const actual = jest.requireActual('./git');
  return {
    ...actual,
    git: (args: string[], options?: object) =>
      actual.git(mockGitArgs?.(args) ?? args, options),
  };
});

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

describe('PlainGitRepository as a writer', () => {
  const DEV = 'apps/catalogue/overlays/dev/kustomization.yaml';
  const ADA = { name: 'Ada Lovelace', email: 'ada@example.com' };
  let tmp: string;
  let origin: string;
  let cacheDir: string;
  let first: string;

  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecraft-git-'));
    origin = path.join(tmp, 'origin');
    cacheDir = path.join(tmp, 'cache');
    fs.mkdirSync(origin);
    // Like the demo's remote: not bare, main checked out, pushes update its working tree.
    run(origin, 'init', '-q', '-b', 'main');
    run(origin, 'config', 'receive.denyCurrentBranch', 'updateInstead');
    write(origin, DEV, 'newTag: "1.2.0"\n');
    write(origin, 'README.md', '# GitOps\n');
    first = commitAll(origin, 'first');
  });

  afterEach(() => {
    mockGitArgs = undefined;
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  /** A repository whose clock stands still: reads never fetch on their own after the first. */
  function repository(
    options: Partial<PlainGitRepositoryOptions> & { fileUrl?: boolean } = {},
  ) {
    const { fileUrl, ...rest } = options;
    return new PlainGitRepository({
      name: 'demo',
      url: fileUrl ? `file://${origin}` : origin,
      cacheDir,
      now: () => 1_000_000,
      ...rest,
    });
  }

  function show(sha: string, format: string) {
    return run(origin, 'show', '-s', `--format=${format}`, sha);
  }

  function request(content: string, baseCommit = first) {
    return {
      baseCommit,
      files: [{ path: DEV, content }],
      message: 'Promote catalogue to dev\n\nBy Ada.',
      author: ADA,
    };
  }

  describe.each([
    ['a local path', false],
    ['a file:// URL', true],
  ])('with %s as remote', (_kind, fileUrl) => {
    it('commits onto the branch, and the next read sees the commit without fetching', async () => {
      const repo = repository({ fileUrl });
      await repo.readSnapshot();

      const { commit } = await repo.commit(request('newTag: "1.3.0"\n'));

      expect(run(origin, 'rev-parse', 'main')).toBe(commit);
      expect(show(commit, '%P|%an <%ae>|%cn <%ce>|%B')).toBe(
        `${first}|Ada Lovelace <ada@example.com>|Ada Lovelace <ada@example.com>|Promote catalogue to dev\n\nBy Ada.`,
      );
      expect(run(origin, 'show', `${commit}:${DEV}`)).toBe('newTag: "1.3.0"');
      expect(run(origin, 'show', `${commit}:README.md`)).toBe('# GitOps');
      // The remote's checked-out working tree moved along.
      expect(fs.readFileSync(path.join(origin, DEV), 'utf8')).toBe(
        'newTag: "1.3.0"\n',
      );
      expect(run(origin, 'status', '--porcelain')).toBe('');

      const snapshot = await repo.readSnapshot();
      expect(snapshot.commit).toBe(commit);
      expect(snapshot.files.get(DEV)!.toString()).toBe('newTag: "1.3.0"\n');
    });

    it('refuses a commit planned at an older commit, and pushes nothing', async () => {
      const repo = repository({ fileUrl });
      await repo.readSnapshot();
      write(origin, 'README.md', 'moved\n');
      const moved = commitAll(origin, 'moved');

      const error = await repo
        .commit(request('newTag: "1.3.0"\n'))
        .catch(e => e);

      expect(error).toBeInstanceOf(ConflictError);
      expect(error.message).toBe(
        `main moved from ${first.slice(0, 12)} to ${moved.slice(
          0,
          12,
        )}: re-plan`,
      );
      expect(run(origin, 'rev-parse', 'main')).toBe(moved);
      expect(run(origin, 'for-each-ref', '--format=%(refname)')).toBe(
        'refs/heads/main',
      );
    });

    it('opens a change on a new branch, and refuses a branch that exists', async () => {
      const repo = repository({ fileUrl });

      const change = await repo.openChange({
        ...request('newTag: "1.3.0"\n'),
        branch: 'promote/catalogue-dev',
        title: 'Promote catalogue',
        body: 'Body',
      });

      expect(change).toEqual({
        branch: 'promote/catalogue-dev',
        commit: expect.stringMatching(/^[0-9a-f]{40}$/),
      });
      expect(run(origin, 'rev-parse', 'promote/catalogue-dev')).toBe(
        change.commit,
      );
      expect(show(change.commit, '%P')).toBe(first);
      expect(run(origin, 'rev-parse', 'main')).toBe(first);

      const again = await repo
        .openChange({
          ...request('newTag: "1.4.0"\n'),
          branch: 'promote/catalogue-dev',
          title: 'Again',
          body: '',
        })
        .catch(e => e);
      expect(again).toBeInstanceOf(ConflictError);
      expect(again.message).toMatch(/promote\/catalogue-dev already exists/);
      expect(run(origin, 'rev-parse', 'promote/catalogue-dev')).toBe(
        change.commit,
      );
    });

    it('follows a change from open to merged', async () => {
      const repo = repository({ fileUrl });
      const change = await repo.openChange({
        ...request('newTag: "1.3.0"\n'),
        branch: 'promote/a',
        title: 't',
        body: '',
      });
      expect(await repo.getChangeStatus(change)).toEqual({ state: 'open' });

      // main moves on, then the change is merged by hand, then main moves on again.
      write(origin, 'README.md', 'meanwhile\n');
      commitAll(origin, 'meanwhile');
      run(
        origin,
        '-c',
        'user.name=Reviewer',
        '-c',
        'user.email=r@example.com',
        'merge',
        '-q',
        '--no-ff',
        '-m',
        'Merge promote/a',
        'promote/a',
      );
      const merge = run(origin, 'rev-parse', 'HEAD');
      write(origin, 'README.md', 'later\n');
      commitAll(origin, 'later');

      expect(await repo.getChangeStatus(change)).toEqual({
        state: 'merged',
        mergeCommit: merge,
        mergedAt: show(merge, '%cI'),
      });
    });
  });

  it('reports a fast-forwarded change as merged at its own commit', async () => {
    const repo = repository();
    const change = await repo.openChange({
      ...request('newTag: "1.3.0"\n'),
      branch: 'promote/a',
      title: 't',
      body: '',
    });
    run(origin, 'merge', '-q', '--ff-only', 'promote/a');
    write(origin, 'README.md', 'later\n');
    commitAll(origin, 'later');

    expect(await repo.getChangeStatus(change)).toEqual({
      state: 'merged',
      mergeCommit: change.commit,
      mergedAt: show(change.commit, '%cI'),
    });
  });

  it('reports a change whose branch was deleted unmerged as closed', async () => {
    const repo = repository();
    const change = await repo.openChange({
      ...request('newTag: "1.3.0"\n'),
      branch: 'promote/a',
      title: 't',
      body: '',
    });
    run(origin, 'branch', '-q', '-D', 'promote/a');

    expect(await repo.getChangeStatus(change)).toEqual({ state: 'closed' });
  });

  it('closes a change by deleting its branch, and closing again does nothing', async () => {
    const repo = repository({ fileUrl: true });
    const change = await repo.openChange({
      ...request('newTag: "1.3.0"\n'),
      branch: 'promote/a',
      title: 't',
      body: '',
    });

    await repo.closeChange(change);

    expect(run(origin, 'branch', '--list', 'promote/a')).toBe('');
    expect(run(origin, 'rev-parse', 'main')).toBe(first);
    expect(await repo.getChangeStatus(change)).toEqual({ state: 'closed' });
    await expect(repo.closeChange(change)).resolves.toBeUndefined();
    await expect(
      repo.closeChange({ branch: 'main', commit: first }),
    ).rejects.toBeInstanceOf(InputError);
    expect(run(origin, 'rev-parse', 'main')).toBe(first);
  });

  describe('mergeChange', () => {
    async function openChange(repo: PlainGitRepository) {
      return repo.openChange({
        ...request('newTag: "1.3.0"\n'),
        branch: 'promote/a',
        title: 't',
        body: '',
      });
    }

    it('merges the change into main and deletes its branch', async () => {
      const repo = repository({ allowMerge: true, fileUrl: true });
      const change = await openChange(repo);
      write(origin, 'README.md', 'meanwhile\n');
      const meanwhile = commitAll(origin, 'meanwhile');

      const { commit } = await repo.mergeChange(change, {
        message: 'Merge promote/a',
        author: ADA,
      });

      expect(run(origin, 'rev-parse', 'main')).toBe(commit);
      expect(show(commit, '%P|%an <%ae>|%s')).toBe(
        `${meanwhile} ${change.commit}|Ada Lovelace <ada@example.com>|Merge promote/a`,
      );
      expect(fs.readFileSync(path.join(origin, DEV), 'utf8')).toBe(
        'newTag: "1.3.0"\n',
      );
      expect(fs.readFileSync(path.join(origin, 'README.md'), 'utf8')).toBe(
        'meanwhile\n',
      );
      expect(run(origin, 'branch', '--list', 'promote/a')).toBe('');
      expect((await repo.readSnapshot()).commit).toBe(commit);
      expect(await repo.getChangeStatus(change)).toEqual({
        state: 'merged',
        mergeCommit: commit,
        mergedAt: show(commit, '%cI'),
      });
    });

    it('returns the merge of a change that is merged already, without merging again', async () => {
      const repo = repository({ allowMerge: true });
      const change = await openChange(repo);
      run(origin, 'merge', '-q', '--no-ff', '-m', 'by hand', 'promote/a');
      const merge = run(origin, 'rev-parse', 'HEAD');

      await expect(
        repo.mergeChange(change, { message: 'again', author: ADA }),
      ).resolves.toEqual({ commit: merge });
      expect(run(origin, 'rev-parse', 'main')).toBe(merge);
    });

    it('is not allowed unless the repository allows merging', async () => {
      const repo = repository();
      const change = await openChange(repo);

      await expect(
        repo.mergeChange(change, { message: 'm', author: ADA }),
      ).rejects.toBeInstanceOf(NotAllowedError);
      expect(repo.canMerge).toBe(false);
      expect(run(origin, 'rev-parse', 'main')).toBe(first);
      expect(run(origin, 'rev-parse', 'promote/a')).toBe(change.commit);
    });

    it('refuses a change that no longer merges cleanly, and leaves the remote as it was', async () => {
      const repo = repository({ allowMerge: true });
      const change = await openChange(repo);
      write(origin, DEV, 'newTag: "9.9.9"\n');
      const conflicting = commitAll(origin, 'conflicting');

      const error = await repo
        .mergeChange(change, { message: 'm', author: ADA })
        .catch(e => e);

      expect(error).toBeInstanceOf(ConflictError);
      expect(error.message).toBe(
        `Change promote/a no longer merges cleanly into main: conflicts in ${DEV}`,
      );
      expect(run(origin, 'rev-parse', 'main')).toBe(conflicting);
      expect(run(origin, 'rev-parse', 'promote/a')).toBe(change.commit);
    });
  });

  it('refuses a push when the branch moves after the check, and keeps the remote’s commit', async () => {
    const repo = repository({ allowMerge: true });
    let raced: string | undefined;
    mockGitArgs = args => {
      if (args[0] === 'push' && !raced) {
        write(origin, 'README.md', 'racing\n');
        raced = commitAll(origin, 'racing');
      }
    };

    const error = await repo.commit(request('newTag: "1.3.0"\n')).catch(e => e);

    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toBe(
      'main moved on the remote before the push: re-plan',
    );
    expect(run(origin, 'rev-parse', 'main')).toBe(raced);
    expect((await repo.readSnapshot({ refresh: true })).commit).toBe(raced);
  });

  it('runs concurrent writes one at a time: the second one planned at the same base conflicts', async () => {
    const repo = repository();
    const results = await Promise.allSettled([
      repo.commit(request('newTag: "1.3.0"\n')),
      repo.commit(request('newTag: "1.4.0"\n')),
      repo.openChange({
        ...request('newTag: "1.5.0"\n'),
        branch: 'promote/b',
        title: 't',
        body: '',
      }),
    ]);

    expect(results.map(r => r.status)).toEqual([
      'fulfilled',
      'rejected',
      'rejected',
    ]);
    const landed = (results[0] as PromiseFulfilledResult<{ commit: string }>)
      .value.commit;
    expect(run(origin, 'rev-parse', 'main')).toBe(landed);
    for (const result of results.slice(1)) {
      expect((result as PromiseRejectedResult).reason).toBeInstanceOf(
        ConflictError,
      );
    }
  });

  it('refuses requests git would misread', async () => {
    const repo = repository();
    await expect(
      repo.commit({ ...request('x'), baseCommit: 'HEAD' }),
    ).rejects.toBeInstanceOf(InputError);
    await expect(
      repo.commit({
        ...request('x'),
        files: [{ path: '../escape.yaml', content: 'x' }],
      }),
    ).rejects.toBeInstanceOf(InputError);
    await expect(
      repo.openChange({
        ...request('x'),
        branch: '--force',
        title: 't',
        body: '',
      }),
    ).rejects.toBeInstanceOf(InputError);
    expect(
      run(origin, 'for-each-ref', '--format=%(refname) %(objectname)'),
    ).toBe(`refs/heads/main ${first}`);
  });

  it('reads the history of some files, newest first, with their contents', async () => {
    const PROD = 'apps/catalogue/overlays/prod/kustomization.yaml';
    write(origin, DEV, 'newTag: "1.3.0"\n');
    const second = commitAll(origin, 'second\n\nwith a body');
    write(origin, 'README.md', 'unrelated\n');
    const third = commitAll(origin, 'third');
    write(origin, DEV, 'newTag: "1.4.0"\n');
    write(origin, PROD, 'newTag: "1.3.0"\n');
    const fourth = commitAll(origin, 'fourth');
    const repo = repository();

    const history = await repo.readFileHistory([DEV, PROD], { limit: 10 });

    expect(history.map(c => c.sha)).toEqual([fourth, second, first]);
    expect(history[1]).toEqual({
      sha: second,
      author: { name: 'Test', email: 'test@example.com' },
      date: show(second, '%aI'),
      message: 'second',
      files: new Map([[DEV, 'newTag: "1.3.0"\n']]),
    });
    expect(history[0].files).toEqual(
      new Map([
        [DEV, 'newTag: "1.4.0"\n'],
        [PROD, 'newTag: "1.3.0"\n'],
      ]),
    );
    expect(
      (await repo.readFileHistory([DEV, PROD], { limit: 2 })).map(c => c.sha),
    ).toEqual([fourth, second]);
    const readme = await repo.readFileHistory(['README.md'], { limit: 10 });
    expect(readme.map(c => c.sha)).toEqual([third, first]);
    expect(readme[0].files).toEqual(new Map([['README.md', 'unrelated\n']]));
    expect(await repo.readFileHistory([], { limit: 10 })).toEqual([]);
  });

  it('keeps credentials in the URL out of errors', async () => {
    const url = 'http://user:s3cret@127.0.0.1:1/gitops.git';
    run(origin, 'branch', 'promote/a');
    // Fetches read the local origin; pushes go to the unreachable URL.
    mockGitArgs = args =>
      ['clone', 'fetch'].includes(args[0])
        ? args.map(arg => (arg === url ? origin : arg))
        : undefined;
    const repo = repository({ url, allowMerge: true });
    const change = { branch: 'promote/a', commit: first };

    const errors = await Promise.all([
      repo.commit(request('newTag: "1.3.0"\n')).catch(e => e),
      repo
        .openChange({ ...request('x'), branch: 'b', title: 't', body: '' })
        .catch(e => e),
      repo.closeChange(change).catch(e => e),
    ]);
    mockGitArgs = undefined;
    errors.push(await repo.getChangeStatus(change).catch(e => e));

    for (const error of errors) {
      expect(error).toBeInstanceOf(Error);
      expect(error.message).toMatch(/failed/);
      expect(error.message).not.toContain('s3cret');
    }
  });

  it('removes credentials from whatever git prints', async () => {
    // git repeats a name it refuses as given.
    const error = await git([
      'check-ref-format',
      '--branch',
      'https://user:s3cret@example.com/gitops.git',
    ]).catch(e => e);

    expect(error.message).toBe(
      "git check-ref-format failed: fatal: 'https://***@example.com/gitops.git' is not a valid branch name",
    );
  });
});
