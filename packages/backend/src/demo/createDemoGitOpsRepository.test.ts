import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  createDemoGitOpsRepository,
  demoHistory,
} from './createDemoGitOpsRepository';

const examples = path.resolve(__dirname, '../../../../examples/gitops');

function git(cwd: string, ...args: string[]) {
  return execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
}

describe('createDemoGitOpsRepository', () => {
  let tmp: string;

  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecraft-demo-'));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('makes a git repository with the examples’ files and their history', () => {
    const target = path.join(tmp, 'gitops');

    expect(createDemoGitOpsRepository({ source: examples, target })).toBe(true);

    // The working tree ends exactly as examples/gitops.
    const file = 'craftista/catalogue/overlays/dev/kustomization.yaml';
    expect(fs.readFileSync(path.join(target, file), 'utf8')).toBe(
      fs.readFileSync(path.join(examples, file), 'utf8'),
    );
    expect(git(target, 'status', '--porcelain')).toBe('');

    const log = git(target, 'log', '--format=%an|%s').split('\n');
    expect(log).toHaveLength(demoHistory.length + 1);
    expect(log[0]).toBe(
      `Ana Dev|${demoHistory[demoHistory.length - 1].message}`,
    );
    expect(git(target, 'show', `HEAD~4:${file}`)).toContain('newTag: "1.3.2"');
  });

  it('leaves an existing repository alone', () => {
    const target = path.join(tmp, 'gitops');
    createDemoGitOpsRepository({ source: examples, target });
    const head = git(target, 'rev-parse', 'HEAD');

    expect(createDemoGitOpsRepository({ source: examples, target })).toBe(
      false,
    );
    expect(git(target, 'rev-parse', 'HEAD')).toBe(head);
  });
});
