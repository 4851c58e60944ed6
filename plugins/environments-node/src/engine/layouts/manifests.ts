import { basenameOf, dirnameOf, isWithin } from '../files/repositoryFiles';
import { environmentOfFolder } from '../environments/environmentDiscovery';
import { Resource, resourcesFromDocuments } from '../resources';
import { LayoutContext, LayoutReader, RenderedUnit } from './layoutReader';

const YAML_FILE = /\.ya?ml$/i;

/** Whether a file could be a plain Kubernetes manifest worth reading. */
export function isManifestCandidate(path: string): boolean {
  if (!YAML_FILE.test(path)) return false;
  if (path.split('/').some(s => s.startsWith('.'))) return false;
  const base = basenameOf(path).toLowerCase();
  if (
    base === 'chart.yaml' ||
    base === 'chart.yml' ||
    base.startsWith('values') ||
    base === 'kustomization.yaml' ||
    base === 'kustomization.yml'
  ) {
    return false;
  }
  return true;
}

/**
 * Whether a folder is a claimed folder or lies below one (patch folders of
 * an overlay belong to kustomize even when unused). The repository root
 * only claims its own files.
 */
function insideClaimedFolder(dir: string, claimed: Set<string>): boolean {
  if (claimed.has(dir)) return true;
  for (let d = dirnameOf(dir); d; d = dirnameOf(d)) {
    if (claimed.has(d)) return true;
  }
  return false;
}

/**
 * Plain manifests: YAML files that no earlier layout consumed, grouped by
 * environment folder (or by folder when no environment is found).
 */
export const manifestsLayout: LayoutReader = {
  name: 'manifests',
  async read(ctx: LayoutContext): Promise<RenderedUnit[]> {
    const { reader } = ctx;
    const chartDirs = ctx.filesInScope
      .filter(f => /^Chart\.ya?ml$/.test(basenameOf(f)))
      .map(dirnameOf);
    const groups = new Map<string, Resource[]>();
    for (const f of ctx.filesInScope) {
      if (!isManifestCandidate(f) || ctx.claimed.has(f)) continue;
      const dir = dirnameOf(f);
      if (insideClaimedFolder(dir, ctx.claimedFolders)) continue;
      if (chartDirs.some(c => isWithin(f, c))) continue;
      const docs = await reader.yaml(f);
      if (!docs) continue;
      const resources = resourcesFromDocuments(f, docs);
      if (resources.length === 0) continue;
      const root = environmentOfFolder(dir, reader.childFolders)?.folder ?? dir;
      if (!groups.has(root)) groups.set(root, []);
      groups.get(root)!.push(...resources);
      ctx.claimed.add(f);
    }
    return [...groups.entries()].map(([root, resources]) => ({
      root,
      managedBy: 'manifests',
      resources,
    }));
  },
};
