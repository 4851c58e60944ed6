import { ENVIRONMENT_WORDS } from './environmentOrder';

/** Folder names under which each sub-folder is an environment. */
export const ENVIRONMENT_CONTAINERS = new Set([
  'overlays',
  'envs',
  'env',
  'environments',
  'environment',
  'stages',
  'clusters',
]);

/** Names below an environment container that are not environments. */
const NOT_ENVIRONMENTS = new Set([
  'default',
  'defaults',
  'base',
  'bases',
  'common',
  'shared',
  'components',
]);

/** Containers whose children are clusters: a stage folder below one is the environment, the cluster a dimension. */
const CLUSTER_CONTAINERS = new Set(['clusters', 'cluster']);

/** An environment found in a folder path. */
export interface FolderEnvironment {
  /** The folder segment naming the environment, e.g. `prod-eu`. */
  leaf: string;
  /** Segments from just below the container folder to the environment, e.g. `homelab/prod`. */
  key: string;
  /** Folder that declares the environment, relative to the repository root. */
  folder: string;
  /** Cluster folder that nests the environment (`clusters/<cluster>/<env>`), if any. */
  cluster?: string;
}

function isExactEnvironmentWord(segment: string): boolean {
  return ENVIRONMENT_WORDS.has(segment.toLowerCase());
}

function containsEnvironmentWord(segment: string): boolean {
  return segment
    .toLowerCase()
    .split(/[-_.]+/)
    .some(w => ENVIRONMENT_WORDS.has(w));
}

/** Lists the sub-folder names of a folder (used to confirm compound names). */
export type ListFolders = (parent: string) => string[];

/**
 * Finds the environment a folder belongs to: the deepest segment that names
 * a stage (`dev`, `prod-eu`, `engineering-dev`), else the segment right
 * below an environment container (`overlays/<env>`, `envs/<env>`, …).
 */
export function environmentOfFolder(
  folder: string,
  listFolders?: ListFolders,
): FolderEnvironment | undefined {
  const segs = folder.split('/').filter(Boolean);
  const containerAbove = (i: number): number => {
    for (let j = i - 1; j >= 0; j--) {
      if (ENVIRONMENT_CONTAINERS.has(segs[j].toLowerCase())) return j;
    }
    return -1;
  };
  const make = (i: number): FolderEnvironment => {
    const c = containerAbove(i);
    const keySegs = c >= 0 && i - c <= 3 ? segs.slice(c + 1, i + 1) : [segs[i]];
    const envFolder = segs.slice(0, i + 1).join('/');
    // `clusters/<cluster>/<env>`: the cluster is a dimension of the cell
    if (
      keySegs.length > 1 &&
      CLUSTER_CONTAINERS.has(segs[c].toLowerCase()) &&
      isExactEnvironmentWord(segs[i])
    ) {
      const cluster = keySegs.slice(0, -1).join('/');
      return { leaf: segs[i], key: segs[i], folder: envFolder, cluster };
    }
    return { leaf: segs[i], key: keySegs.join('/'), folder: envFolder };
  };
  // a compound name (`prod-eu`, `engineering-dev`) counts when a sibling
  // folder also names a stage, or under an environment container; so
  // `apps/test-runner` alone is not an environment
  const compoundIsEnvironment = (i: number): boolean => {
    if (containerAbove(i) === i - 1) return true;
    if (!listFolders) return true;
    const parent = segs.slice(0, i).join('/');
    return listFolders(parent).some(
      sib => sib !== segs[i] && containsEnvironmentWord(sib),
    );
  };
  for (let i = segs.length - 1; i >= 0; i--) {
    if (ENVIRONMENT_CONTAINERS.has(segs[i].toLowerCase())) continue;
    if (isExactEnvironmentWord(segs[i])) return make(i);
    if (containsEnvironmentWord(segs[i]) && compoundIsEnvironment(i)) {
      return make(i);
    }
  }
  for (let i = segs.length - 2; i >= 0; i--) {
    if (!ENVIRONMENT_CONTAINERS.has(segs[i].toLowerCase())) continue;
    // `overlays/default`, `overlays/base`: a flavour, not a stage
    if (NOT_ENVIRONMENTS.has(segs[i + 1].toLowerCase())) return undefined;
    return make(i + 1);
  }
  return undefined;
}

/**
 * Gives each distinct environment key a display name: its leaf, unless two
 * keys share a leaf (`homelab/prod`, `aws/prod`), then the whole key.
 */
export function environmentNames(keys: string[]): Map<string, string> {
  const byLeaf = new Map<string, Set<string>>();
  for (const k of keys) {
    const leaf = k.split('/').pop()!;
    if (!byLeaf.has(leaf)) byLeaf.set(leaf, new Set());
    byLeaf.get(leaf)!.add(k);
  }
  const out = new Map<string, string>();
  for (const k of keys) {
    const leaf = k.split('/').pop()!;
    out.set(k, byLeaf.get(leaf)!.size > 1 ? k : leaf);
  }
  return out;
}
