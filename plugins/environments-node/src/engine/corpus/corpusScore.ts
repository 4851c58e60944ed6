import { DeclaredModel } from '../types';
import { CorpusExpectation, environmentMatches } from './corpusFiles';

/** How a scan of one corpus repository measures against its ground truth. */
export interface CorpusScore {
  /** Expected environments, and those the scan did not report. */
  expected: number;
  missing: string[];
  /** Reported environments, and those the ground truth does not have. */
  reported: number;
  phantoms: string[];
  /** Extra rows of one object (environment, cluster, kind, namespace, name). */
  duplicates: number;
  /** Certain cells that pin a tag, and those the scan got right. */
  cells: number;
  cellsRight: number;
  missedCells: string[];
}

/** An image reference as the scorer compares them: no docker.io/library, lower case. */
export function normalizeImage(image: string | null | undefined): string {
  return String(image ?? '')
    .trim()
    .replace(/^(docker\.io|index\.docker\.io)\//, '')
    .replace(/^library\//, '')
    .toLowerCase();
}

/**
 * Scores a scan like the corpus scorer does: a certain cell with a tag is
 * right when a workload of an environment of that name has a container of
 * that image and tag; environments are matched by name or last segment.
 * Cells and environments of other branches (`_branches/`) are left out.
 */
export function scoreModel(
  model: DeclaredModel,
  expectation: CorpusExpectation,
): CorpusScore {
  const cells = expectation.cells.filter(
    c => c.certain && c.tag && !String(c.file ?? '').startsWith('_branches'),
  );
  const missedCells: string[] = [];
  for (const c of cells) {
    const ok = model.workloads.some(
      w =>
        environmentMatches(w.environment, c.environment) &&
        w.containers.some(
          k =>
            normalizeImage(k.image) === normalizeImage(c.image) &&
            String(k.tag) === String(c.tag),
        ),
    );
    if (!ok) missedCells.push(`${c.environment} ${c.image}:${c.tag}`);
  }
  const names = model.environments
    .map(e => e.name)
    .filter(n => !n.startsWith('_branches'));
  const wanted = expectation.environments ?? [];
  const seen = new Map<string, number>();
  for (const w of model.workloads) {
    const key = [w.environment, w.cluster ?? '', w.kind, w.namespace, w.name]
      .map(String)
      .join('|');
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  return {
    expected: wanted.length,
    missing: wanted.filter(x => !names.some(n => environmentMatches(n, x))),
    reported: names.length,
    phantoms: names.filter(n => !wanted.some(x => environmentMatches(n, x))),
    duplicates: [...seen.values()].reduce((a, v) => a + v - 1, 0),
    cells: cells.length,
    cellsRight: cells.length - missedCells.length,
    missedCells,
  };
}
