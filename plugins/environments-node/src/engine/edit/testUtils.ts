import { promises as fs } from 'fs';
import * as path from 'path';
import { MemoryFiles } from '../files/memoryFiles';
import { scanRepository, ScanOptions } from '../scan';
import { DeclaredModel } from '../types';
import { FileEdit, planVersionChange, Version } from './planVersionChange';
import { formatUnifiedDiff } from './unifiedDiff';

/** Reads a folder into a record of repository-relative paths. */
export async function readTree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (rel: string) => {
    for (const e of await fs.readdir(path.join(dir, rel), {
      withFileTypes: true,
    })) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(p);
      else out[p] = await fs.readFile(path.join(dir, p), 'utf8');
    }
  };
  await walk('');
  return out;
}

/** Tags and digests of every container, keyed by environment/application/container. */
export function versionTable(model: DeclaredModel): Record<string, string> {
  const out: Record<string, string> = {};
  for (const w of model.workloads)
    for (const c of w.containers)
      out[
        `${w.environment}/${w.application}/${w.kind}/${w.name}/${c.name}`
      ] = `${c.image}:${c.tag}@${c.digest}`;
  return out;
}

/** Changed lines (`+`/`-`, without the file headers) of a unified diff. */
export function changedLines(diff: string): string[] {
  return diff
    .split('\n')
    .filter(
      l =>
        (l.startsWith('+') || l.startsWith('-')) &&
        !l.startsWith('+++') &&
        !l.startsWith('---'),
    );
}

/**
 * Plans, applies the edits in memory and re-scans: the round trip every
 * layout's editing is tested with.
 */
export async function editAndRescan(
  tree: Record<string, string>,
  environment: string,
  version: Version,
  scan: ScanOptions = {},
) {
  const files = new MemoryFiles(tree);
  const before = await scanRepository(files, scan);
  const plan = await planVersionChange(before, files, environment, version, {
    scan,
  });
  const edited: Record<string, string> = { ...tree };
  for (const e of plan.edits as FileEdit[]) edited[e.file] = e.after;
  const after = await scanRepository(new MemoryFiles(edited), scan);
  return {
    before,
    after,
    plan,
    diff: formatUnifiedDiff(plan.edits),
    edited,
  };
}

/** Every row of `before` except the target environment's is unchanged in `after`. */
export function othersUnchanged(
  before: DeclaredModel,
  after: DeclaredModel,
  environment: string,
): { changed: string[] } {
  const a = versionTable(before);
  const b = versionTable(after);
  const changed = Object.keys(a).filter(
    k => !k.startsWith(`${environment}/`) && a[k] !== b[k],
  );
  return { changed };
}
