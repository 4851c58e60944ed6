import { execFile, execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { findCorpus } from '../corpus/corpusFiles';
import { DirectoryFiles } from '../files/directoryFiles';
import { RepoReader } from '../files/repoReader';
import { KUSTOMIZATION_FILE_NAMES, KustomizeBuilder } from './kustomizeBuild';
import {
  compareRenders,
  ObjectProjection,
  projectObject,
  projectResource,
} from './kustomizeProjection';
import { KUSTOMIZE_ALLOWED_DIFFERENCES } from './kustomizeAllowedDifferences';

/**
 * Differential test: every kustomization folder of the corpus of real GitOps
 * repositories (../shared/corpus/gitops) and of the package's fixtures is
 * rendered by our builder and by `kubectl kustomize` (kustomize v5.5), and
 * the fields we report are compared: kind/name/namespace, images, replicas,
 * container resources. Differences are fixed or listed, with a reason, in
 * kustomizeAllowedDifferences.ts.
 */
const FIXTURES = path.resolve(__dirname, '../../../fixtures');
const corpus = findCorpus(__dirname);
const CONCURRENCY = 2;

function kubectlVersion(): string | undefined {
  try {
    return execFileSync('kubectl', ['version', '--client'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch {
    return undefined;
  }
}

/** Repository roots to search: each corpus repository and each fixture. */
function roots(): Array<{ label: string; dir: string }> {
  const out: Array<{ label: string; dir: string }> = [];
  const add = (label: string, parent: string) => {
    if (!fs.existsSync(parent)) return;
    for (const d of fs.readdirSync(parent).sort()) {
      const dir = path.join(parent, d);
      if (fs.statSync(dir).isDirectory())
        out.push({ label: `${label}/${d}`, dir });
    }
  };
  add('fixtures', FIXTURES);
  if (corpus) add('corpus', corpus);
  return out;
}

/** Kustomization folders under a root (Flux CRs and Components aside). */
function kustomizationDirs(root: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    const abs = path.join(root, rel);
    for (const e of fs.readdirSync(abs, { withFileTypes: true })) {
      if (e.isDirectory() && !e.name.startsWith('.'))
        walk(rel ? `${rel}/${e.name}` : e.name);
      else if (e.isFile() && KUSTOMIZATION_FILE_NAMES.includes(e.name)) {
        const text = fs.readFileSync(path.join(abs, e.name), 'utf8');
        if (
          text.includes('toolkit.fluxcd.io') &&
          /kind:\s*Kustomization/.test(text)
        )
          continue;
        if (/^kind:\s*Component\b/m.test(text)) continue;
        out.push(rel);
      }
    }
  };
  walk('');
  return [...new Set(out)].sort();
}

function kubectlRender(dir: string): Promise<ObjectProjection[] | string> {
  return new Promise(resolve => {
    execFile(
      'kubectl',
      ['kustomize', dir],
      { maxBuffer: 64 * 1024 * 1024, timeout: 30_000 },
      (error, stdout, stderr) => {
        if (error) {
          resolve(
            `kubectl failed: ${String(stderr || error.message).split('\n')[0]}`,
          );
          return;
        }
        const objects = parseAllDocuments(stdout)
          .flatMap(d => ('toJS' in d ? [d.toJS()] : []))
          .filter(o => o && typeof o === 'object');
        resolve(objects.map(o => projectObject(o)));
      },
    );
  });
}

async function pool<T, R>(items: T[], n: number, fn: (t: T) => Promise<R>) {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]);
      }
    }),
  );
  return out;
}

describe('kustomize render versus kubectl kustomize', () => {
  const version = kubectlVersion();

  it('has kubectl (with kustomize v5) on the PATH', () => {
    if (!version)
      throw new Error(
        'kubectl is missing: the kustomize differential test needs `kubectl kustomize` (kustomize v5.5), as installed in CI. Install kubectl and run again.',
      );
    expect(version).toMatch(/Kustomize Version: v5/);
  });

  it('renders every corpus and fixture kustomization like kubectl, on the fields we report', async () => {
    if (!version) throw new Error('kubectl is missing (see above)');
    if (!corpus || !fs.existsSync(corpus))
      // eslint-disable-next-line no-console
      console.warn(
        `Corpus not found at ${corpus}; the kustomize differential test only covers the fixtures.`,
      );
    const jobs: Array<{ label: string; root: string; dir: string }> = [];
    for (const r of roots())
      for (const dir of kustomizationDirs(r.dir))
        jobs.push({ label: r.label, root: r.dir, dir });
    expect(jobs.length).toBeGreaterThan(5);

    const builders = new Map<string, Promise<KustomizeBuilder>>();
    const builderFor = (root: string) => {
      let b = builders.get(root);
      if (!b) {
        const files = new DirectoryFiles(root);
        b = files
          .list()
          .then(l => new KustomizeBuilder(new RepoReader(files, l.files)));
        builders.set(root, b);
      }
      return b;
    };
    const found = await pool(jobs, CONCURRENCY, async job => {
      const theirs = await kubectlRender(path.join(job.root, job.dir));
      const ours = (await (await builderFor(job.root)).build(job.dir)).map(
        projectResource,
      );
      const diffs =
        typeof theirs === 'string' ? [theirs] : compareRenders(ours, theirs);
      return diffs.map(d => `${job.label}/${job.dir}: ${d}`);
    });
    const all = found.flat();
    const used = new Set<number>();
    const unexplained = all.filter(d => {
      const i = KUSTOMIZE_ALLOWED_DIFFERENCES.findIndex(a =>
        typeof a.difference === 'string'
          ? d === a.difference
          : a.difference.test(d),
      );
      if (i >= 0) used.add(i);
      return i < 0;
    });
    expect(unexplained).toEqual([]);
    // an allowed difference that no longer occurs must leave the list
    // (judged only on the whole corpus)
    const stale = KUSTOMIZE_ALLOWED_DIFFERENCES.filter(
      (_, i) => !used.has(i),
    ).map(a => a.difference.toString());
    expect(corpus && fs.existsSync(corpus) ? stale : []).toEqual([]);
  }, 120_000);
});
