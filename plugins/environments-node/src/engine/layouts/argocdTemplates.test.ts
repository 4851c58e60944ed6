import { MemoryFiles } from '../files/memoryFiles';
import { scanRepository } from '../scan';
import { normalizeRepoURL } from './argocdRepositories';

const child = (
  env: string,
  repo: string,
  extra = '',
) => `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: web-${repo}-${env}
spec:
  sourceHydrator:
    drySource:
      repoURL: {{ .Values.${repo} | quote }}
      path: web
      helm:
        valueFiles: [env/${env}/values.yaml]
  destination:
    namespace: web-${repo}-${env}
{{- if .Values.extra }}
${extra}
{{- end }}
`;

const files = {
  'apps/root.yaml':
    'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: root}\nspec:\n  source:\n    repoURL: https://github.com/acme/gitops.git\n    path: charts/apps\n',
  'charts/apps/Chart.yaml': 'name: apps\nversion: 1.0.0\n',
  'charts/apps/values.yaml':
    'main: https://github.com/acme/gitops\nmirror: https://gitlab.com/acme/web.git\nextra: false\n',
  'charts/apps/templates/web-main-dev.yaml': child('dev', 'main'),
  'charts/apps/templates/web-main-prod.yaml': child('prod', 'main'),
  'charts/apps/templates/web-mirror-dev.yaml': child('dev', 'mirror'),
  'charts/apps/templates/ranged.yaml':
    '{{- range .Values.apps }}\napiVersion: argoproj.io/v1alpha1\nkind: Application\n{{- end }}\n',
  'web/Chart.yaml': 'name: web\nversion: 0.1.0\n',
  'web/values.yaml': 'image: {repository: r/web, tag: "5"}\nreplicaCount: 1\n',
  'web/env/dev/values.yaml': 'replicaCount: 1\n',
  'web/env/prod/values.yaml': 'replicaCount: 3\n',
};

describe('argocd: Applications that are templates of an app-of-apps chart', () => {
  it('renders them with the chart values, reads the Source Hydrator dry source, and skips other repositories', async () => {
    const model = await scanRepository(new MemoryFiles(files));
    expect(
      model.workloads.map(w => [
        w.environment,
        w.namespace,
        `${w.containers[0].image}:${w.containers[0].tag}`,
        w.replicas,
        w.deployedBy?.name,
      ]),
    ).toEqual([
      ['dev', 'web-main-dev', 'r/web:5', 1, 'web-main-dev'],
      ['prod', 'web-main-prod', 'r/web:5', 3, 'web-main-prod'],
    ]);
    expect(model.problems.map(p => [p.file, p.message])).toEqual([
      [
        'charts/apps/templates/ranged.yaml',
        expect.stringContaining('is not rendered'),
      ],
      [
        'charts/apps/templates/web-mirror-dev.yaml',
        expect.stringContaining('deploys from another repository'),
      ],
    ]);
  });
});

describe('normalizeRepoURL', () => {
  it('compares repository URLs without scheme, .git or case', () => {
    expect(normalizeRepoURL('https://GitHub.com/acme/gitops.git/')).toBe(
      'github.com/acme/gitops',
    );
    expect(normalizeRepoURL('git@github.com:acme/gitops.git')).toBe(
      'github.com/acme/gitops',
    );
  });
});
