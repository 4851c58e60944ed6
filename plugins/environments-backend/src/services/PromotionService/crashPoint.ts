import fs from 'node:fs';

/** The points of a promotion's life where the fault-injection test kills the backend. */
export type CrashStep =
  /** The record is written (with its lease), nothing is pushed yet. */
  | 'record-written'
  /** The change is pushed (branch or commit), the record does not say so yet. */
  | 'change-pushed'
  /** The change is merged in Git, the record does not say so yet. */
  | 'merged'
  /** A cancel closed the change in Git, the record does not say so yet. */
  | 'change-closed';

/**
 * Where the fault-injection test (`src/crash/promotionCrash.test.ts`) kills the backend with
 * SIGKILL, to show that Git and the records agree after a crash at any step. Does nothing unless
 * the backend was started with `STAGECRAFT_CRASH_FILE` naming a file that holds the step to die
 * at; the file is removed first, so the restarted backend lives.
 */
export function crashPoint(step: CrashStep): void {
  const file = process.env.STAGECRAFT_CRASH_FILE;
  if (!file) {
    return;
  }
  let wanted: string;
  try {
    wanted = fs.readFileSync(file, 'utf8').trim();
  } catch {
    return;
  }
  if (wanted === step) {
    fs.rmSync(file, { force: true });
    process.kill(process.pid, 'SIGKILL');
  }
}
