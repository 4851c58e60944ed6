import { isWithin } from '../files/repositoryFiles';
import { RepoReader } from '../files/repoReader';
import { aliasEnvironment } from '../environments/environmentAliases';
import { environmentNames } from '../environments/environmentDiscovery';
import { orderEnvironments } from '../environments/environmentOrder';
import { Placement } from '../environments/placeUnits';
import { RenderedUnit } from '../layouts/layoutReader';
import { DeclaredWorkload, DeployedBy, Environment } from '../types';
import { dedupeWorkloads } from './dedupeWorkloads';
import { extractWorkloads } from './extractWorkloads';

/** The nearest object that deploys a workload: its Application, HelmRelease, Flux Kustomization, else its folder. */
function deployerOf(w: DeclaredWorkload, p: Placement): DeployedBy {
  if (p.unit.deployedBy) return p.unit.deployedBy;
  if (w.helm?.object) return { kind: 'HelmRelease', name: w.helm.object.name };
  return p.deployedBy ?? { kind: 'folder', name: p.unit.root };
}

function extract(
  reader: RepoReader,
  unit: RenderedUnit,
  environment: string,
  folder: string | undefined,
): DeclaredWorkload[] {
  try {
    return extractWorkloads(unit.resources, {
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
    return [];
  }
}

/**
 * The workloads of placed units, and the environments they make: an
 * environment a deploying object names stays even without workloads (a
 * broken file keeps its environment, with the problem); one found from a
 * folder name alone needs a workload or an error in that folder. Units
 * placed nowhere become an `info` problem, never an environment.
 */
export function declaredWorkloads(
  placed: Placement[],
  unplaced: RenderedUnit[],
  reader: RepoReader,
  explicitOrder?: string[],
  aliases?: Record<string, string>,
): { environments: Environment[]; workloads: DeclaredWorkload[] } {
  const names = environmentNames([...new Set(placed.map(p => p.key))]);
  for (const [key, name] of names)
    names.set(key, aliasEnvironment(name, aliases));
  const found: DeclaredWorkload[] = [];
  const envPaths = new Map<string, Set<string>>();
  const envClusters = new Map<string, Set<string>>();
  const hasError = (folder: string) =>
    reader.problems.some(
      p => p.severity === 'error' && isWithin(p.file, folder),
    );
  for (const p of placed) {
    const environment = names.get(p.key)!;
    const folder = p.folder ?? p.unit.root;
    const ws = extract(reader, p.unit, environment, p.folder);
    for (const w of ws) {
      if (p.cluster) w.cluster = p.cluster;
      w.deployedBy = deployerOf(w, p);
    }
    if (ws.length === 0 && p.by !== 'deployer' && !hasError(folder)) continue;
    found.push(...ws);
    if (!envPaths.has(environment)) envPaths.set(environment, new Set());
    envPaths.get(environment)!.add(folder);
    if (p.cluster) {
      if (!envClusters.has(environment))
        envClusters.set(environment, new Set());
      envClusters.get(environment)!.add(p.cluster);
    }
  }
  for (const unit of unplaced) {
    const ws = extract(reader, unit, '', undefined);
    if (ws.length === 0) continue;
    reader.problem(
      unit.root || '.',
      `${
        unit.root || 'the repository root'
      } is deployed by nothing that names an environment (no Argo CD Application, Flux Kustomization or environment folder); its ${
        ws.length
      } workload${ws.length === 1 ? ' is' : 's are'} not shown`,
      'info',
    );
  }

  const ordered = orderEnvironments([...envPaths.keys()].sort(), explicitOrder);
  const environments: Environment[] = ordered.map((name, order) => {
    const clusters = envClusters.get(name);
    return {
      name,
      order,
      paths: [...envPaths.get(name)!].sort(),
      ...(clusters ? { clusters: [...clusters].sort() } : {}),
    };
  });
  const rank = new Map(ordered.map((n, i) => [n, i]));
  const workloads = dedupeWorkloads(found, reader);
  workloads.sort(
    (a, b) =>
      a.application.localeCompare(b.application) ||
      rank.get(a.environment)! - rank.get(b.environment)! ||
      a.kind.localeCompare(b.kind) ||
      a.name.localeCompare(b.name) ||
      (a.cluster ?? '').localeCompare(b.cluster ?? '') ||
      a.root.localeCompare(b.root),
  );
  return { environments, workloads };
}
