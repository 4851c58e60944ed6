import { DirectoryFiles } from './files/directoryFiles';
import { RepoReader } from './files/repoReader';
import {
  isWithin,
  normalizeRepoPath,
  RepositoryFiles,
} from './files/repositoryFiles';
import {
  environmentNames,
  environmentOfFolder,
} from './environments/environmentDiscovery';
import { orderEnvironments } from './environments/environmentOrder';
import { HelmOptions } from './helm/values';
import { helmLayout } from './layouts/helm';
import { argocdLayout } from './layouts/argocd';
import {
  expandHelmReleases,
  fluxEnvironmentOf,
  fluxEnvironments,
} from './layouts/flux';
import { kustomizeLayout } from './layouts/kustomize';
import {
  LayoutContext,
  LayoutReader,
  RenderedUnit,
} from './layouts/layoutReader';
import { manifestsLayout } from './layouts/manifests';
import { DeclaredModel, DeclaredWorkload, Environment, Problem } from './types';
import { extractWorkloads } from './workloads/extractWorkloads';

const PREFETCHED = /(\.ya?ml|\/Kustomization|^Kustomization)$/;

/**
 * Name of the environment for workloads outside any environment folder.
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
  /** Environment names in promotion order; overrides the built-in order for those listed. */
  environmentOrder?: string[];
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
  };
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

  // Flux: HelmReleases become the workloads their values declare; folders
  // applied by a cluster's Flux Kustomization belong to that environment
  const fluxPaths = await fluxEnvironments(ctx);
  for (const unit of units) {
    try {
      await expandHelmReleases(unit, ctx);
    } catch (e) {
      reader.problem(
        unit.root || '.',
        `flux HelmReleases could not be read: ${(e as Error).message}`,
        'error',
      );
    }
    if (!unit.environment && fluxPaths.length > 0) {
      const env = fluxEnvironmentOf(unit.root, fluxPaths, ctx);
      if (env) unit.environment = env;
    }
  }

  const located = units.map(unit => {
    const env = environmentOfFolder(unit.root, reader.childFolders);
    const key = unit.environment ?? env?.key ?? DEFAULT_ENVIRONMENT;
    return { unit, key, folder: unit.environment ? unit.root : env?.folder };
  });
  const names = environmentNames(
    [...new Set(located.map(l => l.key))].filter(
      k => k !== DEFAULT_ENVIRONMENT,
    ),
  );
  names.set(DEFAULT_ENVIRONMENT, DEFAULT_ENVIRONMENT);

  const workloads: DeclaredWorkload[] = [];
  const envPaths = new Map<string, Set<string>>();
  for (const { unit, key, folder } of located) {
    const environment = names.get(key)!;
    let found: DeclaredWorkload[];
    try {
      found = extractWorkloads(unit.resources, {
        environment,
        environmentFolder: folder,
        root: unit.root,
        managedBy: unit.managedBy,
      });
    } catch (e) {
      reader.problem(
        unit.root || '.',
        `workloads could not be read: ${(e as Error).message}`,
        'error',
      );
      continue;
    }
    if (found.length === 0) continue;
    workloads.push(...found);
    if (!envPaths.has(environment)) envPaths.set(environment, new Set());
    envPaths.get(environment)!.add(folder ?? unit.root);
  }

  const named = [...envPaths.keys()]
    .filter(n => n !== DEFAULT_ENVIRONMENT)
    .sort();
  const ordered = orderEnvironments(named, options.environmentOrder);
  if (envPaths.has(DEFAULT_ENVIRONMENT)) ordered.push(DEFAULT_ENVIRONMENT);
  const environments: Environment[] = ordered.map((name, order) => ({
    name,
    order,
    paths: [...envPaths.get(name)!].sort(),
  }));
  const rank = new Map(ordered.map((n, i) => [n, i]));
  workloads.sort(
    (a, b) =>
      a.application.localeCompare(b.application) ||
      rank.get(a.environment)! - rank.get(b.environment)! ||
      a.kind.localeCompare(b.kind) ||
      a.name.localeCompare(b.name) ||
      a.root.localeCompare(b.root),
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
