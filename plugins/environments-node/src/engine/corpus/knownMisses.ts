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

const APPSET = 'argoproj-labs__applicationset';
const PROMOTER = 'argoproj-labs__gitops-promoter-demo';

export const KNOWN_MISSES: KnownMiss[] = [
  {
    repo: APPSET,
    environment: 'engineering-dev',
    application: 'kustomize-guestbook-ui',
    file: 'examples/git-generator-files-discovery/apps/guestbook/guestbook-ui-deployment.yaml',
    reason:
      'environment comes from an Argo CD ApplicationSet git-files generator (cluster-config/**/config.json); Argo CD layout is part 2',
  },
  {
    repo: APPSET,
    environment: 'engineering-prod',
    application: 'kustomize-guestbook-ui',
    file: 'examples/git-generator-files-discovery/apps/guestbook/guestbook-ui-deployment.yaml',
    reason:
      'environment comes from an Argo CD ApplicationSet git-files generator (cluster-config/**/config.json); Argo CD layout is part 2',
  },
  {
    repo: APPSET,
    environment: 'engineering-dev',
    application: 'kustomize-guestbook-ui',
    file: 'examples/template-override/engineering-dev-override/guestbook-ui-deployment.yaml',
    reason:
      'environment comes from the ApplicationSet list element (folder is named engineering-dev-override); Argo CD layout is part 2',
  },
  ...['dev', 'e2e', 'prd'].map(environment => ({
    repo: PROMOTER,
    environment,
    application: 'guestbook',
    file: 'demo-apps/guestbook/values.yaml',
    reason:
      'Helm chart values per environment selected by Argo CD sourceHydrator Applications; Helm/Argo CD layouts are part 2',
  })),
];
