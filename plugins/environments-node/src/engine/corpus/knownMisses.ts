/**
 * Corpus cells (certain: true) that the engine does not produce yet, each
 * with the reason. This list may only shrink: the corpus test fails when a
 * listed cell starts to match, so it gets removed from here.
 */
export interface KnownMiss {
  repo: string;
  environment: string;
  application: string;
  file: string;
  reason: string;
}

export const KNOWN_MISSES: KnownMiss[] = [
  {
    repo: 'argoproj-labs__applicationset',
    environment: 'engineering-dev',
    application: 'kustomize-guestbook-ui',
    file: 'examples/template-override/engineering-dev-override/guestbook-ui-deployment.yaml',
    reason:
      'two example ApplicationSets generate the same Application (engineering-dev-guestbook) for the same Deployment guestbook/kustomize-guestbook-ui; one object gets one row (the git-files one), with a warning naming both',
  },
];
