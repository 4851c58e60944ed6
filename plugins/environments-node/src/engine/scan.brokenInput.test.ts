import { MemoryFiles } from './files/memoryFiles';
import { scanRepository } from './scan';

const deployment = (name: string, image: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ${name}}\nspec:\n  template:\n    spec:\n      containers: [{name: ${name}, image: "${image}"}]\n`;

describe('scan: broken input degrades one environment, never removes it', () => {
  const base = {
    'base/kustomization.yaml': 'resources: [a.yaml, b.yaml]\n',
    'base/a.yaml': deployment('a', 'a:1'),
    'base/b.yaml': deployment('b', 'b:1'),
    'overlays/dev/kustomization.yaml':
      'resources: [../../base]\npatches: [{path: p.yaml}]\nimages: [{name: a, newTag: "2"}]\n',
    'overlays/staging/kustomization.yaml': 'resources: [../../base]\n',
  };

  it('keeps the environment of a file that does not parse, with a problem at its line', async () => {
    const model = await scanRepository(
      new MemoryFiles({
        ...base,
        'overlays/dev/p.yaml':
          'kind: Deployment\nmetadata: {name: a\nspec: 1\n',
        'overlays/prod/kustomization.yaml':
          'resources: [../../base]\nimages: [{name: a, newTag: "3"}\n',
      }),
    );
    expect(model.environments.map(e => [e.name, e.paths])).toEqual([
      ['dev', ['overlays/dev']],
      ['staging', ['overlays/staging']],
      ['prod', ['overlays/prod']],
    ]);
    // the rest of dev and every other environment stay
    expect(model.workloads.map(w => `${w.environment}:${w.name}`)).toEqual([
      'dev:a',
      'staging:a',
      'dev:b',
      'staging:b',
    ]);
    expect(
      model.problems.map(p => [p.file, p.severity, typeof p.line]),
    ).toEqual([
      ['overlays/dev/p.yaml', 'error', 'number'],
      ['overlays/prod/kustomization.yaml', 'error', 'number'],
    ]);
  });

  it('keeps the environment an Argo CD Application names when its folder is broken', async () => {
    const model = await scanRepository(
      new MemoryFiles({
        'apps/web/dev/d.yaml': 'kind: [\n',
        'argocd/web-dev.yaml':
          'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: web-dev}\nspec:\n  source: {path: apps/web/dev}\n',
      }),
    );
    expect(model.environments.map(e => e.name)).toEqual(['dev']);
    expect(model.problems.map(p => p.file)).toEqual(['apps/web/dev/d.yaml']);
  });

  it('reports a duplicate key as an error in its environment', async () => {
    const model = await scanRepository(
      new MemoryFiles({
        ...base,
        'overlays/dev/p.yaml':
          'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\nspec:\n  replicas: 2\n  replicas: 3\n',
      }),
    );
    expect(model.problems).toEqual([
      expect.objectContaining({
        file: 'overlays/dev/p.yaml',
        line: 6,
        severity: 'error',
        message: expect.stringContaining('duplicate key spec.replicas'),
      }),
    ]);
    expect(model.environments.map(e => e.name)).toEqual(['dev', 'staging']);
  });
});
