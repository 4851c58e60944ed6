import { Command } from 'commander';
import { promises as fs } from 'fs';
import { scanDirectory } from '../engine/scan';
import { formatScan, toScanJson } from './formatScan';

/**
 * Where the command line writes (injectable for tests).
 *
 * @public
 */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

/**
 * Runs the `environments` command line. Resolves to the exit code: 0 when
 * the scan ran (problems included), 1 for an unreadable directory, 2 for
 * usage errors.
 *
 * @public
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let code = 0;
  const program = new Command('environments')
    .description(
      'Stagecraft environments: read the declared state of a GitOps repository',
    )
    .exitOverride()
    .configureOutput({ writeOut: s => io.out(s), writeErr: s => io.err(s) });
  program
    .command('scan <dir>')
    .description(
      'list environments and workloads declared in a repository folder',
    )
    .option('--json', 'print the model as JSON')
    .option(
      '--path <subfolder>',
      'limit the scan to a sub-folder of the repository',
    )
    .option('--order <envs>', 'comma-separated environment order')
    .action(
      async (
        dir: string,
        opts: { json?: boolean; path?: string; order?: string },
      ) => {
        try {
          const stat = await fs.stat(dir);
          if (!stat.isDirectory()) throw new Error('not a directory');
        } catch (e) {
          io.err(
            `environments scan: cannot read directory ${dir}: ${
              (e as Error).message
            }\n`,
          );
          code = 1;
          return;
        }
        let model;
        try {
          model = await scanDirectory(dir, {
            path: opts.path,
            environmentOrder: opts.order
              ? opts.order.split(',').map(s => s.trim())
              : undefined,
          });
        } catch (e) {
          io.err(`environments scan: ${(e as Error).message}\n`);
          code = 2;
          return;
        }
        io.out(
          opts.json
            ? `${JSON.stringify(toScanJson(model), null, 2)}\n`
            : formatScan(model),
        );
      },
    );
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    const err = e as { exitCode?: number; code?: string };
    if (
      err.code === 'commander.helpDisplayed' ||
      err.code === 'commander.version'
    )
      return 0;
    return err.exitCode && err.exitCode !== 0 ? 2 : 2;
  }
  return code;
}
