import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The demo GitOps repository's sources in this repository. */
// eslint-disable-next-line no-restricted-syntax -- test helper, never built
export const EXAMPLES_GITOPS = resolve(
  __dirname,
  '../../../../examples/gitops',
);

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Stagecraft Test',
  GIT_AUTHOR_EMAIL: 'test@stagecraft.invalid',
  GIT_COMMITTER_NAME: 'Stagecraft Test',
  GIT_COMMITTER_EMAIL: 'test@stagecraft.invalid',
};

/**
 * A real git repository (branch main) in a temp folder, holding the Craftista part of
 * examples/gitops (four kustomize services in dev, staging and prod): what these tests count on.
 */
export function createDemoRepository(): {
  dir: string;
  git(...args: string[]): string;
  remove(): void;
} {
  const dir = mkdtempSync(join(tmpdir(), 'standin-gitops-'));
  cpSync(join(EXAMPLES_GITOPS, 'craftista'), join(dir, 'craftista'), {
    recursive: true,
  });
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: dir, env: GIT_ENV, encoding: 'utf8' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'demo gitops repository');
  return {
    dir,
    git,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Polls until `check` returns a value (not undefined), or fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 8000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out waiting for ${what}${last ? `: ${last}` : ''}`,
      );
    }
    await new Promise(r => setTimeout(r, 100));
  }
}
