import * as path from 'path';
import {
  changedLines,
  editAndRescan,
  othersUnchanged,
  readTree,
} from './testUtils';

const SUPER_TODO = path.resolve(__dirname, '../../../fixtures/super-todo');

describe('planVersionChange: Flux HelmReleases (fixtures/super-todo)', () => {
  let tree: Record<string, string>;
  beforeAll(async () => {
    tree = await readTree(SUPER_TODO);
  });

  it('edits spec.values image tag of the target HelmRelease only', async () => {
    const r = await editAndRescan(tree, 'production', {
      images: [
        {
          application: 'super-todo',
          container: 'super-todo',
          image: 'ghcr.io/super-todo/api',
          tag: '1.8.0',
          digest: null,
        },
      ],
    });
    expect(r.plan.refusals).toEqual([]);
    expect(r.plan.edits.map(e => e.file)).toEqual([
      'flux-cd/apps/super-todo/production/helmrelease.yaml',
    ]);
    expect(changedLines(r.diff)).toEqual([
      "-      tag: '1.7.2'",
      "+      tag: '1.8.0'",
    ]);
    expect(othersUnchanged(r.before, r.after, 'production').changed).toEqual(
      [],
    );
    const prod = r.after.workloads.find(
      w => w.environment === 'production' && w.application === 'super-todo',
    )!;
    expect(prod.containers[0].tag).toBe('1.8.0');
  });

  it('moves the pinned chart version, for one application or all', async () => {
    const r = await editAndRescan(tree, 'production', {
      images: [],
      chart: { version: '1.2.0', application: 'super-todo' },
    });
    expect(r.plan.refusals).toEqual([]);
    expect(changedLines(r.diff)).toEqual([
      '-      version: 1.1.4',
      '+      version: 1.2.0',
    ]);
    expect(r.plan.changes).toEqual([
      expect.objectContaining({
        application: 'super-todo',
        container: '',
        from: { image: 'super-todo', tag: '1.1.4', digest: null },
        to: { image: 'super-todo', tag: '1.2.0', digest: null },
      }),
    ]);
    const after = r.after.workloads.find(
      w => w.environment === 'production' && w.application === 'super-todo',
    )!;
    expect(after.helm?.chartVersion).toBe('1.2.0');
    expect(othersUnchanged(r.before, r.after, 'production').changed).toEqual(
      [],
    );
    const bad = await editAndRescan(tree, 'production', {
      images: [],
      chart: { version: 'latest' },
    });
    expect(bad.plan.refusals.map(f => f.reason)).toEqual([
      '"latest" is not a chart version (semver)',
    ]);
  });
});

describe('planVersionChange: Flux HelmRelease in kustomize overlays', () => {
  const files = {
    'apps/base/podinfo/kustomization.yaml': 'resources: [release.yaml]\n',
    'apps/base/podinfo/release.yaml': `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: podinfo
spec:
  chart:
    spec:
      chart: podinfo
      version: "6.5.0"
      sourceRef: {kind: HelmRepository, name: podinfo}
  valuesFrom:
    - kind: ConfigMap
      name: podinfo-values
  values:
    image:
      repository: ghcr.io/stefanprodan/podinfo
`,
    'apps/staging/kustomization.yaml':
      'resources: [../base/podinfo]\nconfigMapGenerator:\n  - name: podinfo-values\n    files: [values.yaml=podinfo-values.yaml]\n',
    'apps/staging/podinfo-values.yaml': '# staging\nreplicaCount: 1\n',
    'apps/production/kustomization.yaml': 'resources: [../base/podinfo]\n',
  };
  const podinfo = (tag: string) => ({
    images: [
      {
        application: 'podinfo',
        container: 'podinfo',
        image: null,
        tag,
        digest: null,
      },
    ],
  });

  it('adds the tag to the overlay values file, else patches the HelmRelease in the overlay', async () => {
    const r = await editAndRescan(files, 'staging', podinfo('6.6.0'));
    expect(r.plan.refusals).toEqual([]);
    expect(r.edited['apps/staging/podinfo-values.yaml']).toBe(
      '# staging\nreplicaCount: 1\nimage:\n  tag: "6.6.0"\n',
    );
    expect(othersUnchanged(r.before, r.after, 'staging').changed).toEqual([]);
    // production has no values file: its overlay gets a patch; the chart
    // version lives in the shared base only
    const prod = await editAndRescan(files, 'production', {
      ...podinfo('6.6.0'),
      chart: { version: '6.6.0' },
    });
    expect(prod.plan.edits.map(e => e.file)).toEqual([
      'apps/production/kustomization.yaml',
    ]);
    expect(prod.edited['apps/production/kustomization.yaml']).toBe(
      `resources: [../base/podinfo]
patches:
  - patch: |-
      apiVersion: helm.toolkit.fluxcd.io/v2
      kind: HelmRelease
      metadata:
        name: podinfo
      spec:
        values:
          image:
            tag: "6.6.0"
`,
    );
    expect(prod.plan.refusals.map(f => f.reason)).toEqual([
      'apps/base/podinfo/release.yaml is shared by environments production, staging; the chart version of production cannot be changed there alone',
    ]);
    expect(
      othersUnchanged(prod.before, prod.after, 'production').changed,
    ).toEqual([]);
    const after = prod.after.workloads.find(
      w => w.environment === 'production',
    )!;
    expect(after.containers[0].tag).toBe('6.6.0');
    // the next promotion edits the patch in place
    const next = await editAndRescan(
      prod.edited,
      'production',
      podinfo('6.7.0'),
    );
    expect(changedLines(next.diff)).toEqual([
      '-            tag: "6.6.0"',
      '+            tag: "6.7.0"',
    ]);
  });

  it('patches the overlay when the shared base sets the tag above its values file', async () => {
    const pinned = {
      ...files,
      'apps/base/podinfo/release.yaml': files[
        'apps/base/podinfo/release.yaml'
      ].replace(
        'repository: ghcr.io/stefanprodan/podinfo\n',
        'repository: ghcr.io/stefanprodan/podinfo\n      tag: 6.5.0\n',
      ),
    };
    const r = await editAndRescan(pinned, 'staging', podinfo('6.6.0'));
    expect(r.plan.refusals).toEqual([]);
    expect(r.plan.edits.map(e => e.file)).toEqual([
      'apps/staging/kustomization.yaml',
    ]);
    expect(othersUnchanged(r.before, r.after, 'staging').changed).toEqual([]);
    // a digest cannot be patched in: refused, naming the shared base
    const d = await editAndRescan(pinned, 'staging', {
      images: [
        {
          application: 'podinfo',
          container: 'podinfo',
          image: null,
          tag: '6.6.0',
          digest: `sha256:${'e'.repeat(64)}`,
        },
      ],
    });
    expect(d.plan.refusals.map(f => f.reason)).toEqual([
      "podinfo: the chart's values have no digest field (image.digest); configure one in the Helm value paths or promote by tag",
    ]);
  });

  it('edits a tag inside values embedded in a ConfigMap', async () => {
    const release = (
      env: string,
      tag: string,
    ) => `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: web}
spec:
  chart: {spec: {chart: web, sourceRef: {kind: HelmRepository, name: r}}}
  valuesFrom: [{kind: ConfigMap, name: web-values}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: web-values, namespace: ${env}}
data:
  values.yaml: |
    image:
      repository: r/web
      tag: ${tag} # pinned
`;
    const r = await editAndRescan(
      {
        'dev/r.yaml': release('dev', '1.0.1'),
        'prod/r.yaml': release('prod', '1.0.0'),
      },
      'prod',
      {
        images: [
          {
            application: 'web',
            container: 'web',
            image: null,
            tag: '1.0.1',
            digest: null,
          },
        ],
      },
    );
    expect(r.plan.refusals).toEqual([]);
    expect(changedLines(r.diff)).toEqual([
      '-      tag: 1.0.0 # pinned',
      '+      tag: 1.0.1 # pinned',
    ]);
    expect(othersUnchanged(r.before, r.after, 'prod').changed).toEqual([]);
  });
});
