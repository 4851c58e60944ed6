import { isWithin, normalizeRepoPath } from '../files/repositoryFiles';
import { getIn, isMap, isSeq, str, TMap, TNode } from '../yaml/tree';

/** `https://github.com/org/repo.git/` → `github.com/org/repo`. */
export function normalizeRepoURL(url: string): string {
  return url
    .trim()
    .toLowerCase()
    .replace(/^[a-z+]+:\/\//, '')
    .replace(/^git@([^:]+):/, '$1/')
    .replace(/\/+$/, '')
    .replace(/\.git$/, '');
}

function sourcesOf(tree: TMap): TNode[] {
  const spec = tree.spec;
  const sources = getIn(spec, ['sources']);
  return [
    getIn(spec, ['source']),
    getIn(spec, ['sourceHydrator', 'drySource']),
    ...(isSeq(sources) ? sources : []),
  ].filter(isMap);
}

/**
 * Applications of an app of apps that deploy from another repository than
 * the one their parent Application reads them from: the parent's
 * `repoURL` is this repository, so a child with a different `repoURL`
 * (a GitLab copy of the chart) is not read from here.
 */
export function foreignApplications<T extends { tree: TMap; file: string }>(
  apps: T[],
): Set<T> {
  const parents: Array<{ path: string; url: string }> = [];
  for (const app of apps)
    for (const s of sourcesOf(app.tree)) {
      const path = normalizeRepoPath(str(getIn(s, ['path'])) ?? '');
      const url = str(getIn(s, ['repoURL']));
      if (path !== undefined && url && !url.includes('{{'))
        parents.push({ path, url: normalizeRepoURL(url) });
    }
  const out = new Set<T>();
  for (const app of apps) {
    const parent = parents
      .filter(p => p.path && isWithin(app.file, p.path))
      .sort((a, b) => b.path.length - a.path.length)[0];
    if (!parent) continue;
    const urls = sourcesOf(app.tree)
      .map(s => str(getIn(s, ['repoURL'])))
      .filter((u): u is string => !!u && !u.includes('{{'))
      .map(normalizeRepoURL);
    if (urls.length > 0 && urls.every(u => u !== parent.url)) out.add(app);
  }
  return out;
}
