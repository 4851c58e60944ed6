import * as fs from 'fs';
import * as path from 'path';
import { scanRepository } from '../scan';
import { DeclaredModel } from '../types';
import {
  corpusRepositoryFiles,
  environmentMatches,
  findCorpus,
  readExpectation,
} from './corpusFiles';

/**
 * Environments and duplicate rows on the real repositories of the corpus,
 * scanned as the scorer scans them (without expected.json and _branches/).
 */
const corpus = findCorpus(__dirname);
const present = corpus !== undefined && fs.existsSync(corpus);
if (!present) {
  // eslint-disable-next-line no-console
  console.warn(
    `Corpus not found at ${
      corpus ?? '(no repository root)'
    }; corpus environment tests skipped. Set STAGECRAFT_CORPUS to run them.`,
  );
}
const repos = present
  ? fs
      .readdirSync(corpus!)
      .filter(d => fs.existsSync(path.join(corpus!, d, 'expected.json')))
      .sort()
  : [];

(present ? describe : describe.skip)('corpus environments', () => {
  describe.each(present ? repos : ['(corpus absent)'])('%s', repo => {
    let model: DeclaredModel;
    const expected = present
      ? readExpectation(path.join(corpus!, repo))
      : { environments: [], cells: [] };

    beforeAll(async () => {
      model = await scanRepository(
        corpusRepositoryFiles(path.join(corpus!, repo)),
      );
    });

    it('finds every expected environment', () => {
      const names = model.environments.map(e => e.name);
      expect(
        expected.environments.filter(
          want => !names.some(n => environmentMatches(n, want)),
        ),
      ).toEqual([]);
    });

    it('reports no environment the repository does not deploy', () => {
      expect(
        model.environments
          .map(e => e.name)
          .filter(
            n => !expected.environments.some(x => environmentMatches(n, x)),
          ),
      ).toEqual([]);
    });

    it('gives no object two rows in one environment', () => {
      const seen = new Map<string, number>();
      for (const w of model.workloads) {
        const k = [w.environment, w.cluster ?? '', w.kind, w.namespace, w.name];
        seen.set(k.join('|'), (seen.get(k.join('|')) ?? 0) + 1);
      }
      expect([...seen].filter(([, n]) => n > 1).map(([k]) => k)).toEqual([]);
    });
  });
});
