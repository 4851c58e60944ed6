import { MemoryFiles } from '../files/memoryFiles';
import { scanRepository } from '../scan';
import { isVariantFolder, placeUnits, selectedBeside } from './placeUnits';

const tree: Record<string, string[]> = {
  overlays: ['dev', 'prod', 'debug'],
  regions: ['us-east', 'eu-west'],
};
const list = (p: string) => tree[p] ?? [];
const unit = (root: string) => ({
  root,
  managedBy: 'kustomize' as const,
  resources: [],
});

describe('isVariantFolder', () => {
  it('is a folder beside stages that names no stage', () => {
    const env = (leaf: string, parent = 'overlays') => ({
      leaf,
      key: leaf,
      folder: `${parent}/${leaf}`,
    });
    expect(isVariantFolder(env('debug'), list)).toBe(true);
    expect(isVariantFolder(env('dev'), list)).toBe(false);
    expect(isVariantFolder(env('us-east', 'regions'), list)).toBe(false);
  });
});

describe('selectedBeside', () => {
  it('is true when something deploys a folder under the same parent', () => {
    expect(
      selectedBeside('apps/web/overlays/prod', ['apps/web/overlays/dev']),
    ).toBe(true);
    expect(selectedBeside('teams/a/overlays/prod', ['platform/apps/web'])).toBe(
      false,
    );
    expect(selectedBeside('prod', ['dev'])).toBe(true);
  });
});

describe('placeUnits', () => {
  const place = (roots: string[], opts: Record<string, unknown> = {}) =>
    placeUnits(roots.map(unit), {
      fluxTargets: [],
      selectedPaths: [],
      listFolders: list,
      ...opts,
    });

  it('takes environment folders when nothing selects folders, not variants', () => {
    const { placed, unplaced } = place([
      'overlays/dev',
      'overlays/debug',
      'kustomize',
    ]);
    expect(placed.map(p => p.key)).toEqual(['dev']);
    expect(unplaced.map(u => u.root)).toEqual(['overlays/debug', 'kustomize']);
  });

  it('takes only what selectors deploy once something selects folders', () => {
    const { placed } = place(['overlays/dev', 'overlays/prod'], {
      selectedPaths: ['overlays/prod'],
      fluxTargets: [{ path: 'overlays/prod', environment: 'prod', file: 'f' }],
    });
    expect(placed.map(p => `${p.key}:${p.by}`)).toEqual(['prod:deployer']);
  });

  it('admits folders the entity names, and gives it what nothing places when it names one', () => {
    expect(
      place(['overlays/dev', 'overlays/prod'], {
        selectedPaths: ['overlays/x'],
        declared: ['dev'],
      }).placed.map(p => p.key),
    ).toEqual(['dev', 'dev']);
    expect(
      place(['overlays/dev', 'overlays/prod'], {
        selectedPaths: ['overlays/x'],
        declared: ['dev', 'prod'],
      }).placed.map(p => p.key),
    ).toEqual(['dev', 'prod']);
  });
});

describe('scan: what selects folders', () => {
  it('keeps environment folders when Argo CD only installs a remote chart', async () => {
    const deployment = `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\nspec:\n  template:\n    spec:\n      containers: [{name: a, image: "a:1"}]\n`;
    const model = await scanRepository(
      new MemoryFiles({
        'argocd/ingress.yaml':
          'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: ingress-nginx}\nspec:\n  source: {repoURL: https://kubernetes.github.io/ingress-nginx, chart: ingress-nginx, targetRevision: 4.0.0}\n',
        'overlays/dev/d.yaml': deployment,
        'overlays/prod/d.yaml': deployment,
      }),
    );
    expect(model.environments.map(e => e.name)).toEqual(['dev', 'prod']);
  });
});

describe('scan: what deploys one part of a repository does not decide for another', () => {
  it('keeps environment folders apart from those Applications deploy, and drops their unselected siblings', async () => {
    const d = `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\nspec:\n  template:\n    spec:\n      containers: [{name: a, image: "a:1"}]\n`;
    const model = await scanRepository(
      new MemoryFiles({
        'argocd/web-dev.yaml':
          'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: web-dev}\nspec:\n  source: {path: platform/web/overlays/dev}\n',
        'platform/web/overlays/dev/d.yaml': d,
        'platform/web/overlays/staging/d.yaml': d,
        'team/overlays/qa/d.yaml': d,
        'team/overlays/prod/d.yaml': d,
      }),
    );
    expect(model.workloads.map(w => `${w.environment}:${w.root}`)).toEqual([
      'dev:platform/web/overlays/dev',
      'qa:team/overlays/qa',
      'prod:team/overlays/prod',
    ]);
  });
});
