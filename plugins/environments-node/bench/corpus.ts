/*
 * Benchmark: `yarn bench:corpus` scans every real GitOps repository of
 * ../shared/corpus/gitops (beside the repository root, or STAGECRAFT_CORPUS)
 * as the scorer does (without expected.json and _branches/) and prints, per
 * repository and in total: expected environments found (recall), reported
 * environments the ground truth lacks (precision), duplicate workload rows,
 * and certain tag cells right. Exits 2 when the corpus is absent.
 */
import * as fs from 'fs';
import * as path from 'path';
import { scanRepository } from '../src/engine/scan';
import {
  corpusRepositoryFiles,
  findCorpus,
  readExpectation,
} from '../src/engine/corpus/corpusFiles';
import { CorpusScore, scoreModel } from '../src/engine/corpus/corpusScore';

function pct(a: number, b: number): string {
  return b === 0 ? '  -  ' : `${((100 * a) / b).toFixed(1)}%`;
}

function line(name: string, s: CorpusScore, ms?: number): string {
  const found = s.expected - s.missing.length;
  const real = s.reported - s.phantoms.length;
  return [
    name.padEnd(44),
    `recall ${found}/${s.expected}`.padEnd(13),
    `precision ${real}/${s.reported}`.padEnd(16),
    `duplicates ${s.duplicates}`.padEnd(14),
    `tags ${s.cellsRight}/${s.cells}`.padEnd(11),
    ms !== undefined ? `${ms.toFixed(0)} ms` : '',
  ].join(' ');
}

async function main() {
  const corpus = findCorpus(process.cwd()) ?? findCorpus(__dirname);
  if (!corpus || !fs.existsSync(corpus)) {
    // eslint-disable-next-line no-console
    console.error(
      `bench:corpus: the corpus is absent (looked for ${
        corpus ?? '../shared/corpus/gitops beside the repository root'
      }); nothing measured. Set STAGECRAFT_CORPUS to its folder.`,
    );
    process.exitCode = 2;
    return;
  }
  const repos = fs
    .readdirSync(corpus)
    .filter(d => fs.existsSync(path.join(corpus, d, 'expected.json')))
    .sort();
  const total: CorpusScore = {
    expected: 0,
    missing: [],
    reported: 0,
    phantoms: [],
    duplicates: 0,
    cells: 0,
    cellsRight: 0,
    missedCells: [],
  };
  const out: string[] = [`corpus: ${corpus} (${repos.length} repositories)`];
  for (const repo of repos) {
    const dir = path.join(corpus, repo);
    const start = process.hrtime.bigint();
    const model = await scanRepository(corpusRepositoryFiles(dir));
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    const s = scoreModel(model, readExpectation(dir));
    out.push(line(repo, s, ms));
    if (s.missing.length) out.push(`    missing: ${s.missing.join(', ')}`);
    if (s.phantoms.length) out.push(`    phantom: ${s.phantoms.join(', ')}`);
    if (s.missedCells.length)
      out.push(`    missed cells: ${s.missedCells.slice(0, 8).join('; ')}`);
    total.expected += s.expected;
    total.missing.push(...s.missing);
    total.reported += s.reported;
    total.phantoms.push(...s.phantoms);
    total.duplicates += s.duplicates;
    total.cells += s.cells;
    total.cellsRight += s.cellsRight;
  }
  out.push(line('total', total));
  out.push(
    `environment recall ${pct(
      total.expected - total.missing.length,
      total.expected,
    )}, precision ${pct(
      total.reported - total.phantoms.length,
      total.reported,
    )}, duplicates ${total.duplicates}, certain tag cells ${pct(
      total.cellsRight,
      total.cells,
    )}`,
  );
  // eslint-disable-next-line no-console
  console.log(out.join('\n'));
}

main().catch(e => {
  // eslint-disable-next-line no-console
  console.error(e);
  process.exitCode = 1;
});
