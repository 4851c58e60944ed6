import { execFile } from 'node:child_process';

/** Limits for one git command. */
const MAX_BUFFER = 256 * 1024 * 1024;

/** A failed git command: git's stderr, with credentials in URLs removed, its exit code and stdout. */
export class GitError extends Error {
  constructor(
    message: string,
    readonly exitCode?: number,
    readonly stdout?: Buffer,
  ) {
    super(message);
    this.name = 'GitError';
  }
}

/**
 * Runs git with arguments (never through a shell), without prompts, and returns stdout as a
 * Buffer. Fails with a `GitError`.
 */
export function git(
  args: string[],
  options: {
    cwd?: string;
    timeoutMs?: number;
    input?: Buffer | string;
    /** Variables added to the environment, such as `GIT_INDEX_FILE`. */
    env?: Record<string, string>;
  } = {},
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      args,
      {
        cwd: options.cwd,
        encoding: 'buffer',
        maxBuffer: MAX_BUFFER,
        timeout: options.timeoutMs ?? 60_000,
        env: {
          ...process.env,
          GIT_TERMINAL_PROMPT: '0',
          GIT_ASKPASS: 'echo',
          LC_ALL: 'C',
          ...options.env,
        },
      },
      (error, stdout, stderr) => {
        if (error) {
          const detail = redactUrlCredentials(
            stderr.toString('utf8').trim() || error.message,
          );
          reject(
            new GitError(
              `git ${args[0]} failed: ${detail}`,
              typeof error.code === 'number' ? error.code : undefined,
              stdout,
            ),
          );
          return;
        }
        resolve(stdout);
      },
    );
    if (options.input !== undefined) {
      child.stdin?.end(options.input);
    }
  });
}

/** Removes `user:password@` from URLs in a message. */
export function redactUrlCredentials(message: string): string {
  return message.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/gi, '$1***@');
}
