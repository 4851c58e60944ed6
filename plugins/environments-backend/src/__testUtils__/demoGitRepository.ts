import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The demo's GitOps files, in this repository. */
export const demoGitopsFiles = path.resolve(
  __dirname,
  '../../../../examples/gitops',
);

/**
 * A real git repository (branch main, one commit) holding the demo's GitOps files, in a temporary
 * folder; `cacheDir` beside it for the plugin's clones. Call `remove` when done.
 */
export function createDemoGitRepository(): {
  url: string;
  cacheDir: string;
  remove: () => void;
} {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecraft-demo-git-'));
  const url = path.join(root, 'origin');
  fs.cpSync(demoGitopsFiles, url, { recursive: true });
  const git = (...args: string[]) => execFileSync('git', args, { cwd: url });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git(
    '-c',
    'user.name=Test',
    '-c',
    'user.email=test@example.com',
    'commit',
    '-qm',
    'demo',
  );
  // As the demo's repository: pushes to the checked-out main update its work tree.
  git('config', 'receive.denyCurrentBranch', 'updateInstead');
  return {
    url,
    cacheDir: path.join(root, 'cache'),
    remove: () => fs.rmSync(root, { recursive: true, force: true }),
  };
}
