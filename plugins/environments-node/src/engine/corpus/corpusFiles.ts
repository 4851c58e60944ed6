import * as fs from 'fs';
import * as path from 'path';
import { DirectoryFiles } from '../files/directoryFiles';
import { RepositoryFiles } from '../files/repositoryFiles';

/**
 * Where the corpus of real GitOps repositories lives (../shared/corpus/gitops
 * beside the repository root, or STAGECRAFT_CORPUS), whether or not it exists.
 */
export function findCorpus(from: string): string | undefined {
  if (process.env.STAGECRAFT_CORPUS) return process.env.STAGECRAFT_CORPUS;
  let dir = from;
  while (dir !== path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'backstage.json'))) {
      return path.resolve(dir, '../shared/corpus/gitops');
    }
    dir = path.dirname(dir);
  }
  return undefined;
}

/** Ground truth and notes of a corpus repository: not part of what is scanned. */
const NOT_SCANNED = new Set(['expected.json', 'EXPECTED.md', 'SOURCE.txt']);

/**
 * A corpus repository as the scorer scans it: without its ground truth and
 * without `_branches/` (other branches, copied in for reference).
 */
export function corpusRepositoryFiles(dir: string): RepositoryFiles {
  const inner = new DirectoryFiles(dir);
  return {
    async list() {
      const listing = await inner.list();
      return {
        ...listing,
        files: listing.files.filter(
          f => !NOT_SCANNED.has(f) && !f.startsWith('_branches/'),
        ),
      };
    },
    read: p => inner.read(p),
  };
}

/** A corpus repository's expected.json. */
export interface CorpusExpectation {
  environments: string[];
  cells: Array<{
    environment: string;
    application: string;
    image: string | null;
    tag: string | null;
    replicas: number | null;
    file: string;
    certain: boolean;
  }>;
}

export function readExpectation(dir: string): CorpusExpectation {
  return JSON.parse(fs.readFileSync(path.join(dir, 'expected.json'), 'utf8'));
}

/** The scorer's environment match: the same name, or the last path segment. */
export function environmentMatches(reported: string, wanted: string): boolean {
  const a = reported.trim().toLowerCase();
  const b = wanted.trim().toLowerCase();
  return a === b || a.split(/[/:]/).pop() === b;
}
