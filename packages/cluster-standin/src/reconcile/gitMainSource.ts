import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import {
  DeclaredModel,
  MemoryFiles,
  scanRepository,
} from '@stagecraft/plugin-environments-node';

/** Files larger than this are not read (the engine refuses them anyway). */
const MAX_BLOB_BYTES = 1024 * 1024;

function runGit(cwd: string, args: string[], input?: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, {
      cwd,
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0' },
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', d => out.push(d));
    child.stderr!.on('data', d => err.push(d));
    child.on('error', reject);
    child.on('close', code => {
      if (code === 0) resolve(Buffer.concat(out));
      else
        reject(
          new Error(
            `git ${args[0]} failed (${code}): ${Buffer.concat(err)
              .toString()
              .trim()}`,
          ),
        );
    });
    if (input !== undefined && child.stdin) {
      child.stdin.on('error', () => {}); // git may exit before reading it all
      child.stdin.end(input);
    }
  });
}

/**
 * The declared state of one branch (default `main`) of a local git
 * repository, read from the commit (not the working tree), so only what is
 * committed is deployed, as with a real GitOps controller.
 */
export class GitMainSource {
  private lastRevision: string | undefined;

  constructor(
    private readonly repository: string,
    private readonly branch = 'main',
  ) {}

  /** The commit the branch points at. */
  async revision(): Promise<string> {
    if (!existsSync(this.repository)) {
      throw new Error(`${this.repository} does not exist (yet)`);
    }
    const out = await runGit(this.repository, [
      'rev-parse',
      '--verify',
      '--quiet',
      `refs/heads/${this.branch}^{commit}`,
    ]);
    return out.toString().trim();
  }

  /** The declared state when the branch moved since the last call, else undefined. */
  async readIfChanged(): Promise<
    { revision: string; model: DeclaredModel } | undefined
  > {
    const revision = await this.revision();
    if (revision === this.lastRevision) return undefined;
    const model = await this.read(revision);
    this.lastRevision = revision;
    return { revision, model };
  }

  async read(revision: string): Promise<DeclaredModel> {
    const tree = await runGit(this.repository, [
      'ls-tree',
      '-r',
      '-z',
      '--long',
      revision,
    ]);
    const blobs: Array<{ sha: string; path: string }> = [];
    for (const entry of tree.toString('utf8').split('\0')) {
      const m = /^\d+ blob ([0-9a-f]+)\s+(\d+)\t(.*)$/s.exec(entry);
      if (!m || Number(m[2]) > MAX_BLOB_BYTES) continue;
      blobs.push({ sha: m[1], path: m[3] });
    }
    const files = new Map<string, Uint8Array | string>();
    if (blobs.length > 0) {
      const out = await runGit(
        this.repository,
        ['cat-file', '--batch'],
        `${blobs.map(b => b.sha).join('\n')}\n`,
      );
      let offset = 0;
      for (const blob of blobs) {
        const newline = out.indexOf(10, offset);
        const header = out.subarray(offset, newline).toString();
        const size = Number(header.split(' ')[2]);
        const start = newline + 1;
        files.set(
          blob.path,
          out.subarray(start, start + size).toString('utf8'),
        );
        offset = start + size + 1;
      }
    }
    return scanRepository(new MemoryFiles(files));
  }
}
