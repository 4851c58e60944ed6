import { dirnameOf, isWithin } from '../files/repositoryFiles';
import { FluxTarget, fluxEnvironmentsOf } from '../layouts/fluxKustomizations';
import { RenderedUnit } from '../layouts/layoutReader';
import { DeployedBy } from '../types';
import { apiVersionOf, kindOf } from '../resources';
import {
  environmentOfFolder,
  ENVIRONMENT_CONTAINERS,
  FolderEnvironment,
  ListFolders,
} from './environmentDiscovery';
import { stageRank } from './environmentOrder';

/** A rendered unit placed in an environment (a unit applied to several is placed in each). */
export interface Placement {
  unit: RenderedUnit;
  /** Environment key (see `environmentNames`). */
  key: string;
  cluster?: string;
  /** Environment folder: name affixes added inside it are dropped from `application`. */
  folder?: string;
  /** How the environment was found: a deploying object, or only a folder name. */
  by: 'deployer' | 'folder' | 'declared';
  /** The Flux Kustomization that applies the unit, if one does. */
  deployedBy?: DeployedBy;
}

const kustomization = (f: { name?: string } | undefined) =>
  f?.name ? { deployedBy: { kind: 'Kustomization', name: f.name } } : {};

/** What {@link placeUnits} needs to know beyond the units. */
export interface PlaceOptions {
  /** Folders applied by Flux Kustomizations. */
  fluxTargets: FluxTarget[];
  /** Folders Argo CD Applications or Flux Kustomizations deploy (see {@link selectedBeside}). */
  selectedPaths: string[];
  /** The entity's environments (`stagecraft.io/environments`), if it names them. */
  declared?: string[];
  listFolders: ListFolders;
}

function namesStage(name: string): boolean {
  return stageRank(name) !== undefined;
}

/**
 * A folder below an environment container (`overlays/debug`) whose name
 * names no stage while a sibling does (`overlays/dev`): a variant of an
 * environment, not one.
 */
export function isVariantFolder(
  env: FolderEnvironment,
  listFolders: ListFolders,
): boolean {
  if (namesStage(env.leaf)) return false;
  const segs = env.folder.split('/');
  const parent = segs.slice(0, -1).join('/');
  if (!ENVIRONMENT_CONTAINERS.has((segs[segs.length - 2] ?? '').toLowerCase()))
    return false;
  return listFolders(parent).some(s => s !== env.leaf && namesStage(s));
}

/**
 * Whether something deploys a folder beside `folder` (under its parent):
 * then `folder`, which nothing deploys, is not an environment
 * (`overlays/staging` when an Application deploys `overlays/dev`). Other
 * parts of the repository keep their environment folders.
 */
export function selectedBeside(folder: string, selected?: string[]): boolean {
  const parent = dirnameOf(folder);
  return (selected ?? []).some(p => isWithin(p, parent));
}

/** A unit holding a Flux HelmRelease deploys itself: its folder names its environment. */
function holdsDeployer(unit: RenderedUnit): boolean {
  return unit.resources.some(
    r =>
      kindOf(r) === 'HelmRelease' &&
      apiVersionOf(r).startsWith('helm.toolkit.fluxcd.io/'),
  );
}

/**
 * Places rendered units in environments, only from what deploys them: the
 * layout's own environment (an Argo CD Application, a referenced values
 * file), the Flux Kustomizations that apply the folder, or, when nothing
 * deploys a folder beside it, an environment folder that holds its own
 * HelmRelease or sits among environment siblings. The entity's declared
 * environments admit a folder of that name, and a single declared
 * environment takes the units that name none. Units placed nowhere are
 * returned apart.
 */
export function placeUnits(
  units: RenderedUnit[],
  options: PlaceOptions,
): { placed: Placement[]; unplaced: RenderedUnit[] } {
  const placed: Placement[] = [];
  const unplaced: RenderedUnit[] = [];
  const declared = options.declared ?? [];
  for (const unit of units) {
    if (unit.environment) {
      placed.push({
        unit,
        key: unit.environment,
        folder: unit.root,
        by: 'deployer',
      });
      continue;
    }
    const folderEnv = environmentOfFolder(unit.root, options.listFolders);
    const flux = fluxEnvironmentsOf(unit.root, options.fluxTargets);
    if (folderEnv) {
      const applied = flux.find(f => f.environment === folderEnv.key);
      const cluster = folderEnv.cluster ?? applied?.cluster;
      const accepted =
        flux.length > 0 ||
        declared.includes(folderEnv.key) ||
        (!selectedBeside(folderEnv.folder, options.selectedPaths) &&
          (holdsDeployer(unit) ||
            !isVariantFolder(folderEnv, options.listFolders)));
      if (accepted) {
        placed.push({
          unit,
          key: folderEnv.key,
          folder: folderEnv.folder,
          by: flux.length > 0 || holdsDeployer(unit) ? 'deployer' : 'folder',
          ...(cluster ? { cluster } : {}),
          ...kustomization(applied ?? flux[0]),
        });
        continue;
      }
    } else if (flux.length > 0) {
      for (const f of flux)
        placed.push({
          unit,
          key: f.environment,
          by: 'deployer',
          ...(f.cluster ? { cluster: f.cluster } : {}),
          ...kustomization(f),
        });
      continue;
    }
    if (declared.length === 1) {
      placed.push({ unit, key: declared[0], by: 'declared' });
      continue;
    }
    unplaced.push(unit);
  }
  return { placed, unplaced };
}
