import { basenameOf, dirnameOf } from '../files/repositoryFiles';
import { environmentOfFolder } from '../environments/environmentDiscovery';
import {
  KUSTOMIZATION_FILE_NAMES,
  KustomizeBuilder,
} from '../kustomize/kustomizeBuild';
import { isMap, str } from '../yaml/tree';
import { LayoutContext, LayoutReader, RenderedUnit } from './layoutReader';

/** Whether a folder was claimed by an earlier layout (Argo CD renders it). */
function insideClaimed(dir: string, claimed: Set<string>): boolean {
  if (claimed.size === 0) return false;
  for (let d = dir; ; d = dirnameOf(d)) {
    if (claimed.has(d)) return true;
    if (!d) return false;
  }
}

/**
 * Kustomize: every kustomization in scope that no other kustomization
 * refers to is rendered as one unit (an overlay, or a single-environment base).
 */
export const kustomizeLayout: LayoutReader = {
  name: 'kustomize',
  async read(ctx: LayoutContext): Promise<RenderedUnit[]> {
    const { reader } = ctx;
    const builder = new KustomizeBuilder(reader);
    const dirs: string[] = [];
    const seen = new Set<string>();
    for (const f of ctx.filesInScope) {
      if (!KUSTOMIZATION_FILE_NAMES.includes(basenameOf(f))) continue;
      const dir = dirnameOf(f);
      if (seen.has(dir)) continue;
      seen.add(dir);
      if (insideClaimed(dir, ctx.claimedFolders)) continue;
      const docs = await reader.yaml(f);
      const tree = docs?.[0]?.tree;
      // Flux's Kustomization custom resource is not a kustomization file
      if (
        isMap(tree) &&
        (str(tree.apiVersion) ?? '').includes('toolkit.fluxcd.io')
      )
        continue;
      if (isMap(tree) && str(tree.kind) === 'Component') {
        ctx.claimedFolders.add(dir);
        continue;
      }
      dirs.push(dir);
    }
    const referenced = new Set<string>();
    const referrersOf = new Map<string, string[]>();
    const refsOf = new Map<string, string[]>();
    for (const dir of dirs) {
      const refs = await builder.references(dir);
      refsOf.set(dir, refs);
      for (const r of refs) {
        referenced.add(r);
        if (!referrersOf.has(r)) referrersOf.set(r, []);
        referrersOf.get(r)!.push(dir);
      }
    }
    // a root without an environment that aggregates several environments is
    // split into those environments
    const roots: string[] = [];
    const rootSet = new Set<string>();
    const split = new Set<string>();
    const expand = (dir: string, depth: number) => {
      const refs = refsOf.get(dir) ?? [];
      const envs = new Set(
        refs
          .map(r => environmentOfFolder(r, reader.childFolders)?.key)
          .filter(Boolean),
      );
      if (
        depth < 3 &&
        !environmentOfFolder(dir, reader.childFolders) &&
        envs.size >= 2
      ) {
        split.add(dir);
        for (const r of refs) {
          if (!refsOf.has(r)) refsOf.set(r, []);
          expand(r, depth + 1);
        }
      } else if (!rootSet.has(dir)) {
        rootSet.add(dir);
        roots.push(dir);
      }
    };
    // an environment's overlay that another environment builds on
    // (overlays/prod-eu → overlays/prod) is still an environment of its own
    const envKey = (dir: string) =>
      environmentOfFolder(dir, reader.childFolders)?.key;
    const ownEnvironment = (dir: string): boolean => {
      const key = envKey(dir);
      if (key === undefined) return false;
      const referrers = referrersOf.get(dir) ?? [];
      return referrers.every(d => envKey(d) !== undefined && envKey(d) !== key);
    };
    for (const dir of dirs) {
      if (!referenced.has(dir) || ownEnvironment(dir)) expand(dir, 0);
    }
    // kustomizations only reachable through a reference cycle still get
    // built (once), so the cycle is reported
    const reached = new Set<string>();
    const visit = (dir: string) => {
      if (reached.has(dir)) return;
      reached.add(dir);
      for (const r of refsOf.get(dir) ?? []) visit(r);
    };
    roots.forEach(visit);
    split.forEach(visit);
    for (const dir of dirs) {
      if (reached.has(dir)) continue;
      roots.push(dir);
      visit(dir);
    }

    const units: RenderedUnit[] = [];
    for (const root of roots) {
      // sequential on purpose: builds share a cache and detect cycles by stack
      const resources = await builder.build(root);
      units.push({ root, managedBy: 'kustomize', resources });
    }
    for (const dir of dirs) ctx.claimedFolders.add(dir);
    for (const d of builder.referencedDirs) ctx.claimedFolders.add(d);
    for (const f of builder.usedFiles) ctx.claimed.add(f);
    return units;
  },
};
