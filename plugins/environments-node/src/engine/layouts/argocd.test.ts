import * as path from 'path';
import { MemoryFiles } from '../files/memoryFiles';
import { scanDirectory, scanRepository } from '../scan';
import { DeclaredModel } from '../types';
import { substitute } from './argocd';

const FIXTURES = path.resolve(__dirname, '../../../fixtures');

describe('argocd layout: platform (ApplicationSet with sync waves, Applications)', () => {
  let model: DeclaredModel;
  beforeAll(async () => {
    model = await scanDirectory(path.join(FIXTURES, 'platform'));
  });

  it('makes each generated Application an environment', () => {
    expect(model.environments.map(e => e.name)).toEqual([
      'dev',
      'staging',
      'prod',
    ]);
    expect(
      model.workloads.map(w => [
        w.environment,
        w.application,
        w.managedBy,
        w.namespace,
        `${w.containers[0].image}:${w.containers[0].tag}`,
        w.replicas,
        `${w.containers[0].source?.file}:${w.containers[0].source?.path}`,
      ]),
    ).toEqual([
      [
        'staging',
        'billing',
        'argocd',
        'billing',
        'ghcr.io/acme/billing:1.4.2',
        2,
        'argocd/billing-staging.yaml:spec.source.helm.parameters[0].value',
      ],
      [
        'prod',
        'billing',
        'argocd',
        'billing',
        'ghcr.io/acme/billing:1.4.0',
        3,
        'argocd/billing-prod.yaml:spec.source.helm.values',
      ],
      [
        'dev',
        'platform-api',
        'argocd',
        'platform-dev',
        'ghcr.io/acme/platform-api:3.1.0',
        1,
        'envs/dev/values.yaml:image.tag',
      ],
      [
        'staging',
        'platform-api',
        'argocd',
        'platform-staging',
        'ghcr.io/acme/platform-api:3.0.2',
        2,
        'envs/staging/values.yaml:image.tag',
      ],
      [
        'prod',
        'platform-api',
        'argocd',
        'platform-prod',
        'ghcr.io/acme/platform-api:3.0.0',
        3,
        'charts/platform-api/Chart.yaml:appVersion',
      ],
      [
        'dev',
        'web',
        'argocd',
        'web',
        'ghcr.io/acme/web:2.1.0',
        2,
        'argocd/web.yaml:spec.source.kustomize.images[0]',
      ],
      [
        'prod',
        'web',
        'argocd',
        'web',
        'ghcr.io/acme/web:2.0.0',
        2,
        'argocd/web.yaml:spec.source.kustomize.images[0]',
      ],
    ]);
  });

  it('layers the chart values and the $values file of each environment', () => {
    const prod = model.workloads.find(
      w => w.environment === 'prod' && w.application === 'platform-api',
    )!;
    expect(prod.helm?.layers).toEqual([
      { file: 'charts/platform-api/values.yaml', path: '' },
      { file: 'envs/prod/values.yaml', path: '' },
    ]);
    expect(prod.autoscaling).toMatchObject({ minReplicas: 3, maxReplicas: 10 });
    expect(prod.containers[0].resources?.limits).toEqual({
      cpu: '2000m',
      memory: '1Gi',
    });
  });
});

describe('argocd layout: generators and templating', () => {
  it('substitutes fasttemplate and Go template references, and says what it cannot', () => {
    const params = { cluster: 'dev', 'path.basename': 'api', 'path[1]': 'x' };
    expect(substitute('{{cluster}}-{{path.basename}}', params, false)).toEqual({
      text: 'dev-api',
      unresolved: false,
    });
    expect(
      substitute('{{ .cluster }}/{{ index .path.segments 1 }}', params, true),
    ).toEqual({ text: 'dev/x', unresolved: false });
    expect(substitute('{{ upper .cluster }}', params, true)).toEqual({
      text: '{{ upper .cluster }}',
      unresolved: true,
    });
    expect(substitute('{{ .missing }}', params, true).unresolved).toBe(true);
  });

  const app = (name: string) =>
    `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ${name}}\nspec:\n  replicas: 1\n  template:\n    spec:\n      containers:\n        - name: ${name}\n          image: r/${name}:1\n`;

  it('evaluates git files, git directories and matrix generators', async () => {
    const model = await scanRepository(
      new MemoryFiles({
        'envs/qa/config.yaml': 'environment: qa\n',
        'envs/live/config.yaml': 'environment: live\n',
        'services/api/deploy.yaml': app('api'),
        'services/ui/deploy.yaml': app('ui'),
        'set.yaml': `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: all}
spec:
  generators:
    - matrix:
        generators:
          - git: {repoURL: x, files: [{path: "envs/*/config.yaml"}]}
          - git: {repoURL: x, directories: [{path: "services/*"}]}
  template:
    metadata: {name: '{{environment}}-{{path.basename}}'}
    spec:
      source: {repoURL: x, path: '{{path}}'}
      destination: {namespace: '{{environment}}'}
`,
      }),
    );
    expect(
      model.workloads
        .map(w => [w.environment, w.application, w.namespace])
        .sort(),
    ).toEqual([
      ['live', 'api', 'live'],
      ['live', 'ui', 'live'],
      ['qa', 'api', 'qa'],
      ['qa', 'ui', 'qa'],
    ]);
  });

  it('evaluates the clusters generator over cluster secrets in the repository', async () => {
    const secret = (name: string, env: string) => `apiVersion: v1
kind: Secret
metadata:
  name: ${name}
  labels: {argocd.argoproj.io/secret-type: cluster, tier: ${env}}
stringData: {name: ${name}, server: https://${name}.example}
`;
    const model = await scanRepository(
      new MemoryFiles({
        'clusters/a.yaml': secret('eu-prod', 'prod'),
        'clusters/b.yaml': secret('eu-staging', 'staging'),
        'clusters/c.yaml': secret('lab', 'lab'),
        'apps/api/deploy.yaml': app('api'),
        'set.yaml': `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: api}
spec:
  goTemplate: true
  generators:
    - clusters: {selector: {matchLabels: {tier: prod}}}
    - clusters: {selector: {matchLabels: {tier: staging}}}
  template:
    metadata: {name: 'api-{{ .name }}'}
    spec:
      source: {repoURL: x, path: apps/api}
      destination: {server: '{{ .server }}', namespace: api}
`,
      }),
    );
    expect(model.workloads.map(w => [w.environment, w.application])).toEqual([
      ['eu-staging', 'api'],
      ['eu-prod', 'api'],
    ]);
  });

  it('reads a plain Application environment from its name, and reports what needs the cluster', async () => {
    const model = await scanRepository(
      new MemoryFiles({
        'apps/api/deploy.yaml': app('api'),
        'argo/api-staging.yaml': `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: api-staging}
spec:
  source: {repoURL: x, path: apps/api}
  destination: {namespace: api}
`,
        'argo/clusters.yaml': `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: c}
spec:
  generators: [{clusters: {}}]
  template: {metadata: {name: x}, spec: {source: {path: apps/api}}}
`,
      }),
    );
    expect(model.workloads.map(w => [w.environment, w.application])).toEqual([
      ['staging', 'api'],
    ]);
    expect(model.problems.map(p => p.message)).toEqual([
      "ApplicationSet c: the clusters generator needs the cluster (Argo CD's cluster secrets or an SCM); not evaluated",
      'ApplicationSet c generates no Application from the repository',
    ]);
  });
});
