import { DirectoryFiles } from './files/directoryFiles';
import { RepoReader } from './files/repoReader';
import {
  isWithin,
  normalizeRepoPath,
  RepositoryFiles,
} from './files/repositoryFiles';
import { placeUnits } from './environments/placeUnits';
import { HelmOptions } from './helm/values';
import { helmLayout } from './layouts/helm';
import { argocdLayout } from './layouts/argocd';
import { expandHelmReleases } from './layouts/flux';
import { fluxTargets } from './layouts/fluxKustomizations';
import { noteForeignFluxSources } from './layouts/fluxSources';
import { kustomizeLayout } from './layouts/kustomize';
import {
  LayoutContext,
  LayoutReader,
  RenderedUnit,
} from './layouts/layoutReader';
import { manifestsLayout } from './layouts/manifests';
import { DeclaredModel, Problem } from './types';
import { declaredWorkloads } from './workloads/declaredWorkloads';

const PREFETCHED = /(\.ya?ml|\/Kustomization|^Kustomization)$/;

/**
 * Formerly the environment of workloads outside any environment folder.
 * Environments now only come from what deploys; such workloads are
 * reported as an `info` problem instead, so no scan returns this name.
 *
 * @public
 */
export const DEFAULT_ENVIRONMENT = 'default';

/**
 * Options of {@link scanRepository}.
 *
 * @public
 */
export interface ScanOptions {
  /** Limit the scan to this folder (e.g. an entity's `apps/catalogue`); references may leave it. */
  path?: string;
  /**
   * The entity's environments in promotion order (`stagecraft.io/environments`): overrides the
   * built-in order for those listed, admits folders and values files of those names as
   * environments, and when it names one environment, that one holds the workloads nothing
   * else places.
   */
  environmentOrder?: string[];
  /**
   * Environment names merged across entities (`environments.aliases`):
   * `{ production: 'prod' }` reports `production` as `prod`.
   */
  environmentAliases?: Record<string, string>;
  /** Layout readers, in order. Defaults to {@link defaultLayoutReaders}. */
  layouts?: LayoutReader[];
  /** Value paths for unusual Helm charts (per entity). */
  helm?: HelmOptions;
}

/**
 * The layout readers of this package, in the order they claim files.
 *
 * @public
 */
export const defaultLayoutReaders: LayoutReader[] = [
  argocdLayout,
  kustomizeLayout,
  helmLayout,
  manifestsLayout,
];

function compareProblems(a: Problem, b: Problem): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return (a.line ?? 0) - (b.line ?? 0);
}

/**
 * Reads the declared state of a GitOps repository: environments (discovered
 * and ordered), workloads per environment with provenance for every field,
 * and the problems met. Bad files become problems; this only rejects when
 * the options are invalid or the repository cannot be listed.
 *
 * @public
 */
export async function scanRepository(
  files: RepositoryFiles,
  options: ScanOptions = {},
): Promise<DeclaredModel> {
  const scope = normalizeRepoPath(options.path ?? '');
  if (scope === undefined)
    throw new Error(`path "${options.path}" is outside the repository`);
  const listing = await files.list();
  const reader = new RepoReader(files, listing.files);
  const filesInScope = listing.files.filter(f => isWithin(f, scope)).sort();
  if (scope && filesInScope.length === 0) {
    reader.problem(scope, 'path not found in the repository', 'warning');
  }
  await reader.prefetch(filesInScope.filter(f => PREFETCHED.test(f)));
  const ctx: LayoutContext = {
    reader,
    scope,
    filesInScope,
    claimed: new Set(),
    claimedFolders: new Set(),
    helm: options.helm,
    declaredEnvironments: options.environmentOrder,
  };
  // Flux Kustomizations that apply folders of this repository select what
  // deploys (the Argo CD layout adds its Applications)
  const targets = await fluxTargets(ctx);
  ctx.selectedPaths = targets.map(t => t.path).filter(p => reader.isFolder(p));
  const units: RenderedUnit[] = [];
  for (const layout of options.layouts ?? defaultLayoutReaders) {
    try {
      units.push(...(await layout.read(ctx)));
    } catch (e) {
      reader.problem(
        scope || '.',
        `${layout.name} layout failed: ${(e as Error).message}`,
        'error',
      );
    }
  }

  // Flux: HelmReleases become the workloads their values declare
  for (const unit of units) {
    noteForeignFluxSources(unit.resources, reader);
    try {
      await expandHelmReleases(unit, ctx);
    } catch (e) {
      reader.problem(
        unit.root || '.',
        `flux HelmReleases could not be read: ${(e as Error).message}`,
        'error',
      );
    }
  }
  const { placed, unplaced } = placeUnits(units, {
    fluxTargets: targets,
    selectedPaths: ctx.selectedPaths ?? [],
    declared: options.environmentOrder,
    listFolders: reader.childFolders,
  });
  const { environments, workloads } = declaredWorkloads(
    placed,
    unplaced,
    reader,
    options.environmentOrder,
    options.environmentAliases,
  );
  const problems = [...listing.problems, ...reader.problems].sort(
    compareProblems,
  );
  return { environments, workloads, problems };
}

/**
 * Scans a directory on disk (see {@link scanRepository}).
 *
 * @public
 */
export function scanDirectory(
  dir: string,
  options: ScanOptions = {},
): Promise<DeclaredModel> {
  return scanRepository(new DirectoryFiles(dir), options);
}
