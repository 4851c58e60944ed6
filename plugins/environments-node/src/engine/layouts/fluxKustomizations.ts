import {
  basenameOf,
  dirnameOf,
  isWithin,
  normalizeRepoPath,
} from '../files/repositoryFiles';
import {
  environmentOfFolder,
  FolderEnvironment,
} from '../environments/environmentDiscovery';
import {
  apiVersionOf,
  kindOf,
  nameOf,
  namespaceOf,
  Resource,
  resourcesFromDocuments,
} from '../resources';
import { getIn, isMap, isSeq, str } from '../yaml/tree';
import { namesEnvironment } from './helm';
import { LayoutContext } from './layoutReader';

/** A folder a Flux `Kustomization` applies, and the environment (and cluster) it applies it to. */
export interface FluxTarget {
  path: string;
  environment: string;
  cluster?: string;
  /** File and name of the Flux Kustomization. */
  file: string;
  name?: string;
}

/** An ArtifactGenerator copy: `@source/<from>/**` → `@artifact/<to>/`. */
interface ArtifactCopy {
  from: string;
  to: string;
}

const isFluxKustomization = (r: Resource) =>
  kindOf(r) === 'Kustomization' &&
  apiVersionOf(r).startsWith('kustomize.toolkit.fluxcd.io/');

/** `@monorepo/apps/base/**` → `apps/base`; `@artifact/` → ''. */
export function artifactFolder(ref: string): string | undefined {
  const m = /^@[\w.-]+\/?(.*)$/.exec(ref.trim());
  if (!m) return undefined;
  const rest = m[1].replace(/\/?\*\*?(\/\*)?$/, '').replace(/\/$/, '');
  if (rest.includes('*')) return undefined;
  return normalizeRepoPath(rest);
}

/**
 * Maps a path inside an ExternalArtifact to the repository folder it was
 * copied from, or undefined when no copy covers it.
 */
export function resolveArtifactPath(
  path: string,
  copies: ArtifactCopy[],
  isFolder: (p: string) => boolean,
): string | undefined {
  for (const c of copies) {
    if (!isWithin(path, c.to)) continue;
    const rest = c.to ? path.slice(c.to.length).replace(/^\//, '') : path;
    const repoPath = [c.from, rest].filter(Boolean).join('/');
    if (isFolder(repoPath)) return repoPath;
  }
  return undefined;
}

async function fluxResources(ctx: LayoutContext, needle: string) {
  const out: Resource[] = [];
  for (const f of ctx.filesInScope) {
    if (!/\.ya?ml$/i.test(f)) continue;
    const text = await ctx.reader.text(f);
    if (!text?.includes(needle)) continue;
    const docs = await ctx.reader.yaml(f);
    if (docs) out.push(...resourcesFromDocuments(f, docs));
  }
  return out;
}

/** ArtifactGenerator copies per artifact name. */
async function artifactCopies(
  ctx: LayoutContext,
): Promise<Map<string, ArtifactCopy[]>> {
  const out = new Map<string, ArtifactCopy[]>();
  for (const r of await fluxResources(ctx, 'source.extensions.fluxcd.io')) {
    if (kindOf(r) !== 'ArtifactGenerator') continue;
    const artifacts = getIn(r.tree, ['spec', 'artifacts']);
    for (const a of isSeq(artifacts) ? artifacts : []) {
      const name = str(getIn(a, ['name']));
      const copy = getIn(a, ['copy']);
      if (!name || !isSeq(copy)) continue;
      const copies: ArtifactCopy[] = [];
      for (const c of copy) {
        const from = artifactFolder(str(getIn(c, ['from'])) ?? '');
        const to = artifactFolder(str(getIn(c, ['to'])) ?? '');
        if (from !== undefined && to !== undefined) copies.push({ from, to });
      }
      // the most specific destination first
      copies.sort((x, y) => y.to.length - x.to.length);
      out.set(name, [...(out.get(name) ?? []), ...copies]);
    }
  }
  return out;
}

/** The folder under `clusters/` that holds a file, when it is not the environment itself. */
function clusterFolderOf(
  file: string,
  environment: string,
): string | undefined {
  const segs = dirnameOf(file).split('/');
  const i = segs.findIndex(s => /^clusters?$/i.test(s));
  const name = i >= 0 ? segs[i + 1] : undefined;
  return name && name !== environment ? name : undefined;
}

function environmentOfKustomization(
  r: Resource,
  target: string,
  ctx: LayoutContext,
): { environment: string; cluster?: string } | undefined {
  const list = ctx.reader.childFolders;
  const fromTarget = environmentOfFolder(target, list);
  const fromFile = environmentOfFolder(dirnameOf(r.file), list);
  const pick = (e: FolderEnvironment, fallbackCluster?: string) => ({
    environment: e.key,
    ...(e.cluster ?? fallbackCluster
      ? { cluster: e.cluster ?? fallbackCluster }
      : {}),
  });
  if (fromTarget && fromFile && fromTarget.key !== fromFile.key) {
    // `clusters/<cluster>/apps.yaml` → `apps/<env>`: the folder is a cluster
    return pick(fromTarget, fromFile.key);
  }
  if (fromFile) return pick(fromFile);
  if (fromTarget)
    return pick(fromTarget, clusterFolderOf(r.file, fromTarget.key));
  // `hub/staging.yaml`, or a Kustomization in the `staging` namespace
  const stem = basenameOf(r.file).replace(/\.ya?ml$/i, '');
  if (namesEnvironment(stem)) return { environment: stem };
  const ns = namespaceOf(r);
  if (ns && namesEnvironment(ns)) return { environment: ns };
  return undefined;
}

/**
 * Flux `Kustomization` objects: the folder each one applies (`spec.path`,
 * through an ArtifactGenerator for `ExternalArtifact` sources) belongs to
 * the environment that declares it: its own folder (`clusters/<env>`), the
 * folder it applies (`apps/<env>`), its file (`hub/<env>.yaml`) or its
 * namespace. Longest paths first.
 */
export async function fluxTargets(ctx: LayoutContext): Promise<FluxTarget[]> {
  const copies = await artifactCopies(ctx);
  const out: FluxTarget[] = [];
  for (const r of await fluxResources(ctx, 'kustomize.toolkit.fluxcd.io')) {
    if (!isFluxKustomization(r)) continue;
    const raw = str(getIn(r.tree, ['spec', 'path']));
    if (raw === undefined || /\$\{[^}]+\}/.test(raw)) continue;
    let target = normalizeRepoPath(raw);
    if (target === undefined) continue;
    const source = getIn(r.tree, ['spec', 'sourceRef']);
    const sourceKind = isMap(source) ? str(source.kind) : undefined;
    // OCI artifacts and buckets are not this repository
    if (sourceKind === 'OCIRepository' || sourceKind === 'Bucket') continue;
    if (isMap(source) && sourceKind === 'ExternalArtifact') {
      target = resolveArtifactPath(
        target,
        copies.get(str(source.name) ?? '') ?? [],
        p => ctx.reader.isFolder(p),
      );
      if (target === undefined) continue;
    }
    const env = environmentOfKustomization(r, target, ctx);
    if (!env) continue;
    out.push({ path: target, ...env, file: r.file, name: nameOf(r) });
  }
  return out.sort((a, b) => b.path.length - a.path.length);
}

/**
 * The environments (with clusters) whose Flux Kustomizations apply a unit's
 * root: the most specific applying path wins; a folder applied by several
 * environments belongs to each of them.
 */
export function fluxEnvironmentsOf(
  root: string,
  targets: FluxTarget[],
): Array<{ environment: string; cluster?: string; name?: string }> {
  const hits = targets.filter(t => isWithin(root, t.path));
  if (hits.length === 0) return [];
  const longest = hits[0].path.length;
  const seen = new Map<
    string,
    { environment: string; cluster?: string; name?: string }
  >();
  for (const h of hits.filter(x => x.path.length === longest)) {
    const key = `${h.environment}\u0000${h.cluster ?? ''}`;
    if (!seen.has(key))
      seen.set(key, {
        environment: h.environment,
        ...(h.cluster ? { cluster: h.cluster } : {}),
        ...(h.name ? { name: h.name } : {}),
      });
  }
  return [...seen.values()];
}
