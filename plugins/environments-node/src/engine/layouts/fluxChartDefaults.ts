import { DEFAULT_VALUE_PATHS } from '../helm/values';
import { Resource } from '../resources';
import { Provenance } from '../types';
import { getIn, isLeaf, Leaf, newMap, TMap } from '../yaml/tree';

/** Why a HelmRelease workload has no image. */
export const CHART_DEFAULTS_NOTE =
  'image from chart defaults; live state shows it';

/**
 * The workload of a HelmRelease whose values name no image (a remote chart
 * left at its defaults): kind `HelmRelease`, named after the release, with
 * the replicas its values set and no containers. Its version is the chart
 * and chart version of the release.
 */
export function chartDefaultsRelease(
  name: string,
  values: TMap,
  fallback: Provenance,
  replicaPaths: string[] = [],
): Resource {
  const spec = newMap(fallback);
  for (const p of [...replicaPaths, ...DEFAULT_VALUE_PATHS.replicas]) {
    const node = getIn(values, p.split('.'));
    if (isLeaf(node) && node.value !== null) {
      spec.replicas = node;
      break;
    }
  }
  const metadata = newMap(fallback);
  metadata.name = new Leaf(name, fallback);
  const tree = newMap(fallback);
  tree.apiVersion = new Leaf('helm.toolkit.fluxcd.io/v2', fallback);
  tree.kind = new Leaf('HelmRelease', fallback);
  tree.metadata = metadata;
  tree.spec = spec;
  return { tree, file: fallback.file, previousNames: [], affixes: [] };
}
