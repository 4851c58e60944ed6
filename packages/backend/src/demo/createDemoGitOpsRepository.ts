import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * A change made to the demo repository "outside the portal": a commit that sets an image tag in
 * one overlay, by one author.
 */
export type DemoChange = {
  file: string;
  from: string;
  to: string;
  author: string;
  message: string;
};

/**
 * The demo's history: the repository starts one step behind `examples/gitops`, and these commits,
 * by different people, bring it to the versions in `examples/gitops`.
 */
export const demoHistory: DemoChange[] = [
  {
    file: 'craftista/catalogue/overlays/dev/kustomization.yaml',
    from: '1.3.2',
    to: '1.4.0',
    author: 'Ana Dev <ana@craftista.example>',
    message: 'catalogue: deploy 1.4.0 to dev',
  },
  {
    file: 'craftista/voting/overlays/staging/kustomization.yaml',
    from: '0.8.6',
    to: '0.8.7',
    author: 'Bo Release <bo@craftista.example>',
    message: 'voting: promote 0.8.7 to staging',
  },
  {
    file: 'craftista/voting/overlays/prod/kustomization.yaml',
    from: '0.8.6',
    to: '0.8.7',
    author: 'Bo Release <bo@craftista.example>',
    message: 'voting: promote 0.8.7 to prod',
  },
  {
    file: 'craftista/frontend/overlays/staging/kustomization.yaml',
    from: '2.0.3',
    to: '2.1.0',
    author: 'Ana Dev <ana@craftista.example>',
    message: 'frontend: promote 2.1.0 to staging',
  },
];

function git(cwd: string, args: string[], author?: string) {
  const [name, email] = (author ?? 'Stagecraft Demo <demo@stagecraft.example>')
    .replace('>', '')
    .split(' <');
  execFileSync('git', args, {
    cwd,
    stdio: 'pipe',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: name,
      GIT_AUTHOR_EMAIL: email,
      GIT_COMMITTER_NAME: name,
      GIT_COMMITTER_EMAIL: email,
    },
  });
}

function setTag(file: string, from: string, to: string) {
  const content = fs.readFileSync(file, 'utf8');
  const pattern = `newTag: "${from}"`;
  if (!content.includes(pattern)) {
    throw new Error(`${file} does not hold ${pattern}`);
  }
  fs.writeFileSync(file, content.replace(pattern, `newTag: "${to}"`));
}

/**
 * Makes the demo GitOps repository at `target` from the files in `source`, with a few commits of
 * history, unless `target` is a git repository already. Returns whether it created it.
 */
export function createDemoGitOpsRepository(options: {
  source: string;
  target: string;
}): boolean {
  const { source, target } = options;
  if (fs.existsSync(path.join(target, '.git'))) {
    return false;
  }
  const staging = `${target}.partial`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(staging), { recursive: true });
  fs.cpSync(source, staging, { recursive: true });

  // Start one step behind, then replay the history on top.
  for (const change of [...demoHistory].reverse()) {
    setTag(path.join(staging, change.file), change.to, change.from);
  }
  git(staging, ['init', '-q', '-b', 'main']);
  git(staging, ['add', '-A']);
  git(staging, ['commit', '-q', '-m', 'Craftista: dev, staging and prod']);
  for (const change of demoHistory) {
    setTag(path.join(staging, change.file), change.from, change.to);
    git(staging, ['commit', '-q', '-a', '-m', change.message], change.author);
  }
  // The portal pushes promotions to this repository while main is checked out.
  git(staging, ['config', 'receive.denyCurrentBranch', 'updateInstead']);

  fs.renameSync(staging, target);
  return true;
}
