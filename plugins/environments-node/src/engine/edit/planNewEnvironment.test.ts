import * as path from 'path';
import { MemoryFiles } from '../files/memoryFiles';
import { scanRepository, ScanOptions } from '../scan';
import {
  PlanNewEnvironmentRequest,
  planNewEnvironment,
  replaceEnvironmentWord,
  setScalarAt,
} from './planNewEnvironment';
import { readTree, versionTable } from './testUtils';

const GITOPS = path.resolve(__dirname, '../../../../../examples/gitops');

/** Plans on the demo repository, applies the files in memory and re-scans. */
async function createAndRescan(
  tree: Record<string, string>,
  scan: ScanOptions,
  request: PlanNewEnvironmentRequest,
) {
  const files = new MemoryFiles(tree);
  const before = await scanRepository(files, scan);
  const plan = await planNewEnvironment(before, files, request, { scan });
  const edited: Record<string, string> = { ...tree };
  for (const f of plan.files) edited[f.file] = f.after;
  const after = await scanRepository(new MemoryFiles(edited), scan);
  const others = (m: typeof before) =>
    Object.fromEntries(
      Object.entries(versionTable(m)).filter(
        ([k]) => !k.startsWith(`${request.name}/`),
      ),
    );
  const rows = (m: typeof before) =>
    m.workloads
      .filter(w => w.environment !== request.name)
      .map(w => ({ ...w, provenance: undefined }));
  return {
    before,
    after,
    plan,
    edited,
    othersUnchanged:
      JSON.stringify(others(before)) === JSON.stringify(others(after)) &&
      JSON.stringify(rows(before)) === JSON.stringify(rows(after)),
  };
}

describe('planNewEnvironment', () => {
  let tree: Record<string, string>;
  beforeAll(async () => {
    tree = await readTree(GITOPS);
  });

  describe('kustomize overlays (craftista/catalogue)', () => {
    const scan = { path: 'craftista/catalogue' };
    const request: PlanNewEnvironmentRequest = {
      name: 'perf',
      from: 'staging',
      namespace: 'craftista-perf',
      replicas: 3,
      resources: { requests: { cpu: '250m', memory: '256Mi' } },
      host: 'perf.craftista.local',
    };

    it('copies the staging overlay to overlays/perf with the requested values', async () => {
      const r = await createAndRescan(tree, scan, request);
      expect(r.plan.refusals).toEqual([]);
      expect(r.plan.environment).toBe('perf');
      expect(r.plan.from).toBe('staging');
      expect(r.plan.files.map(f => [f.file, f.before])).toEqual([
        ['craftista/catalogue/overlays/perf/kustomization.yaml', ''],
        ['craftista/catalogue/overlays/perf/resources.yaml', ''],
      ]);
      const k =
        r.edited['craftista/catalogue/overlays/perf/kustomization.yaml'];
      const staging =
        tree['craftista/catalogue/overlays/staging/kustomization.yaml'];
      // only the namespace, the replicas count and the host change: the
      // comment, the image tag and the generator are copied as they are
      expect(k).toBe(
        staging
          .replace('namespace: craftista-staging', 'namespace: craftista-perf')
          .replace('count: 2', 'count: 3')
          .replace(
            'value: staging.craftista.local',
            'value: perf.craftista.local',
          ),
      );
      expect(k).toContain(
        '# The version of catalogue in staging: promotions change this tag.',
      );
      expect(r.edited['craftista/catalogue/overlays/perf/resources.yaml']).toBe(
        tree['craftista/catalogue/overlays/staging/resources.yaml'].replace(
          'cpu: 200m',
          'cpu: 250m',
        ),
      );

      const env = r.after.environments.find(e => e.name === 'perf');
      expect(env?.paths).toEqual(['craftista/catalogue/overlays/perf']);
      const w = r.after.workloads.find(x => x.environment === 'perf')!;
      expect(w).toMatchObject({
        application: 'catalogue',
        namespace: 'craftista-perf',
        replicas: 3,
        ingressHosts: ['perf.craftista.local'],
      });
      expect(w.containers[0].resources).toEqual({
        requests: { cpu: '250m', memory: '256Mi' },
        limits: { cpu: '400m', memory: '512Mi' },
      });
      expect(w.containers[0].tag).toBe('1.3.2');
      expect(r.othersUnchanged).toBe(true);
      expect(r.plan.changes).toEqual(
        expect.arrayContaining([
          {
            field: 'replicas',
            value: '3',
            application: 'catalogue',
            provenance: {
              file: 'craftista/catalogue/overlays/perf/kustomization.yaml',
              path: 'replicas[0].count',
              line: 12,
            },
          },
          expect.objectContaining({
            field: 'namespace',
            value: 'craftista-perf',
          }),
          expect.objectContaining({
            field: 'resources.requests.cpu',
            value: '250m',
            provenance: expect.objectContaining({
              file: 'craftista/catalogue/overlays/perf/resources.yaml',
            }),
          }),
          expect.objectContaining({
            field: 'ingress.host',
            value: 'perf.craftista.local',
          }),
        ]),
      );
    });

    it('derives namespace and host from the new name by default', async () => {
      const r = await createAndRescan(tree, scan, {
        name: 'qa',
        from: 'dev',
      });
      expect(r.plan.refusals).toEqual([]);
      const w = r.after.workloads.find(x => x.environment === 'qa')!;
      expect(w.namespace).toBe('craftista-qa');
      expect(w.ingressHosts).toEqual(['qa.craftista.local']);
      expect(w.replicas).toBe(1);
      expect(r.othersUnchanged).toBe(true);
    });

    it('adds a replicas entry when the copied overlay has none (prod uses an HPA)', async () => {
      const r = await createAndRescan(tree, scan, {
        name: 'preprod',
        from: 'prod',
        replicas: 4,
        resources: { limits: { cpu: '2' } },
      });
      expect(r.plan.refusals).toEqual([]);
      const k =
        r.edited['craftista/catalogue/overlays/preprod/kustomization.yaml'];
      expect(k).toContain('replicas:\n  - name: catalogue\n    count: 4\n');
      expect(r.plan.files.map(f => f.file)).toContain(
        'craftista/catalogue/overlays/preprod/hpa.yaml',
      );
      const w = r.after.workloads.find(x => x.environment === 'preprod')!;
      expect(w.containers[0].resources?.limits?.cpu).toBe('2');
      expect(w.namespace).toBe('craftista-preprod');
      expect(w.ingressHosts).toEqual(['craftista.com']);
      expect(r.othersUnchanged).toBe(true);
    });
  });

  describe('kustomize overlays of several applications (craftista)', () => {
    it('copies every application overlay of staging', async () => {
      const r = await createAndRescan(
        tree,
        { path: 'craftista' },
        { name: 'perf', from: 'staging', replicas: 3 },
      );
      expect(r.plan.refusals).toEqual([]);
      expect(r.plan.files.map(f => f.file)).toEqual(
        ['catalogue', 'frontend', 'recommendation', 'voting'].flatMap(app => [
          `craftista/${app}/overlays/perf/kustomization.yaml`,
          `craftista/${app}/overlays/perf/resources.yaml`,
        ]),
      );
      const perf = r.after.workloads.filter(w => w.environment === 'perf');
      expect(
        perf.map(w => [w.application, w.namespace, w.replicas]).sort(),
      ).toEqual(
        ['catalogue', 'frontend', 'recommendation', 'voting'].map(app => [
          app,
          'craftista-perf',
          3,
        ]),
      );
      expect(r.othersUnchanged).toBe(true);
    });
  });

  describe('Flux HelmRelease per folder (super-todo)', () => {
    const scan = { path: 'super-todo' };
    it('copies staging to qa with namespace, replicas, resources and host', async () => {
      const r = await createAndRescan(tree, scan, {
        name: 'qa',
        from: 'staging',
        replicas: 2,
        resources: { requests: { cpu: '100m' }, limits: { memory: '512Mi' } },
      });
      expect(r.plan.refusals).toEqual([]);
      expect(r.plan.files.map(f => [f.file, f.before])).toEqual([
        ['super-todo/qa/helmrelease.yaml', ''],
      ]);
      const hr = r.edited['super-todo/qa/helmrelease.yaml'];
      expect(hr).toContain(
        '# Super-Todo in staging: Flux installs the chart with these values.',
      );
      expect(hr).toContain('  namespace: qa\n');
      expect(hr).toContain('        namespace: flux-system\n');
      expect(hr).toContain('    replicaCount: 2\n');
      expect(hr).toContain('        - host: app.qa.local\n');
      expect(hr).toContain(
        '    resources:\n      requests:\n        cpu: 100m\n      limits:\n        memory: 512Mi\n',
      );
      const w = r.after.workloads.find(x => x.environment === 'qa')!;
      expect(w).toMatchObject({
        managedBy: 'flux',
        namespace: 'qa',
        replicas: 2,
        ingressHosts: ['app.qa.local'],
      });
      expect(w.containers[0]).toMatchObject({
        tag: '1.8.0',
        resources: { requests: { cpu: '100m' }, limits: { memory: '512Mi' } },
      });
      expect(r.othersUnchanged).toBe(true);
    });
  });

  describe('Helm values per environment (tbyte)', () => {
    const scan = { path: 'tbyte' };
    it('copies values-staging.yaml to values-qa.yaml with the requested values', async () => {
      const r = await createAndRescan(tree, scan, {
        name: 'qa',
        from: 'staging',
        replicas: 3,
        resources: { requests: { cpu: '250m' }, limits: { memory: '1Gi' } },
        host: 'qa.tbyte.example.com',
      });
      expect(r.plan.refusals).toEqual([]);
      expect(r.plan.files.map(f => [f.file, f.before])).toEqual([
        ['tbyte/values-qa.yaml', ''],
      ]);
      expect(r.edited['tbyte/values-qa.yaml']).toBe(
        `# values-staging.yaml
image:
  tag: '2.3.1'
replicaCount: 3
resources:
  requests:
    cpu: 250m
    memory: 128Mi
  limits:
    memory: 1Gi
ingress:
  host: qa.tbyte.example.com
`,
      );
      const w = r.after.workloads.find(x => x.environment === 'qa')!;
      expect(w).toMatchObject({
        replicas: 3,
        ingressHosts: ['qa.tbyte.example.com'],
      });
      expect(w.containers[0].resources).toEqual({
        requests: { cpu: '250m', memory: '128Mi' },
        limits: { memory: '1Gi' },
      });
      expect(r.othersUnchanged).toBe(true);
    });

    it('copies staging to perf: values-perf.yaml is read as an environment', async () => {
      const r = await createAndRescan(tree, scan, {
        name: 'perf',
        from: 'staging',
        replicas: 3,
      });
      expect(r.plan.refusals).toEqual([]);
      expect(r.plan.files.map(f => [f.file, f.before])).toEqual([
        ['tbyte/values-perf.yaml', ''],
      ]);
      const w = r.after.workloads.find(x => x.environment === 'perf')!;
      expect(w.replicas).toBe(3);
      expect(r.othersUnchanged).toBe(true);
    });

    it('refuses a namespace: Helm values files do not declare one', async () => {
      const files = new MemoryFiles(tree);
      const model = await scanRepository(files, scan);
      const plan = await planNewEnvironment(
        model,
        files,
        { name: 'qa', from: 'staging', namespace: 'tbyte-qa' },
        { scan },
      );
      expect(plan.files).toEqual([]);
      expect(plan.refusals).toEqual([
        expect.stringContaining('namespace (none), not tbyte-qa'),
      ]);
    });
  });

  describe('Argo CD ApplicationSet list generator (platform)', () => {
    const scan = { path: 'platform' };
    it('adds a list element and copies the values file', async () => {
      const r = await createAndRescan(tree, scan, {
        name: 'perf',
        from: 'staging',
        replicas: 2,
        resources: { requests: { memory: '256Mi' } },
      });
      expect(r.plan.refusals).toEqual([]);
      expect(r.plan.files.map(f => [f.file, f.before !== ''])).toEqual([
        ['platform/applicationset.yaml', true],
        ['platform/envs/perf/values.yaml', false],
      ]);
      const set = r.plan.files[0];
      expect(set.after).toBe(
        set.before.replace(
          "            wave: '2'\n",
          "            wave: '2'\n          - env: perf\n            cluster: nonprod\n            wave: '1'\n",
        ),
      );
      expect(r.edited['platform/envs/perf/values.yaml']).toBe(
        `# staging, sync wave 1
image:
  tag: '3.0.2'
replicaCount: 2
resources:
  requests:
    memory: 256Mi
`,
      );
      const w = r.after.workloads.find(x => x.environment === 'perf')!;
      expect(w).toMatchObject({
        namespace: 'platform-perf',
        replicas: 2,
        managedBy: 'argocd',
      });
      expect(w.containers[0].resources).toEqual({
        requests: { cpu: '100m', memory: '256Mi' },
      });
      expect(w.containers[0].tag).toBe('3.0.2');
      expect(r.othersUnchanged).toBe(true);
    });

    it('refuses a namespace the template does not take from the element', async () => {
      const r = await createAndRescan(tree, scan, {
        name: 'perf',
        from: 'staging',
        namespace: 'perf-team',
      });
      expect(r.plan.files).toEqual([]);
      expect(r.plan.refusals).toEqual([
        expect.stringContaining('namespace platform-perf, not perf-team'),
      ]);
    });
  });

  describe('invalid requests', () => {
    let files: MemoryFiles;
    beforeAll(() => {
      files = new MemoryFiles(tree);
    });
    const plan = async (request: PlanNewEnvironmentRequest) => {
      const scan = { path: 'craftista/catalogue' };
      const model = await scanRepository(files, scan);
      return planNewEnvironment(model, files, request, { scan });
    };

    it('rejects an existing environment', async () => {
      await expect(plan({ name: 'prod', from: 'staging' })).rejects.toThrow(
        'environment "prod" already exists',
      );
    });

    it.each(['Perf_1', 'perf-', '-perf', 'a'.repeat(64), ''])(
      'rejects the name %j',
      async name => {
        await expect(plan({ name, from: 'staging' })).rejects.toThrow(
          /is not a valid environment name/,
        );
      },
    );

    it('rejects an unknown environment to copy', async () => {
      await expect(plan({ name: 'perf', from: 'stage' })).rejects.toThrow(
        'environment "stage" not found (known: dev, prod, staging)',
      );
    });

    it('rejects invalid values', async () => {
      await expect(
        plan({ name: 'perf', from: 'staging', replicas: -1 }),
      ).rejects.toThrow('replicas must be a non-negative integer');
      await expect(
        plan({ name: 'perf', from: 'staging', namespace: 'Perf' }),
      ).rejects.toThrow('not a valid namespace');
      await expect(
        plan({ name: 'perf', from: 'staging', host: 'a b' }),
      ).rejects.toThrow('not a valid ingress host');
      await expect(
        plan({
          name: 'perf',
          from: 'staging',
          resources: { requests: { cpu: 'lots' } },
        }),
      ).rejects.toThrow('requests.cpu: "lots" is not a Kubernetes quantity');
    });

    it('refuses when the new folder already exists', async () => {
      const withFolder = new MemoryFiles({
        ...tree,
        'craftista/catalogue/overlays/perf/README.md': 'planned\n',
      });
      const scan = { path: 'craftista/catalogue' };
      const model = await scanRepository(withFolder, scan);
      const p = await planNewEnvironment(
        model,
        withFolder,
        { name: 'perf', from: 'staging' },
        { scan },
      );
      expect(p.files).toEqual([]);
      expect(p.refusals).toEqual([
        'craftista/catalogue/overlays/perf already exists',
      ]);
    });
  });
});

describe('replaceEnvironmentWord', () => {
  it.each([
    ['craftista-staging', 'craftista-perf'],
    ['staging.craftista.local', 'perf.craftista.local'],
    ['staging', 'perf'],
    ['prestaging', 'prestaging'],
    ['staging2', 'staging2'],
  ])('%s → %s', (input, output) => {
    expect(replaceEnvironmentWord(input, 'staging', 'perf')).toBe(output);
  });
});

describe('setScalarAt', () => {
  it('sets a number through sequences, keeping comments', () => {
    expect(setScalarAt('a:\n  - b: 1 # one\n', ['a', 0, 'b'], 3)).toBe(
      'a:\n  - b: 3 # one\n',
    );
  });
  it('creates missing maps and keeps the quoting of existing strings', () => {
    expect(setScalarAt("x: 'a'\ny:\n  z: 1\n", ['y', 'r', 'cpu'], '250m')).toBe(
      "x: 'a'\ny:\n  z: 1\n  r:\n    cpu: 250m\n",
    );
    expect(setScalarAt("x: 'a'\n", ['x'], 'b')).toBe("x: 'b'\n");
    expect(setScalarAt("x: 'a'\n", ['y'], '1')).toBe("x: 'a'\ny: '1'\n");
  });
  it('refuses a missing sequence item', () => {
    expect(() => setScalarAt('a: []\n', ['a', 0, 'b'], 1)).toThrow(
      'a.[0] does not exist',
    );
  });
});
