import { MemoryFiles } from '../files/memoryFiles';
import { RepoReader } from '../files/repoReader';
import { nameOf } from '../resources';
import { kustomizeLayout } from './kustomize';
import { LayoutContext } from './layoutReader';
import { isManifestCandidate, manifestsLayout } from './manifests';

const deployment = (name: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n`;

async function context(
  files: Record<string, string>,
  scope = '',
): Promise<LayoutContext> {
  const source = new MemoryFiles(files);
  const listing = await source.list();
  return {
    reader: new RepoReader(source, listing.files),
    scope,
    filesInScope: listing.files.filter(
      f => !scope || f.startsWith(`${scope}/`),
    ),
    claimed: new Set(),
    claimedFolders: new Set(),
  };
}

const repo = {
  'base/kustomization.yaml': 'resources: [d.yaml]\n',
  'base/d.yaml': deployment('api'),
  'components/x/kustomization.yaml': 'kind: Component\n',
  'overlays/dev/kustomization.yaml':
    'resources: [../../base]\ncomponents: [../../components/x]\n',
  'overlays/prod/kustomization.yml': 'resources: [../../base]\n',
  'flux/kustomization.yaml':
    'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\n',
  'plain/dev/app.yaml': deployment('plain'),
  'overlays/prod/unused/patch.yaml': deployment('partial'),
  'plain/dev/values.yaml': 'replicaCount: 1\n',
  'chart/Chart.yaml': 'name: c\n',
  'chart/templates/d.yaml': '{{ .Values.x }}\n',
};

describe('layout readers', () => {
  it('kustomize renders unreferenced kustomizations only and claims what it used', async () => {
    const ctx = await context(repo);
    const units = await kustomizeLayout.read(ctx);
    expect(units.map(u => u.root)).toEqual(['overlays/dev', 'overlays/prod']);
    expect(units[0].resources.map(nameOf)).toEqual(['api']);
    expect(ctx.claimed.has('base/d.yaml')).toBe(true);
    expect(ctx.claimedFolders.has('components/x')).toBe(true);
  });

  it('manifests reads what is left, grouped by environment folder, skipping charts', async () => {
    const ctx = await context(repo);
    await kustomizeLayout.read(ctx);
    const units = await manifestsLayout.read(ctx);
    expect(units.map(u => [u.root, u.resources.map(nameOf)])).toEqual([
      ['plain/dev', ['plain']],
    ]);
    expect(ctx.reader.problems).toEqual([]);
  });

  it('respects the scan scope', async () => {
    const ctx = await context(repo, 'overlays/prod');
    expect((await kustomizeLayout.read(ctx)).map(u => u.root)).toEqual([
      'overlays/prod',
    ]);
  });

  it('knows which files may be manifests', () => {
    expect(isManifestCandidate('a/b.yaml')).toBe(true);
    expect(isManifestCandidate('a/b.YML')).toBe(true);
    expect(isManifestCandidate('.github/workflows/ci.yaml')).toBe(false);
    expect(isManifestCandidate('chart/values-prod.yaml')).toBe(false);
    expect(isManifestCandidate('README.md')).toBe(false);
  });
});
