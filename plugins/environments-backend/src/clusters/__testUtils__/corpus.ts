import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * The shared corpus of real Kubernetes, Argo CD, Argo Rollouts and Flux objects, read at test
 * time from `../shared/corpus/k8s` next to the repository (the folder holding `backstage.json`).
 * It is never copied into the project.
 */
function findCorpusDir(): string | undefined {
  let dir = __dirname;
  for (;;) {
    if (existsSync(join(dir, 'backstage.json'))) {
      const corpus = resolve(dir, '..', 'shared', 'corpus', 'k8s');
      return existsSync(corpus) ? corpus : undefined;
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export const CORPUS_DIR = findCorpusDir();

if (!CORPUS_DIR) {
  // eslint-disable-next-line no-console
  console.warn(
    'Skipping the corpus tests: the Kubernetes corpus (../shared/corpus/k8s next to the folder holding backstage.json) is absent',
  );
}

/** `describe`, or `describe.skip` (with the warning above) when the corpus is absent. */
export const describeWithCorpus = CORPUS_DIR ? describe : describe.skip;

/** A fresh (deep-copied) object from a corpus file. */
export function loadCorpus(file: string): any {
  if (!CORPUS_DIR) throw new Error('The Kubernetes corpus is absent');
  return JSON.parse(readFileSync(join(CORPUS_DIR, file), 'utf8'));
}

/** The items of a corpus list file (or the single object, as a one-item array). */
export function loadCorpusItems(file: string): any[] {
  const data = loadCorpus(file);
  return Array.isArray(data.items) ? data.items : [data];
}
