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

export const KUSTOMIZE_ALLOWED_DIFFERENCES: AllowedDifference[] = [];
