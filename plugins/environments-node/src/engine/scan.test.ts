import * as path from 'path';
import { MemoryFiles } from './files/memoryFiles';
import { scanDirectory, scanRepository } from './scan';
import { DeclaredModel } from './types';

const FIXTURES = path.resolve(__dirname, '../../fixtures');

function cell(model: DeclaredModel, application: string, environment: string) {
  const found = model.workloads.filter(
    w => w.application === application && w.environment === environment,
  );
  expect(found).toHaveLength(1);
  return found[0];
}

describe('scan: Craftista (kustomize overlays/homelab/<env>/<app>)', () => {
  let model: DeclaredModel;
  beforeAll(async () => {
    model = await scanDirectory(path.join(FIXTURES, 'craftista'));
  });

  it('finds and orders the environments', () => {
    expect(model.environments.map(e => e.name)).toEqual([
      'dev',
      'staging',
      'prod',
    ]);
    expect(model.environments[0].paths).toEqual([
      'kubernetes/overlays/homelab/dev',
    ]);
    expect(model.problems).toEqual([]);
  });

  it('renders tags, replicas and resources per environment like kustomize build', () => {
    const rows = model.workloads.map(w => [
      w.environment,
      w.application,
      w.name,
      w.namespace,
      w.replicas,
      `${w.containers[0].image}:${w.containers[0].tag}${
        w.containers[0].digest ? `@${w.containers[0].digest}` : ''
      }`,
      w.containers[0].resources?.requests?.cpu,
    ]);
    expect(rows).toEqual([
      [
        'dev',
        'catalogue',
        'catalogue',
        'craftista-dev',
        1,
        '8gears/craftista-catalogue:1.4.2-dev',
        '100m',
      ],
      [
        'staging',
        'catalogue',
        'catalogue',
        'craftista-staging',
        2,
        'registry.craftista.local/catalogue:1.4.1',
        '200m',
      ],
      [
        'prod',
        'catalogue',
        'catalogue',
        'craftista-prod',
        3,
        '8gears/craftista-catalogue:1.3.9@sha256:4b3c9a2f0e1d',
        '50m',
      ],
      [
        'dev',
        'frontend',
        'dev-frontend',
        'craftista-dev',
        null,
        '8gears/craftista-frontend:1.4.2-dev',
        '50m',
      ],
      [
        'staging',
        'frontend',
        'frontend',
        'craftista-staging',
        2,
        '8gears/craftista-frontend:1.4.1',
        '50m',
      ],
      [
        'prod',
        'frontend',
        'frontend',
        'craftista-prod',
        null,
        '8gears/craftista-frontend:1.3.9',
        '50m',
      ],
    ]);
  });

  it('points the version at the place to edit for each environment', () => {
    expect(cell(model, 'catalogue', 'dev').containers[0].source).toEqual({
      file: 'kubernetes/overlays/homelab/dev/catalogue/kustomization.yaml',
      path: 'images[0].newTag',
      line: 8,
    });
    expect(cell(model, 'frontend', 'prod').containers[0].source).toEqual({
      file: 'kubernetes/overlays/homelab/prod/frontend/image.yaml',
      path: '[0].value',
      line: 3,
    });
    expect(
      cell(model, 'catalogue', 'prod').provenance[
        'containers.catalogue.digest'
      ],
    ).toEqual({
      file: 'kubernetes/overlays/homelab/prod/catalogue/kustomization.yaml',
      path: 'images[0].digest',
      line: 9,
    });
    expect(cell(model, 'catalogue', 'staging').provenance.replicas).toEqual({
      file: 'kubernetes/overlays/homelab/staging/catalogue/kustomization.yaml',
      path: 'patches[0].patch',
      line: 17,
    });
  });

  it('reads env vars from configMapGenerator literals and patches, and redacts secrets', () => {
    expect(cell(model, 'catalogue', 'dev').env).toEqual({
      FLASK_DEBUG: 'True',
      LOG_LEVEL: 'DEBUG',
    });
    expect(cell(model, 'catalogue', 'prod').env).toEqual({
      FLASK_DEBUG: 'False',
      LOG_LEVEL: 'INFO',
    });
    expect(cell(model, 'frontend', 'dev').env.NODE_ENV).toBe('development');
    expect(cell(model, 'frontend', 'prod').env.DATABASE_URL).toBe(
      'postgres://app:[redacted]@db:5432/craftista',
    );
    expect(JSON.stringify(model)).not.toContain('s3cr3t');
  });

  it('joins ingress hosts and the HPA from a component', () => {
    expect(cell(model, 'frontend', 'dev').ingressHosts).toEqual([
      'dev.craftista.local',
    ]);
    expect(cell(model, 'frontend', 'staging').ingressHosts).toEqual([
      'staging.craftista.local',
    ]);
    expect(cell(model, 'frontend', 'prod').autoscaling).toMatchObject({
      minReplicas: 3,
      maxReplicas: 10,
      targets: [{ name: 'cpu', averageUtilization: 70 }],
    });
    expect(cell(model, 'frontend', 'staging').autoscaling).toBeNull();
  });

  it('can be limited to a sub-folder while resolving bases elsewhere', async () => {
    const sub = await scanDirectory(path.join(FIXTURES, 'craftista'), {
      path: 'kubernetes/overlays/homelab/prod/catalogue',
    });
    expect(sub.environments.map(e => e.name)).toEqual(['prod']);
    expect(
      sub.workloads.map(
        w => `${w.application}@${w.environment}:${w.containers[0].tag}`,
      ),
    ).toEqual(['catalogue@prod:1.3.9']);
  });

  it('accepts an explicit environment order', async () => {
    const m = await scanDirectory(path.join(FIXTURES, 'craftista'), {
      environmentOrder: ['prod'],
    });
    expect(m.environments.map(e => e.name)).toEqual(['prod', 'dev', 'staging']);
  });
});

describe('scan: StudySphere (plain manifests per environment with HPA)', () => {
  let model: DeclaredModel;
  beforeAll(async () => {
    model = await scanDirectory(path.join(FIXTURES, 'studysphere'));
  });

  it('finds development < testing < production', () => {
    expect(model.environments.map(e => e.name)).toEqual([
      'development',
      'testing',
      'production',
    ]);
    expect(model.workloads.every(w => w.managedBy === 'manifests')).toBe(true);
  });

  it('reads replicas, HPA, ingress and env per environment', () => {
    const prod = cell(model, 'studysphere-api', 'production');
    expect(prod).toMatchObject({
      namespace: 'production',
      replicas: 2,
      autoscaling: { minReplicas: 2, maxReplicas: 10 },
      ingressHosts: ['studysphere.example.com'],
    });
    expect(prod.containers[0]).toMatchObject({
      tag: '2.3.0',
      resources: { limits: { cpu: '500m', memory: '512Mi' } },
    });
    expect(prod.containers[0].source).toEqual({
      file: 'k8s/production/api.yaml',
      path: 'spec.template.spec.containers[0].image',
      line: 18,
      document: 0,
    });
    expect(
      cell(model, 'studysphere-api', 'development').autoscaling?.maxReplicas,
    ).toBe(3);
    expect(prod.provenance['autoscaling.maxReplicas']).toMatchObject({
      file: 'k8s/production/hpa.yaml',
      line: 12,
    });
  });

  it('never outputs secret values', () => {
    const text = JSON.stringify(model);
    expect(text).not.toContain('fixture-not-a-secret');
    expect(text).not.toContain('fixture-not-a-secret-jwt');
    expect(cell(model, 'studysphere-api', 'testing').env.JWT_SECRET).toBe(
      '[redacted]',
    );
  });
});

describe('scanRepository on in-memory files', () => {
  const deployment = (name: string, image: string) =>
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  replicas: 1\n  template:\n    spec:\n      containers:\n        - name: app\n          image: ${image}\n`;

  it('handles envs/, environments/, stages/ and variants/ layouts and an untagged image', async () => {
    const model = await scanRepository(
      new MemoryFiles({
        'apps/web/base/kustomization.yaml': 'resources: [d.yaml]\n',
        'apps/web/base/d.yaml': deployment('web', 'web'),
        'apps/web/envs/qa/kustomization.yaml':
          'resources: [../../base]\nimages: [{name: web, newTag: "5"}]\n',
        'apps/web/envs/prod-eu/kustomization.yaml': 'resources: [../../base]\n',
        'stages/blue/app.yaml': deployment('svc', 'svc:1'),
        'stages/green/app.yaml': deployment('svc', 'svc:2'),
      }),
    );
    expect(model.environments.map(e => e.name)).toEqual([
      'qa',
      'blue',
      'green',
      'prod-eu',
    ]);
    const prod = model.workloads.find(w => w.environment === 'prod-eu')!;
    expect(prod.containers[0]).toMatchObject({
      image: 'web',
      tag: null,
      digest: null,
    });
    expect(prod.containers[0].source).toMatchObject({
      file: 'apps/web/base/d.yaml',
      line: 11,
    });
  });

  it('splits a root kustomization that aggregates environments', async () => {
    const model = await scanRepository(
      new MemoryFiles({
        'kustomization.yaml': 'resources: [overlays/dev, overlays/prod]\n',
        'overlays/dev/kustomization.yaml': 'resources: [d.yaml]\n',
        'overlays/dev/d.yaml': deployment('a', 'a:1'),
        'overlays/prod/kustomization.yaml': 'resources: [d.yaml]\n',
        'overlays/prod/d.yaml': deployment('a', 'a:2'),
      }),
    );
    expect(
      model.workloads.map(w => `${w.environment}:${w.containers[0].tag}`),
    ).toEqual(['dev:1', 'prod:2']);
  });

  it('keeps an environment that another environment builds on', async () => {
    const model = await scanRepository(
      new MemoryFiles({
        'base/kustomization.yaml': 'resources: [d.yaml]\n',
        'base/d.yaml': deployment('a', 'a:1'),
        'overlays/prod/kustomization.yaml':
          'resources: [../../base]\nimages: [{name: a, newTag: "2"}]\n',
        'overlays/prod-eu/kustomization.yaml':
          'resources: [../prod]\nreplicas: [{name: a, count: 5}]\n',
        'clusters/prod/kustomization.yaml':
          'resources: [../../overlays/prod]\n',
      }),
    );
    expect(
      model.workloads.map(
        w => `${w.environment}:${w.containers[0].tag}:${w.replicas}:${w.root}`,
      ),
    ).toEqual(['prod:2:1:clusters/prod', 'prod-eu:2:5:overlays/prod-eu']);
  });

  it('makes no "default" environment of workloads that nothing places: an info problem says so', async () => {
    const model = await scanRepository(
      new MemoryFiles({
        'k8s/app.yaml': deployment('a', 'a:1'),
        'dev/app.yaml': deployment('a', 'a:0'),
      }),
    );
    expect(model.environments.map(e => e.name)).toEqual(['dev']);
    expect(model.workloads.map(w => w.environment)).toEqual(['dev']);
    expect(model.problems).toEqual([
      expect.objectContaining({
        file: 'k8s',
        severity: 'info',
        message: expect.stringMatching(/deployed by nothing.*not shown/),
      }),
    ]);
  });

  it('puts the workloads nothing places into the one environment the entity names', async () => {
    const model = await scanRepository(
      new MemoryFiles({ 'k8s/app.yaml': deployment('a', 'a:1') }),
      { environmentOrder: ['prod'] },
    );
    expect(model.workloads.map(w => `${w.environment}:${w.name}`)).toEqual([
      'prod:a',
    ]);
  });

  it('rejects a scan path outside the repository', async () => {
    await expect(
      scanRepository(new MemoryFiles({}), { path: '../x' }),
    ).rejects.toThrow(/outside/);
  });
});
