import { MemoryFiles } from '../files/memoryFiles';
import { RepoReader } from '../files/repoReader';
import { nameOf, Resource } from '../resources';
import { getIn, isLeaf, toPlain } from '../yaml/tree';
import { KustomizeBuilder } from './kustomizeBuild';

const deployment = (
  name: string,
  image: string,
  extra = '',
) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  labels:
    app: ${name}
spec:
  replicas: 1
  template:
    metadata:
      labels:
        app: ${name}
    spec:
      containers:
        - name: ${name}
          image: ${image}
${extra}`;

async function build(files: Record<string, string>, dir: string) {
  const source = new MemoryFiles(files);
  const reader = new RepoReader(source, (await source.list()).files);
  const builder = new KustomizeBuilder(reader);
  const resources = await builder.build(dir);
  return { resources, problems: reader.problems, builder };
}

function find(resources: Resource[], kind: string, name: string) {
  // generated ConfigMaps are found by their name before the hash suffix
  return resources.find(
    r =>
      r.tree.kind &&
      toPlain(r.tree.kind) === kind &&
      (nameOf(r) === name || r.previousNames.includes(name)),
  );
}

function leafAt(r: Resource | undefined, keys: Array<string | number>) {
  const n = getIn(r?.tree, keys);
  if (!isLeaf(n)) throw new Error(`no leaf at ${keys.join('.')}`);
  return n;
}

const IMAGE = ['spec', 'template', 'spec', 'containers', 0, 'image'];

describe('KustomizeBuilder', () => {
  const base = {
    'base/kustomization.yaml': 'resources:\n  - deployment.yaml\n',
    'base/deployment.yaml': deployment('api', 'ghcr.io/acme/api:1.0.0'),
  };

  it('applies images (newName, newTag, digest) with provenance on the overlay entry', async () => {
    const { resources, problems } = await build(
      {
        ...base,
        'overlays/prod/kustomization.yaml':
          'resources:\n  - ../../base\nimages:\n  - name: ghcr.io/acme/api\n    newName: registry.local/api\n    newTag: "2.0.0"\n    digest: sha256:abc\n',
      },
      'overlays/prod',
    );
    expect(problems).toEqual([]);
    const image = leafAt(find(resources, 'Deployment', 'api'), IMAGE);
    expect(image.value).toBe('registry.local/api:2.0.0@sha256:abc');
    expect(image.parts?.tag).toEqual({
      file: 'overlays/prod/kustomization.yaml',
      path: 'images[0].newTag',
      line: 6,
    });
    expect(image.parts?.name?.path).toBe('images[0].newName');
    expect(image.parts?.digest?.path).toBe('images[0].digest');
  });

  it('a newTag drops an existing digest; a digest drops the tag', async () => {
    const files = {
      'base/kustomization.yaml': 'resources: [deployment.yaml]\n',
      'base/deployment.yaml': deployment('api', 'api:1@sha256:old'),
      'a/kustomization.yaml':
        'resources: [../base]\nimages:\n  - name: api\n    newTag: "2"\n',
      'b/kustomization.yaml':
        'resources: [../base]\nimages:\n  - name: api\n    digest: sha256:new\n',
    };
    expect(leafAt((await build(files, 'a')).resources[0], IMAGE).value).toBe(
      'api:2',
    );
    expect(leafAt((await build(files, 'b')).resources[0], IMAGE).value).toBe(
      'api@sha256:new',
    );
  });

  it('applies replicas, namespace and namePrefix/nameSuffix (and fixes HPA references)', async () => {
    const { resources } = await build(
      {
        'base/kustomization.yaml':
          'resources:\n  - deployment.yaml\n  - hpa.yaml\n',
        'base/deployment.yaml': deployment('api', 'api:1'),
        'base/hpa.yaml':
          'apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: api\nspec:\n  scaleTargetRef:\n    kind: Deployment\n    name: api\n  maxReplicas: 3\n',
        'overlays/dev/kustomization.yaml':
          'namespace: team-dev\nnamePrefix: dev-\nnameSuffix: -v2\nresources:\n  - ../../base\nreplicas:\n  - name: api\n    count: 4\n',
      },
      'overlays/dev',
    );
    const d = find(resources, 'Deployment', 'dev-api-v2')!;
    expect(d).toBeDefined();
    expect(d.previousNames).toEqual(['api']);
    const replicas = leafAt(d, ['spec', 'replicas']);
    expect(replicas.value).toBe(4);
    expect(replicas.prov).toEqual({
      file: 'overlays/dev/kustomization.yaml',
      path: 'replicas[0].count',
      line: 8,
    });
    expect(leafAt(d, ['metadata', 'namespace']).value).toBe('team-dev');
    const hpa = find(resources, 'HorizontalPodAutoscaler', 'dev-api-v2');
    expect(leafAt(hpa, ['spec', 'scaleTargetRef', 'name']).value).toBe(
      'dev-api-v2',
    );
  });

  it('applies strategic merge patches from files, inline, the old field, and by target', async () => {
    const { resources, problems } = await build(
      {
        ...base,
        'overlays/staging/kustomization.yaml': [
          'resources: [../../base]',
          'patchesStrategicMerge:',
          '  - res.yaml',
          'patches:',
          '  - target:',
          '      kind: Deployment',
          '      labelSelector: app=api',
          '    patch: |-',
          '      kind: Deployment',
          '      metadata:',
          '        name: whatever',
          '      spec:',
          '        template:',
          '          spec:',
          '            containers:',
          '              - name: api',
          '                env:',
          '                  - name: LOG_LEVEL',
          '                    value: info',
          '',
        ].join('\n'),
        'overlays/staging/res.yaml':
          'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: 2\n  template:\n    spec:\n      containers:\n        - name: api\n          resources:\n            limits:\n              cpu: 500m\n',
      },
      'overlays/staging',
    );
    expect(problems).toEqual([]);
    const d = find(resources, 'Deployment', 'api')!;
    expect(
      toPlain(getIn(d.tree, ['spec', 'template', 'spec', 'containers'])),
    ).toEqual([
      {
        name: 'api',
        image: 'ghcr.io/acme/api:1.0.0',
        resources: { limits: { cpu: '500m' } },
        env: [{ name: 'LOG_LEVEL', value: 'info' }],
      },
    ]);
    expect(leafAt(d, ['spec', 'replicas']).prov).toEqual({
      file: 'overlays/staging/res.yaml',
      path: 'spec.replicas',
      line: 6,
    });
    const env = leafAt(d, [
      'spec',
      'template',
      'spec',
      'containers',
      0,
      'env',
      0,
      'value',
    ]);
    expect(env.prov).toEqual({
      file: 'overlays/staging/kustomization.yaml',
      path: 'patches[0].patch',
      line: 19,
    });
  });

  it('applies JSON6902 patches (patches with op lists and patchesJson6902)', async () => {
    const { resources } = await build(
      {
        ...base,
        'overlays/prod/kustomization.yaml': [
          'resources: [../../base]',
          'patches:',
          '  - target: {kind: Deployment, name: api}',
          '    patch: |-',
          '      - op: replace',
          '        path: /spec/template/spec/containers/0/image',
          '        value: ghcr.io/acme/api:3.1.4',
          'patchesJson6902:',
          '  - target: {group: apps, version: v1, kind: Deployment, name: api}',
          '    path: replicas.yaml',
          '',
        ].join('\n'),
        'overlays/prod/replicas.yaml':
          '- op: replace\n  path: /spec/replicas\n  value: 5\n',
      },
      'overlays/prod',
    );
    const d = find(resources, 'Deployment', 'api')!;
    const image = leafAt(d, IMAGE);
    expect(image.value).toBe('ghcr.io/acme/api:3.1.4');
    expect(image.prov).toEqual({
      file: 'overlays/prod/kustomization.yaml',
      path: 'patches[0].patch',
      line: 7,
    });
    expect(leafAt(d, ['spec', 'replicas']).prov).toEqual({
      file: 'overlays/prod/replicas.yaml',
      path: '[0].value',
      line: 3,
    });
  });

  it('applies components, bases:, configMapGenerator literals and merge', async () => {
    const { resources } = await build(
      {
        'base/kustomization.yaml':
          'resources: [deployment.yaml]\nconfigMapGenerator:\n  - name: cfg\n    literals:\n      - LOG_LEVEL=INFO\n      - MODE=a\n',
        'base/deployment.yaml': deployment('api', 'api:1'),
        'components/pin/kustomization.yaml':
          'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nimages:\n  - name: api\n    newTag: "9"\n',
        'overlays/dev/Kustomization':
          'bases: [../../base]\ncomponents: [../../components/pin]\nconfigMapGenerator:\n  - name: cfg\n    behavior: merge\n    literals: [LOG_LEVEL=DEBUG]\n',
      },
      'overlays/dev',
    );
    expect(leafAt(find(resources, 'Deployment', 'api'), IMAGE).value).toBe(
      'api:9',
    );
    const cm = find(resources, 'ConfigMap', 'cfg');
    expect(toPlain(cm?.tree.data)).toEqual({ LOG_LEVEL: 'DEBUG', MODE: 'a' });
    expect(leafAt(cm, ['data', 'LOG_LEVEL']).prov.file).toBe(
      'overlays/dev/Kustomization',
    );
  });

  it('deletes a resource with $patch: delete', async () => {
    const { resources } = await build(
      {
        'base/kustomization.yaml': 'resources: [a.yaml, b.yaml]\n',
        'base/a.yaml': deployment('a', 'a:1'),
        'base/b.yaml': deployment('b', 'b:1'),
        'o/kustomization.yaml':
          'resources: [../base]\npatches:\n  - patch: |-\n      $patch: delete\n      kind: Deployment\n      metadata:\n        name: b\n',
      },
      'o',
    );
    expect(resources.map(nameOf)).toEqual(['a']);
  });

  it('reports cycles, escapes, missing and remote resources as problems', async () => {
    const { resources, problems } = await build(
      {
        'a/kustomization.yaml':
          'resources:\n  - ../b\n  - ../../../etc\n  - missing.yaml\n  - https://github.com/x/y//base?ref=v1\n  - d.yaml\n',
        'a/d.yaml': deployment('api', 'api:1'),
        'b/kustomization.yaml': 'resources:\n  - ../a\n',
      },
      'a',
    );
    expect(resources.map(nameOf)).toEqual(['api']);
    const messages = problems.map(p => p.message).join('\n');
    expect(messages).toMatch(/cycle: a -> b -> a/);
    expect(messages).toMatch(/outside the repository/);
    expect(messages).toMatch(/"missing.yaml" not found/);
    expect(messages).toMatch(/remote resource/);
  });

  it('reports patches that match nothing and failing JSON patches', async () => {
    const { problems } = await build(
      {
        ...base,
        'o/kustomization.yaml':
          'resources: [../base]\npatches:\n  - target: {kind: Deployment}\n    patch: "[{op: remove, path: /nope}]"\n  - patch: "{kind: Service, metadata: {name: x}}"\n',
      },
      'o',
    );
    expect(problems.map(p => p.message)).toEqual([
      expect.stringMatching(/JSON6902 patch failed on Deployment\/api/),
      'patch matches no resource',
    ]);
  });

  it('suffixes generated ConfigMaps with the content hash kustomize uses, and renames references', async () => {
    const { resources } = await build(
      {
        'k/kustomization.yaml':
          'resources: [d.yaml]\nconfigMapGenerator:\n  - {name: x, literals: [a=b]}\n  - {name: f, files: [c.conf]}\n  - {name: plain, literals: [a=b], options: {disableNameSuffixHash: true}}\n',
        'k/c.conf':
          'maxmemory 64mb\nmaxmemory-policy allkeys-lru\nsave ""\nappendonly no\n',
        'k/d.yaml': deployment(
          'web',
          'web:1',
          '          envFrom: [{configMapRef: {name: x}}, {configMapRef: {name: plain}}]\n      volumes: [{name: c, configMap: {name: f}}]\n',
        ),
      },
      'k',
    );
    // the names kubectl kustomize (v5.5) gives for the same input
    expect(
      resources.filter(r => toPlain(r.tree.kind) === 'ConfigMap').map(nameOf),
    ).toEqual(['x-4h2mbtbbt6', 'f-ghb87df9fk', 'plain']);
    const web = find(resources, 'Deployment', 'web')!;
    expect(
      toPlain(
        getIn(web.tree, [
          'spec',
          'template',
          'spec',
          'containers',
          0,
          'envFrom',
        ]),
      ),
    ).toEqual([
      { configMapRef: { name: 'x-4h2mbtbbt6' } },
      { configMapRef: { name: 'plain' } },
    ]);
    expect(
      toPlain(
        getIn(web.tree, [
          'spec',
          'template',
          'spec',
          'volumes',
          0,
          'configMap',
          'name',
        ]),
      ),
    ).toBe('f-ghb87df9fk');
  });
});
