import * as path from 'path';
import { MemoryFiles } from '../files/memoryFiles';
import { scanRepository } from '../scan';
import { planVersionChange, Version } from './planVersionChange';
import {
  changedLines,
  editAndRescan,
  othersUnchanged,
  readTree,
  versionTable,
} from './testUtils';

const CRAFTISTA = path.resolve(
  __dirname,
  '../../../../../examples/gitops/craftista',
);

const v = (
  application: string,
  container: string,
  tag: string | null,
  digest: string | null = null,
): Version => ({
  images: [{ application, container, image: null, tag, digest }],
});

const deployment = (name: string, image: string, extra = '') =>
  `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: 1
  template:
    spec:
      containers:
        - name: ${name}
          image: ${image}${extra}
`;

const DIGEST = `sha256:${'ab'.repeat(32)}`;

describe('planVersionChange: kustomize (examples/gitops/craftista)', () => {
  let tree: Record<string, string>;
  beforeAll(async () => {
    tree = await readTree(CRAFTISTA);
  });

  it.each(['dev', 'staging', 'prod'])(
    'moves catalogue in %s to 1.5.0 and leaves every other cell alone',
    async env => {
      const r = await editAndRescan(
        tree,
        env,
        v('catalogue', 'catalogue', '1.5.0'),
      );
      expect(r.plan.refusals).toEqual([]);
      expect(r.plan.edits.map(e => e.file)).toEqual([
        `catalogue/overlays/${env}/kustomization.yaml`,
      ]);
      const cell = r.after.workloads.find(
        w => w.environment === env && w.application === 'catalogue',
      )!;
      expect(cell.containers[0].tag).toBe('1.5.0');
      expect(othersUnchanged(r.before, r.after, env).changed).toEqual([]);
      // only the version line changes, still double-quoted, comment kept
      expect(changedLines(r.diff)).toEqual([
        expect.stringMatching(/^- {4}newTag: "1\.\d\.\d"$/),
        '+    newTag: "1.5.0"',
      ]);
      expect(
        r.edited[`catalogue/overlays/${env}/kustomization.yaml`],
      ).toContain(
        `# The version of catalogue in ${env}: promotions change this tag.`,
      );
      expect(r.plan.changes).toEqual([
        expect.objectContaining({
          application: 'catalogue',
          container: 'catalogue',
          to: { image: 'craftista/catalogue', tag: '1.5.0', digest: null },
          provenance: {
            file: `catalogue/overlays/${env}/kustomization.yaml`,
            path: 'images[0].newTag',
            line:
              r.edited[`catalogue/overlays/${env}/kustomization.yaml`]
                .split('\n')
                .indexOf('    newTag: "1.5.0"') + 1,
          },
        }),
      ]);
    },
  );

  it('plans nothing when the target already runs the version', async () => {
    const files = new MemoryFiles(tree);
    const model = await scanRepository(files);
    const plan = await planVersionChange(
      model,
      files,
      'dev',
      v('catalogue', 'catalogue', '1.4.0'),
    );
    expect(plan).toEqual({
      environment: 'dev',
      edits: [],
      changes: [],
      refusals: [],
    });
  });

  it('pins a digest next to the tag, then drops it again', async () => {
    const r = await editAndRescan(
      tree,
      'prod',
      v('frontend', 'frontend', '2.1.0', DIGEST),
    );
    expect(r.plan.refusals).toEqual([]);
    const cell = r.after.workloads.find(
      w => w.environment === 'prod' && w.application === 'frontend',
    )!;
    expect(cell.containers[0]).toMatchObject({ tag: '2.1.0', digest: DIGEST });
    expect(changedLines(r.diff)).toEqual([
      '-    newTag: "2.0.3"',
      '+    newTag: "2.1.0"',
      `+    digest: ${DIGEST}`,
    ]);
    const back = await editAndRescan(
      r.edited,
      'prod',
      v('frontend', 'frontend', '2.1.0'),
    );
    expect(changedLines(back.diff)).toEqual([`-    digest: ${DIGEST}`]);
    expect(back.edited['frontend/overlays/prod/kustomization.yaml']).toBe(
      tree['frontend/overlays/prod/kustomization.yaml'].replace(
        '"2.0.3"',
        '"2.1.0"',
      ),
    );
  });

  it('refuses invalid tags and digests and unknown containers', async () => {
    const files = new MemoryFiles(tree);
    const model = await scanRepository(files);
    const plan = await planVersionChange(model, files, 'prod', {
      images: [
        {
          application: 'catalogue',
          container: 'catalogue',
          image: null,
          tag: 'bad tag',
          digest: null,
        },
        {
          application: 'catalogue',
          container: 'catalogue',
          image: null,
          tag: null,
          digest: 'sha256:xyz',
        },
        {
          application: 'catalogue',
          container: 'catalogue',
          image: null,
          tag: null,
          digest: null,
        },
        {
          application: 'nope',
          container: 'x',
          image: null,
          tag: '1',
          digest: null,
        },
      ],
    });
    expect(plan.edits).toEqual([]);
    expect(plan.refusals.map(r => r.reason)).toEqual([
      expect.stringContaining('not a valid OCI tag'),
      expect.stringContaining('not a valid OCI digest'),
      'neither a tag nor a digest is given',
      'environment prod has no container "x" in application "nope"',
    ]);
  });

  it('rejects an unknown environment', async () => {
    const files = new MemoryFiles(tree);
    const model = await scanRepository(files);
    await expect(
      planVersionChange(model, files, 'qa', v('catalogue', 'catalogue', '1')),
    ).rejects.toThrow('environment "qa" not found (known: dev, prod, staging)');
  });
});

describe('planVersionChange: kustomize layouts', () => {
  const base = {
    'base/kustomization.yaml': 'resources:\n- deploy.yaml\n',
    'base/deploy.yaml': deployment('api', 'ghcr.io/acme/api:1.0.0'),
  };

  it('adds an images entry to the target overlay when the tag lives in a shared base', async () => {
    const tree = {
      ...base,
      'overlays/dev/kustomization.yaml':
        '# dev\nresources:\n- ../../base\nnamespace: dev\n',
      'overlays/prod/kustomization.yaml':
        'resources:\n  - ../../base\nnamespace: prod # live\n',
    };
    const r = await editAndRescan(tree, 'prod', v('api', 'api', '1.1.0'));
    expect(r.plan.refusals).toEqual([]);
    expect(r.edited['overlays/prod/kustomization.yaml']).toBe(
      'resources:\n  - ../../base\nnamespace: prod # live\nimages:\n  - name: ghcr.io/acme/api\n    newTag: "1.1.0"\n',
    );
    expect(versionTable(r.after)['prod/api/Deployment/api/api']).toBe(
      'ghcr.io/acme/api:1.1.0@null',
    );
    expect(othersUnchanged(r.before, r.after, 'prod').changed).toEqual([]);
    expect(r.plan.changes[0].provenance).toEqual({
      file: 'overlays/prod/kustomization.yaml',
      path: 'images[0].newTag',
      line: 6,
    });
    // dev's sequences are not indented: the new block follows the file's style
    const dev = await editAndRescan(tree, 'dev', v('api', 'api', '0.9.0'));
    expect(dev.edited['overlays/dev/kustomization.yaml']).toBe(
      '# dev\nresources:\n- ../../base\nnamespace: dev\nimages:\n- name: ghcr.io/acme/api\n  newTag: "0.9.0"\n',
    );
  });

  it('appends to an existing images list (block and flow)', async () => {
    const tree = {
      ...base,
      'base/deploy.yaml': `${deployment(
        'api',
        'ghcr.io/acme/api:1.0.0',
      )}---\n${deployment('worker', 'ghcr.io/acme/worker:1.0.0')}`,
      'overlays/dev/kustomization.yaml':
        'resources: [../../base]\nimages: [{name: ghcr.io/acme/api, newTag: "2"}]\n',
      'overlays/prod/kustomization.yaml':
        "resources:\n  - ../../base\nimages:\n  - name: ghcr.io/acme/api\n    newTag: '1.0.1'\n",
    };
    const prod = await editAndRescan(tree, 'prod', {
      images: [
        {
          application: 'api',
          container: 'api',
          image: null,
          tag: '1.0.2',
          digest: null,
        },
        {
          application: 'worker',
          container: 'worker',
          image: null,
          tag: '1.0.2',
          digest: null,
        },
      ],
    });
    expect(prod.plan.refusals).toEqual([]);
    expect(prod.edited['overlays/prod/kustomization.yaml']).toBe(
      'resources:\n  - ../../base\nimages:\n  - name: ghcr.io/acme/api\n    newTag: \'1.0.2\'\n  - name: ghcr.io/acme/worker\n    newTag: "1.0.2"\n',
    );
    expect(othersUnchanged(prod.before, prod.after, 'prod').changed).toEqual(
      [],
    );
    const dev = await editAndRescan(tree, 'dev', {
      images: [
        {
          application: 'api',
          container: 'api',
          image: null,
          tag: '3',
          digest: null,
        },
        {
          application: 'worker',
          container: 'worker',
          image: null,
          tag: '3',
          digest: DIGEST,
        },
      ],
    });
    expect(dev.plan.refusals).toEqual([]);
    expect(dev.edited['overlays/dev/kustomization.yaml']).toBe(
      `resources: [../../base]\nimages: [{name: ghcr.io/acme/api, newTag: "3"}, {name: ghcr.io/acme/worker, newTag: "3", digest: ${DIGEST}}]\n`,
    );
    const t = versionTable(dev.after);
    expect(t['dev/worker/Deployment/worker/worker']).toBe(
      `ghcr.io/acme/worker:3@${DIGEST}`,
    );
    expect(othersUnchanged(dev.before, dev.after, 'dev').changed).toEqual([]);
  });

  it('refuses a field in an overlay that another environment builds on, naming both', async () => {
    const tree = {
      ...base,
      'overlays/prod/kustomization.yaml':
        'resources: [../../base]\nimages:\n- name: ghcr.io/acme/api\n  newTag: "1.0.0"\n',
      'overlays/prod-eu/kustomization.yaml':
        'resources: [../prod]\nnamespace: eu\n',
    };
    const r = await editAndRescan(tree, 'prod', v('api', 'api', '1.2.0'));
    expect(r.plan.edits).toEqual([]);
    expect(r.plan.refusals).toEqual([
      {
        application: 'api',
        container: 'api',
        reason:
          'overlays/prod/kustomization.yaml is shared by environments prod, prod-eu; the version of prod cannot be changed there alone',
      },
    ]);
    // prod-eu overrides it in its own overlay instead
    const eu = await editAndRescan(tree, 'prod-eu', v('api', 'api', '1.2.0'));
    expect(eu.plan.refusals).toEqual([]);
    expect(eu.plan.edits.map(e => e.file)).toEqual([
      'overlays/prod-eu/kustomization.yaml',
    ]);
    expect(versionTable(eu.after)['prod-eu/api/Deployment/api/api']).toBe(
      'ghcr.io/acme/api:1.2.0@null',
    );
    expect(othersUnchanged(eu.before, eu.after, 'prod-eu').changed).toEqual([]);
  });

  it('re-scans and refuses an edit that would reach another environment through a file no field names', async () => {
    // prod's overlay sets no field, so nothing in the model says prod-eu reads it
    const tree = {
      ...base,
      'overlays/prod/kustomization.yaml': 'resources: [../../base]\n',
      'overlays/prod-eu/kustomization.yaml':
        'resources: [../prod]\nnamespace: eu\n',
    };
    const r = await editAndRescan(tree, 'prod', v('api', 'api', '1.2.0'));
    expect(r.plan.edits).toEqual([]);
    expect(r.plan.refusals).toEqual([
      expect.objectContaining({
        reason:
          'overlays/prod/kustomization.yaml is shared by environments prod, prod-eu; editing it would change prod-eu too',
      }),
    ]);
  });

  it('edits the image inside an inline patch of the target overlay', async () => {
    const overlay = `resources:
  - ../../base
patches:
  - target:
      kind: Deployment
      name: api
    patch: |-
      - op: replace
        path: /spec/template/spec/containers/0/image
        value: ghcr.io/acme/api:1.0.5 # hotfix
`;
    const tree = {
      ...base,
      'overlays/dev/kustomization.yaml': 'resources: [../../base]\n',
      'overlays/prod/kustomization.yaml': overlay,
    };
    const r = await editAndRescan(tree, 'prod', v('api', 'api', '1.0.6'));
    expect(r.plan.refusals).toEqual([]);
    expect(r.edited['overlays/prod/kustomization.yaml']).toBe(
      overlay.replace('1.0.5', '1.0.6'),
    );
    expect(versionTable(r.after)['prod/api/Deployment/api/api']).toBe(
      'ghcr.io/acme/api:1.0.6@null',
    );
    expect(othersUnchanged(r.before, r.after, 'prod').changed).toEqual([]);
  });

  it('edits a strategic-merge patch file of the target overlay', async () => {
    const patch = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
      containers:
        - name: api
          image: "ghcr.io/acme/api:1.0.5"
`;
    const tree = {
      ...base,
      'overlays/dev/kustomization.yaml': 'resources: [../../base]\n',
      'overlays/prod/kustomization.yaml':
        'resources: [../../base]\npatches:\n  - path: image.yaml\n',
      'overlays/prod/image.yaml': patch,
    };
    const r = await editAndRescan(
      tree,
      'prod',
      v('api', 'api', '1.0.6', DIGEST),
    );
    expect(r.plan.refusals).toEqual([]);
    expect(r.edited['overlays/prod/image.yaml']).toBe(
      patch.replace('1.0.5', `1.0.6@${DIGEST}`),
    );
    expect(othersUnchanged(r.before, r.after, 'prod').changed).toEqual([]);
  });
});

describe('planVersionChange: plain manifests', () => {
  it('rewrites the image in the environment folder, keeping comments and documents', async () => {
    const dev = `# dev\n---\n${deployment(
      'web',
      'nginx:1.25',
      ' # pinned',
    )}---\n${deployment('api', 'registry.local:5000/api:7')}`;
    const tree = {
      'dev/app.yaml': dev,
      'prod/app.yaml': `${deployment('web', 'nginx:1.24')}---\n${deployment(
        'api',
        'registry.local:5000/api:6',
      )}`,
    };
    const r = await editAndRescan(tree, 'dev', {
      images: [
        {
          application: 'web',
          container: 'web',
          image: 'nginx',
          tag: '1.26',
          digest: null,
        },
        {
          application: 'api',
          container: 'api',
          image: null,
          tag: '8',
          digest: null,
        },
      ],
    });
    expect(r.plan.refusals).toEqual([]);
    expect(r.edited['dev/app.yaml']).toBe(
      dev.replace('nginx:1.25', 'nginx:1.26').replace('api:7', 'api:8'),
    );
    expect(r.plan.changes.map(c => c.provenance)).toEqual([
      {
        file: 'dev/app.yaml',
        path: 'spec.template.spec.containers[0].image',
        line: 13,
        document: 0,
      },
      {
        file: 'dev/app.yaml',
        path: 'spec.template.spec.containers[0].image',
        line: 25,
        document: 1,
      },
    ]);
    expect(othersUnchanged(r.before, r.after, 'dev').changed).toEqual([]);
    expect(changedLines(r.diff)).toHaveLength(4);
  });
});
