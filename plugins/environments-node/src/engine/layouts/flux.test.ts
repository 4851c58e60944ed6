import * as path from 'path';
import { MemoryFiles } from '../files/memoryFiles';
import { scanDirectory, scanRepository } from '../scan';
import { DeclaredModel } from '../types';

const FIXTURES = path.resolve(__dirname, '../../../fixtures');

describe('flux layout: Super-Todo HelmReleases (staging/production)', () => {
  let model: DeclaredModel;
  beforeAll(async () => {
    model = await scanDirectory(path.join(FIXTURES, 'super-todo'));
  });

  it('turns each HelmRelease into the workloads its values declare', () => {
    expect(model.environments.map(e => e.name)).toEqual([
      'staging',
      'production',
    ]);
    expect(
      model.workloads.map(w => [
        w.environment,
        w.application,
        w.managedBy,
        w.namespace,
        `${w.containers[0].image}:${w.containers[0].tag}`,
        w.replicas,
        w.helm?.chart,
        w.helm?.chartVersion,
      ]),
    ).toEqual([
      [
        'staging',
        'postgres',
        'flux',
        'staging',
        'bitnami/postgresql:16.3.0',
        null,
        'postgresql',
        '15.5.0',
      ],
      [
        'production',
        'postgresql',
        'flux',
        'production',
        'bitnami/postgresql-repmgr:16.3.0',
        3,
        'postgresql-ha',
        '14.2.0',
      ],
      [
        'staging',
        'super-todo',
        'flux',
        'staging',
        'ghcr.io/super-todo/api:1.8.0',
        1,
        'super-todo',
        '1.2.0',
      ],
      [
        'production',
        'super-todo',
        'flux',
        'production',
        'ghcr.io/super-todo/api:1.7.2',
        2,
        'super-todo',
        '1.1.4',
      ],
    ]);
  });

  it('reads HPA 2–5, resources, hosts and env with provenance in the HelmRelease', () => {
    const prod = model.workloads.find(
      w => w.environment === 'production' && w.application === 'super-todo',
    )!;
    expect(prod.autoscaling).toMatchObject({ minReplicas: 2, maxReplicas: 5 });
    expect(prod.containers[0].resources).toEqual({
      requests: { cpu: '250m', memory: '256Mi' },
      limits: { cpu: '1000m', memory: '1Gi' },
    });
    expect(prod.ingressHosts).toEqual(['app.staging']);
    expect(prod.containers[0].source).toEqual({
      file: 'flux-cd/apps/super-todo/production/helmrelease.yaml',
      path: 'spec.values.image.tag',
      line: 23,
    });
    expect(prod.helm?.chartVersionSource).toEqual({
      file: 'flux-cd/apps/super-todo/production/helmrelease.yaml',
      path: 'spec.chart.spec.version',
      line: 11,
    });
    const staging = model.workloads.find(
      w => w.environment === 'staging' && w.application === 'super-todo',
    )!;
    expect(staging.env).toEqual({ LOG_LEVEL: 'debug' });
    expect(staging.autoscaling).toBeNull();
    expect(JSON.stringify(model)).not.toContain('fixture-not-a-secret-db');
  });

  it('notes what it does not read', () => {
    expect(model.problems).toEqual([
      expect.objectContaining({
        severity: 'info',
        message:
          'valuesFrom Secret "super-todo-db" is not read (secrets stay out of the matrix)',
      }),
    ]);
  });
});

describe('flux layout: HelmRelease patched per environment by kustomize', () => {
  const files = {
    'apps/base/podinfo/kustomization.yaml': 'resources: [release.yaml]\n',
    'apps/base/podinfo/release.yaml': `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: podinfo
  namespace: podinfo
spec:
  chart:
    spec:
      chart: ./charts/podinfo
      sourceRef: {kind: GitRepository, name: flux-system}
  valuesFrom:
    - kind: ConfigMap
      name: podinfo-values
  values:
    replicaCount: 1
`,
    'charts/podinfo/Chart.yaml':
      'name: podinfo\nversion: 6.5.0\nappVersion: 6.5.0\n',
    'charts/podinfo/values.yaml':
      'image:\n  repository: ghcr.io/stefanprodan/podinfo\n  tag: ""\n',
    'apps/staging/kustomization.yaml': `resources: [../base/podinfo]
configMapGenerator:
  - name: podinfo-values
    files: [values.yaml=podinfo-values.yaml]
patches:
  - path: podinfo-patch.yaml
`,
    'apps/staging/podinfo-values.yaml': 'image:\n  tag: 6.6.0\n',
    'apps/staging/podinfo-patch.yaml': `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: podinfo
  namespace: podinfo
spec:
  values:
    replicaCount: 2
`,
    'apps/production/kustomization.yaml': `resources: [../base/podinfo]
configMapGenerator:
  - name: podinfo-values
    literals: []
    files: []
`,
    // the clusters' Flux Kustomizations apply the overlays (an overlay
    // nothing applies is not an environment once Flux selects folders)
    'clusters/staging/apps.yaml': `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: apps, namespace: flux-system}
spec:
  path: ./apps/staging
`,
    'clusters/production/apps.yaml': `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: apps, namespace: flux-system}
spec:
  path: ./apps/production
`,
    'clusters/edge-1/apps.yaml': `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: apps, namespace: flux-system}
spec:
  path: ./tenants/blue
  postBuild:
    substitute: {cluster: edge-1}
`,
    'tenants/blue/deploy.yaml': `apiVersion: apps/v1
kind: Deployment
metadata: {name: blue}
spec:
  template:
    spec:
      containers:
        - name: blue
          image: blue:\${version}
`,
  };

  it('layers chart values < valuesFrom ConfigMap files < patched spec.values', async () => {
    const model = await scanRepository(new MemoryFiles(files));
    const rows = model.workloads.map(w => [
      w.environment,
      w.application,
      w.managedBy,
      `${w.containers[0].image}:${w.containers[0].tag}`,
      w.replicas,
      w.containers[0].source?.file,
    ]);
    expect(rows).toEqual([
      [
        'edge-1',
        'blue',
        'manifests',
        'blue:${version}',
        null,
        'tenants/blue/deploy.yaml',
      ],
      [
        'staging',
        'podinfo',
        'flux',
        'ghcr.io/stefanprodan/podinfo:6.6.0',
        2,
        'apps/staging/podinfo-values.yaml',
      ],
      [
        'production',
        'podinfo',
        'flux',
        'ghcr.io/stefanprodan/podinfo:6.5.0',
        1,
        'charts/podinfo/Chart.yaml',
      ],
    ]);
    const staging = model.workloads.find(w => w.environment === 'staging')!;
    expect(staging.helm?.layers).toEqual([
      { file: 'charts/podinfo/values.yaml', path: '' },
      { file: 'apps/staging/podinfo-values.yaml', path: '' },
      { file: 'apps/base/podinfo/release.yaml', path: 'spec.values' },
    ]);
    expect(staging.helm?.chartVersion).toBe('6.5.0');
    expect(staging.provenance.replicas.file).toBe(
      'apps/staging/podinfo-patch.yaml',
    );
    expect(model.problems.map(p => p.message)).toEqual(
      expect.arrayContaining([
        expect.stringContaining(
          'valuesFrom ConfigMap "podinfo-values" (key values.yaml) is not in the repository',
        ),
      ]),
    );
  });

  it('reads values embedded in a ConfigMap string, with their lines', async () => {
    const model = await scanRepository(
      new MemoryFiles({
        'prod/release.yaml': `apiVersion: helm.toolkit.fluxcd.io/v2beta2
kind: HelmRelease
metadata: {name: web}
spec:
  chart: {spec: {chart: web, version: 2.0.0, sourceRef: {kind: HelmRepository, name: r}}}
  valuesFrom: [{kind: ConfigMap, name: web-values}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: web-values}
data:
  values.yaml: |
    image:
      repository: r/web
      tag: 3.2.1
`,
      }),
    );
    expect(
      model.workloads.map(w => [
        w.environment,
        w.containers[0].tag,
        w.containers[0].source,
      ]),
    ).toEqual([
      [
        'prod',
        '3.2.1',
        {
          file: 'prod/release.yaml',
          path: 'data["values.yaml"]',
          line: 15,
          document: 1,
        },
      ],
    ]);
  });
});
