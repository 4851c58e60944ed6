import { DEFAULT_VALUE_PATHS } from '../helm/values';
import { Resource } from '../resources';
import { Provenance } from '../types';
import { getIn, isLeaf, Leaf, newMap, TMap } from '../yaml/tree';

/** Why a HelmRelease workload has no image. */
export const CHART_DEFAULTS_NOTE =
  'image from chart defaults; live state shows it';

/**
 * The workload of a HelmRelease (or an Argo CD Application) whose values
 * name no image (a remote chart left at its defaults): of the deploying
 * object's kind, named after the release, with
 * the replicas its values set and no containers. Its version is the chart
 * and chart version of the release.
 */
export function chartDefaultsRelease(
  name: string,
  values: TMap,
  fallback: Provenance,
  replicaPaths: string[] = [],
  object: { apiVersion: string; kind: string } = {
    apiVersion: 'helm.toolkit.fluxcd.io/v2',
    kind: 'HelmRelease',
  },
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
  tree.apiVersion = new Leaf(object.apiVersion, fallback);
  tree.kind = new Leaf(object.kind, fallback);
  tree.metadata = metadata;
  tree.spec = spec;
  return { tree, file: fallback.file, previousNames: [], affixes: [] };
}
