/**
 * Differences between our kustomize render and `kubectl kustomize` on the
 * corpus and fixtures that are known and accepted, each with its reason
 * (see kustomizeDifferential.test.ts). This list may only shrink: the test
 * fails when an entry no longer occurs.
 */
export interface AllowedDifference {
  /** `<root label>/<folder>: <difference>` as the test prints it, or a pattern. */
  difference: string | RegExp;
  reason: string;
}

const GENERATED_CONFIG_MAPS =
  'generated ConfigMaps keep their name without the content-hash suffix kustomize adds (catalogue-config, not catalogue-config-d792k96ctm): ConfigMaps are not workloads, and references to them inside the unit stay consistent';

export const KUSTOMIZE_ALLOWED_DIFFERENCES: AllowedDifference[] = [
  {
    difference:
      /^[^:]+: only kubectl: ConfigMap (\S+\/)?(catalogue-config|redis-config)-[a-z0-9]{10}$/,
    reason: GENERATED_CONFIG_MAPS,
  },
  {
    difference:
      /^[^:]+: only ours: ConfigMap (\S+\/)?(catalogue-config|redis-config)$/,
    reason: GENERATED_CONFIG_MAPS,
  },
];
