import * as fs from 'fs';
import * as path from 'path';
import { DEFAULT_ENVIRONMENT, scanDirectory } from '../scan';
import { DeclaredModel, DeclaredWorkload } from '../types';
import { KNOWN_MISSES } from './knownMisses';

/**
 * The real GitOps repositories of ../shared/corpus/gitops, read in place
 * (never copied into the project), checked against their expected.json.
 */
function findCorpus(): string | undefined {
  if (process.env.STAGECRAFT_CORPUS) return process.env.STAGECRAFT_CORPUS;
  let dir = __dirname;
  while (dir !== path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'backstage.json'))) {
      return path.resolve(dir, '../shared/corpus/gitops');
    }
    dir = path.dirname(dir);
  }
  return undefined;
}

interface Cell {
  environment: string;
  application: string;
  image: string | null;
  tag: string | null;
  replicas: number | null;
  file: string;
  certain: boolean;
}

const corpus = findCorpus();
const present = corpus !== undefined && fs.existsSync(corpus);
if (!present) {
  // eslint-disable-next-line no-console
  console.warn(
    `Corpus not found at ${
      corpus ?? '(no repository root)'
    }; corpus tests skipped. Set STAGECRAFT_CORPUS to run them.`,
  );
}
const repos = present
  ? fs
      .readdirSync(corpus!)
      .filter(d => fs.existsSync(path.join(corpus!, d, 'expected.json')))
      .sort()
  : [];

function cellMatches(
  model: DeclaredModel,
  cell: Cell,
): { ok: boolean; found: DeclaredWorkload[] } {
  const found = model.workloads.filter(w => {
    if (
      w.environment !== cell.environment ||
      w.application !== cell.application
    )
      return false;
    const main = w.containers.find(c => !c.init);
    return main?.source?.file === cell.file;
  });
  const ok =
    found.length > 0 &&
    found.every(w => {
      const main = w.containers.find(c => !c.init)!;
      return (
        main.image === cell.image &&
        main.tag === cell.tag &&
        w.replicas === cell.replicas
      );
    });
  return { ok, found };
}

(present ? describe : describe.skip)(
  'corpus of real GitOps repositories',
  () => {
    it('is not empty', () => {
      expect(repos.length).toBeGreaterThan(0);
    });

    // A skipped describe still collects its tests: keep the table non-empty without the corpus.
    describe.each(present ? repos : ['(corpus absent)'])('%s', repo => {
      let model: DeclaredModel;
      const expected = present
        ? (JSON.parse(
            fs.readFileSync(path.join(corpus!, repo, 'expected.json'), 'utf8'),
          ) as {
            environments: string[];
            cells: Cell[];
          })
        : { environments: [], cells: [] };
      const certain = expected.cells.filter(c => c.certain);
      const isMiss = (c: Cell) =>
        KNOWN_MISSES.some(
          m =>
            m.repo === repo &&
            m.environment === c.environment &&
            m.application === c.application &&
            m.file === c.file,
        );

      beforeAll(async () => {
        model = await scanDirectory(path.join(corpus!, repo));
      });

      it('scans without throwing and reports problems as data', () => {
        expect(Array.isArray(model.problems)).toBe(true);
        for (const p of model.problems)
          expect(p).toEqual(
            expect.objectContaining({ file: expect.any(String) }),
          );
      });

      const covered = certain.filter(c => !isMiss(c));
      if (covered.length > 0) {
        it.each(
          covered.map(
            c =>
              [`${c.environment} / ${c.application} (${c.file})`, c] as const,
          ),
        )('matches %s', (_label, cell) => {
          const { ok, found } = cellMatches(model, cell);
          const actual = found.map(w => {
            const main = w.containers.find(c => !c.init)!;
            return { image: main.image, tag: main.tag, replicas: w.replicas };
          });
          expect({
            cell: `${cell.environment}/${cell.application}`,
            actual,
            ok,
          }).toEqual({
            cell: `${cell.environment}/${cell.application}`,
            actual: [
              { image: cell.image, tag: cell.tag, replicas: cell.replicas },
            ],
            ok: true,
          });
        });
      }

      const misses = certain.filter(isMiss);
      if (misses.length > 0) {
        it.each(
          misses.map(
            c =>
              [`${c.environment} / ${c.application} (${c.file})`, c] as const,
          ),
        )(
          'known miss still misses (remove it from knownMisses.ts once it matches): %s',
          (_label, cell) => {
            expect(cellMatches(model, cell).ok).toBe(false);
          },
        );
      }

      it('invents no environments where the repository has none', () => {
        if (expected.environments.length > 0) return;
        expect(
          model.environments
            .map(e => e.name)
            .filter(n => n !== DEFAULT_ENVIRONMENT),
        ).toEqual([]);
      });
    });

    it('lists only known misses that exist in the corpus', () => {
      for (const m of KNOWN_MISSES) {
        if (!repos.includes(m.repo)) continue;
        const cells = (
          JSON.parse(
            fs.readFileSync(
              path.join(corpus!, m.repo, 'expected.json'),
              'utf8',
            ),
          ).cells as Cell[]
        ).filter(
          c =>
            c.certain &&
            c.environment === m.environment &&
            c.application === m.application &&
            c.file === m.file,
        );
        expect(cells).toHaveLength(1);
        expect(m.reason.length).toBeGreaterThan(10);
      }
    });
  },
);
