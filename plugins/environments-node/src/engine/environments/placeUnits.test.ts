import { MemoryFiles } from '../files/memoryFiles';
import { scanRepository } from '../scan';
import { isVariantFolder, placeUnits } from './placeUnits';

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

describe('placeUnits', () => {
  const place = (roots: string[], opts: Record<string, unknown> = {}) =>
    placeUnits(roots.map(unit), {
      fluxTargets: [],
      selectorsPresent: false,
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
      selectorsPresent: true,
      fluxTargets: [{ path: 'overlays/prod', environment: 'prod', file: 'f' }],
    });
    expect(placed.map(p => `${p.key}:${p.by}`)).toEqual(['prod:deployer']);
  });

  it('admits folders the entity names, and gives it what nothing places when it names one', () => {
    expect(
      place(['overlays/dev', 'overlays/prod'], {
        selectorsPresent: true,
        declared: ['dev'],
      }).placed.map(p => p.key),
    ).toEqual(['dev', 'dev']);
    expect(
      place(['overlays/dev', 'overlays/prod'], {
        selectorsPresent: true,
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
