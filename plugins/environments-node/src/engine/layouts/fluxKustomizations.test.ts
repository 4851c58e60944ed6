import { MemoryFiles } from '../files/memoryFiles';
import { scanRepository } from '../scan';
import {
  artifactFolder,
  fluxEnvironmentsOf,
  resolveArtifactPath,
} from './fluxKustomizations';

const fluxKustomization = (name: string, path: string, extra = '') =>
  `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: ${name}, namespace: flux-system}\nspec:\n  path: ${path}\n  sourceRef: {kind: GitRepository, name: flux-system}\n${extra}`;

const remoteRelease = (extra = '') =>
  `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: podinfo, namespace: podinfo}\nspec:\n  chart:\n    spec:\n      chart: podinfo\n      sourceRef: {kind: HelmRepository, name: podinfo}\n  values:\n    ingress: {enabled: true}\n${extra}`;

describe('artifact paths', () => {
  it('reads ArtifactGenerator copy globs', () => {
    expect(artifactFolder('@monorepo/apps/base/**')).toBe('apps/base');
    expect(artifactFolder('@artifact/base/')).toBe('base');
    expect(artifactFolder('@artifact/')).toBe('');
    expect(artifactFolder('apps/**')).toBeUndefined();
  });

  it('maps a path inside an artifact to the folder it was copied from', () => {
    const copies = [
      { from: 'apps/staging', to: 'staging' },
      { from: 'apps/base', to: 'base' },
    ];
    const isFolder = (p: string) => ['apps/staging', 'apps/base'].includes(p);
    expect(resolveArtifactPath('staging', copies, isFolder)).toBe(
      'apps/staging',
    );
    expect(resolveArtifactPath('prod', copies, isFolder)).toBeUndefined();
  });
});

describe('fluxEnvironmentsOf', () => {
  const targets = [
    { path: 'infra/controllers', environment: 'staging', file: 'a' },
    { path: 'infra/controllers', environment: 'production', file: 'b' },
    { path: 'infra', environment: 'dev', file: 'c' },
  ];
  it('gives a folder applied by several environments to each, the most specific path first', () => {
    expect(fluxEnvironmentsOf('infra/controllers/x', targets)).toEqual([
      { environment: 'staging' },
      { environment: 'production' },
    ]);
    expect(fluxEnvironmentsOf('infra/configs', targets)).toEqual([
      { environment: 'dev' },
    ]);
    expect(fluxEnvironmentsOf('apps', targets)).toEqual([]);
  });
});

describe('flux: remote charts and the Kustomizations that apply them', () => {
  it('makes a HelmRelease whose values name no image a workload versioned by its chart', async () => {
    const model = await scanRepository(
      new MemoryFiles({
        'apps/base/kustomization.yaml': 'resources: [release.yaml]\n',
        'apps/base/release.yaml': remoteRelease(),
        'apps/staging/kustomization.yaml':
          'resources: [../base]\npatches:\n  - path: v.yaml\n    target: {kind: HelmRelease}\n',
        'apps/staging/v.yaml':
          'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: podinfo}\nspec:\n  chart: {spec: {version: ">=1.0.0-alpha"}}\n  values: {replicaCount: 2}\n',
        'apps/production/kustomization.yaml': 'resources: [../base]\n',
      }),
    );
    expect(model.environments.map(e => e.name)).toEqual([
      'staging',
      'production',
    ]);
    expect(
      model.workloads.map(w => [
        w.environment,
        w.kind,
        w.application,
        w.namespace,
        w.containers,
        w.replicas,
        w.helm?.chart,
        w.helm?.chartVersion,
        w.deployedBy,
      ]),
    ).toEqual([
      [
        'staging',
        'HelmRelease',
        'podinfo',
        'podinfo',
        [],
        2,
        'podinfo',
        '>=1.0.0-alpha',
        { kind: 'HelmRelease', name: 'podinfo' },
      ],
      [
        'production',
        'HelmRelease',
        'podinfo',
        'podinfo',
        [],
        null,
        'podinfo',
        null,
        { kind: 'HelmRelease', name: 'podinfo' },
      ],
    ]);
    expect(model.problems).toEqual([
      expect.objectContaining({
        file: 'apps/base/release.yaml',
        severity: 'info',
        message:
          'HelmRelease "podinfo": image from chart defaults; live state shows it',
      }),
    ]);
  });

  it('takes environments from hub files and ExternalArtifacts, and clusters from cluster folders', async () => {
    const model = await scanRepository(
      new MemoryFiles({
        // hub-and-spoke: the environment is the file's name
        'hub/staging.yaml': fluxKustomization('apps', './deploy/apps'),
        'deploy/apps/kustomization.yaml': 'resources: [r.yaml]\n',
        'deploy/apps/r.yaml': remoteRelease(),
        // an ArtifactGenerator copies apps/prod to the artifact's prod/
        'clusters/eu-1/artifacts.yaml':
          'apiVersion: source.extensions.fluxcd.io/v1beta1\nkind: ArtifactGenerator\nmetadata: {name: g}\nspec:\n  artifacts:\n    - name: apps\n      copy:\n        - {from: "@repo/web/prod/**", to: "@artifact/prod/"}\n',
        'clusters/eu-1/apps.yaml':
          'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: apps}\nspec:\n  path: ./prod\n  sourceRef: {kind: ExternalArtifact, name: apps}\n',
        'web/prod/kustomization.yaml': 'resources: [r.yaml]\n',
        'web/prod/r.yaml': remoteRelease(),
        // an overlay nothing applies is not an environment
        'web/dev/kustomization.yaml': 'resources: [r.yaml]\n',
        'web/dev/r.yaml': remoteRelease(),
      }),
    );
    expect(
      model.workloads.map(w => `${w.environment}@${w.cluster ?? ''}:${w.root}`),
    ).toEqual(['staging@:deploy/apps', 'prod@eu-1:web/prod']);
    // a Deployment a Flux Kustomization applies is deployed by it
    const applied = await scanRepository(
      new MemoryFiles({
        'clusters/dev/apps.yaml': fluxKustomization('apps', './apps/dev'),
        'apps/dev/d.yaml':
          'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\nspec:\n  template:\n    spec:\n      containers: [{name: a, image: "a:1"}]\n',
      }),
    );
    expect(applied.workloads.map(w => w.deployedBy)).toEqual([
      { kind: 'Kustomization', name: 'apps' },
    ]);
    expect(model.environments).toEqual([
      { name: 'staging', order: 0, paths: ['deploy/apps'] },
      { name: 'prod', order: 1, paths: ['web/prod'], clusters: ['eu-1'] },
    ]);
  });

  it('says where a tenant Kustomization from another source deploys from', async () => {
    const model = await scanRepository(
      new MemoryFiles({
        'clusters/staging/tenants.yaml': fluxKustomization(
          'tenants',
          './tenants/staging',
        ),
        'tenants/staging/kustomization.yaml':
          'resources: [sync.yaml]\npatches:\n  - patch: |\n      apiVersion: kustomize.toolkit.fluxcd.io/v1\n      kind: Kustomization\n      metadata: {name: team}\n      spec: {path: ./staging}\n',
        'tenants/staging/sync.yaml':
          'apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata: {name: team}\nspec:\n  url: https://example.com/team.git\n  ref: {branch: team}\n---\napiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: team}\nspec:\n  sourceRef: {kind: GitRepository, name: team}\n',
      }),
    );
    expect(model.environments.map(e => e.name)).toEqual(['staging']);
    expect(model.problems).toEqual([
      expect.objectContaining({
        file: 'tenants/staging/sync.yaml',
        severity: 'info',
        message:
          'Flux Kustomization team deploys ./staging from GitRepository team (https://example.com/team.git, branch team), another source than this checkout; its workloads are not read',
      }),
    ]);
  });
});
