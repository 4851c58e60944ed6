import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { PlainGitRepository } from './PlainGitRepository';

const ours = '11111111-2222-4333-8444-555555555555';
const quoted = '99999999-8888-4777-8666-555555555555';

function run(cwd: string, ...args: string[]) {
  return execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
}

function commit(root: string, file: string, message: string): string {
  fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  fs.writeFileSync(path.join(root, file), message);
  run(root, 'add', '-A');
  run(
    root,
    '-c',
    'user.name=T',
    '-c',
    'user.email=t@example.com',
    'commit',
    '-qm',
    message,
  );
  return run(root, 'rev-parse', 'HEAD');
}

describe('PlainGitRepository: what Git holds of a promotion', () => {
  let tmp: string;
  let origin: string;
  let repository: PlainGitRepository;

  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecraft-trace-'));
    origin = path.join(tmp, 'origin');
    fs.mkdirSync(origin);
    run(origin, 'init', '-q', '-b', 'main');
    commit(origin, 'README.md', 'first');
    repository = new PlainGitRepository({
      name: 'gitops',
      url: origin,
      cacheDir: path.join(tmp, 'cache'),
      instanceKey: 'http://backstage-a.test',
    });
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('finds the commit that carries the trailer, not one that quotes it in a note', async () => {
    const found = commit(
      origin,
      'apps/a.yaml',
      `Promote a to dev: 1.2.3\n\nNote:\n> Stagecraft-Promotion: ${quoted}\n\nStagecraft-Promotion: ${ours}`,
    );
    const since = new Date(Date.now() - 3600_000).toISOString();

    await expect(repository.tracePromotion(ours, { since })).resolves.toEqual({
      committed: { commit: found },
    });
    await expect(repository.tracePromotion(quoted, { since })).resolves.toEqual(
      {},
    );
  });

  it('finds the branch of a promotion and lists the stagecraft branches', async () => {
    const main = run(origin, 'rev-parse', 'HEAD');
    run(
      origin,
      'branch',
      `stagecraft/promote/a-staging-${ours.slice(0, 8)}`,
      main,
    );
    run(origin, 'branch', 'feature/other', main);
    const since = new Date(Date.now() - 3600_000).toISOString();

    await expect(
      repository.tracePromotion(ours, {
        branch: `stagecraft/promote/a-staging-${ours.slice(0, 8)}`,
        since,
      }),
    ).resolves.toEqual({ branch: { commit: main } });
    await expect(repository.listChangeBranches()).resolves.toEqual([
      {
        branch: `stagecraft/promote/a-staging-${ours.slice(0, 8)}`,
        commit: main,
      },
    ]);
  });

  it('keeps one mirror per repository URL and backend, so two backends never share one', async () => {
    await repository.readSnapshot();
    const other = new PlainGitRepository({
      name: 'gitops',
      url: origin,
      cacheDir: path.join(tmp, 'cache'),
      instanceKey: 'http://backstage-b.test',
    });
    await other.readSnapshot();
    const mirrors = fs.readdirSync(path.join(tmp, 'cache'));
    expect(mirrors).toHaveLength(2);
    expect(mirrors.every(m => /^gitops-[0-9a-f]{16}\.git$/.test(m))).toBe(true);
  });
});
