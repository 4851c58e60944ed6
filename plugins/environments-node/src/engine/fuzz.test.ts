import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { MemoryFiles } from './files/memoryFiles';
import { scanDirectory, scanRepository } from './scan';
import { DeclaredModel } from './types';

/** Small seeded PRNG so failures reproduce. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MALFORMED = [
  'key: [unclosed\n',
  'a: b: c\n',
  'key: "unterminated\n',
  '{a: 1\n',
  'a: 1\n a: 2\n  - b\n',
  'value: *nowhere\n',
  'apiVersion: v1\nkind: Deployment\nmetadata: {name: x\n',
  '- a\nb: 2\n',
];

function aliasBomb(levels: number): string {
  const lines = [
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ];
  let prev = 'a';
  for (let i = 0; i < levels; i++) {
    const n = `l${i}`;
    lines.push(`${n}: &${n} [${Array(10).fill(`*${prev}`).join(',')}]`);
    prev = n;
  }
  return `${lines.join('\n')}\n`;
}

const deployment = (name: string, image: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  replicas: 2\n  template:\n    spec:\n      containers:\n        - name: ${name}\n          image: ${image}\n`;

type Bad =
  | 'malformed'
  | 'bomb'
  | 'big'
  | 'utf8'
  | 'cycle'
  | 'escape'
  | 'missing'
  | 'values'
  | 'flux'
  | 'argo';
const BAD_KINDS: Bad[] = [
  'malformed',
  'bomb',
  'big',
  'utf8',
  'cycle',
  'escape',
  'missing',
  'values',
  'flux',
  'argo',
];

/** A generated repository and the files each bad input must be reported on. */
function generate(seed: number) {
  const r = rng(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  const files: Record<string, string | Uint8Array> = {
    'base/kustomization.yaml': 'resources: [d.yaml]\n',
    'base/d.yaml': deployment('app', 'app:1'),
    'overlays/dev/kustomization.yaml':
      'resources: [../../base]\nimages: [{name: app, newTag: "2"}]\n',
  };
  const expectations: Array<{ kind: Bad; files: string[] }> = [];
  const count = 1 + Math.floor(r() * 4);
  for (let i = 0; i < count; i++) {
    const kind = pick(BAD_KINDS);
    const dir = `${pick([
      'overlays/prod',
      'envs/qa',
      'k8s/staging',
      'misc',
    ])}/b${i}`;
    switch (kind) {
      case 'malformed': {
        // a bad snippet, sometimes with noise around it
        const noise = Array.from({ length: Math.floor(r() * 20) }, () =>
          pick(['x', ':', ' ', '-', '\n', '#', 'a']),
        ).join('');
        files[`${dir}/m.yaml`] = `${r() < 0.5 ? 'ok: 1\n---\n' : ''}${pick(
          MALFORMED,
        )}${noise.includes('\n') ? '' : noise}`;
        expectations.push({ kind, files: [`${dir}/m.yaml`] });
        break;
      }
      case 'bomb':
        files[`${dir}/bomb.yaml`] = aliasBomb(6 + Math.floor(r() * 4));
        expectations.push({ kind, files: [`${dir}/bomb.yaml`] });
        break;
      case 'big':
        files[`${dir}/big.yaml`] = `data: "${'x'.repeat(
          1024 * 1024 + Math.floor(r() * 1000),
        )}"\n`;
        expectations.push({ kind, files: [`${dir}/big.yaml`] });
        break;
      case 'utf8': {
        const bytes = Buffer.concat([
          Buffer.from(deployment('u', 'u:1')),
          Buffer.from([0xff, 0xfe, 0xc3, 0x28]),
        ]);
        files[`${dir}/latin.yaml`] = new Uint8Array(bytes);
        expectations.push({ kind, files: [`${dir}/latin.yaml`] });
        break;
      }
      case 'cycle':
        files[`${dir}/x/kustomization.yaml`] = 'resources: [../y]\n';
        files[`${dir}/y/kustomization.yaml`] = 'resources: [../x]\n';
        expectations.push({
          kind,
          files: [`${dir}/x/kustomization.yaml`, `${dir}/y/kustomization.yaml`],
        });
        break;
      case 'escape':
        files[`${dir}/kustomization.yaml`] = `resources:\n  - ${'../'.repeat(
          6 + Math.floor(r() * 3),
        )}etc\n`;
        expectations.push({ kind, files: [`${dir}/kustomization.yaml`] });
        break;
      case 'values': {
        // a Helm chart whose environment values are broken
        const bad = `${dir}/chart/values-${pick(['dev', 'prod', 'qa'])}.yaml`;
        files[`${dir}/chart/Chart.yaml`] = 'name: c\nappVersion: "1"\n';
        files[`${dir}/chart/values.yaml`] = pick([
          'image: {repository: r/c}\n',
          'image: [1, 2]\n',
          'replicaCount: x\n',
          '',
        ]);
        files[bad] = pick([pick(MALFORMED), aliasBomb(7)]);
        expectations.push({ kind, files: [bad] });
        break;
      }
      case 'flux': {
        // a HelmRelease whose values come from a ConfigMap that is not there,
        // with values of every odd shape
        const f = `${dir}/hr.yaml`;
        files[
          f
        ] = `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: hr${i}}\nspec:\n  chart: ${pick(
          [
            '{spec: {chart: ./nowhere, sourceRef: {kind: GitRepository}}}',
            '{spec: {chart: x, version: [1]}}',
            '7',
          ],
        )}\n  chartRef: ${pick([
          '{kind: OCIRepository}',
          '[]',
          'x',
        ])}\n  valuesFrom: [{kind: ConfigMap, name: gone}, 3, {kind: Secret, name: s}]\n  values: ${pick(
          [
            '[1, 2]',
            '{image: 5}',
            '{image: {repository: [x], tag: {a: 1}}, replicaCount: {}, autoscaling: {enabled: true, min: x}}',
            '"${subst}"',
            '{a: ${b}}',
          ],
        )}\n`;
        expectations.push({ kind, files: [f] });
        break;
      }
      case 'argo': {
        // an ApplicationSet with odd generators and templates, whose
        // Applications point at folders and files that are not there
        const f = `${dir}/appset.yaml`;
        files[
          f
        ] = `apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata: {name: s${i}}\nspec:\n  goTemplate: ${pick(
          ['true', 'false'],
        )}\n  generators:\n    - ${pick([
          'list: {elements: [{env: dev}, 5, {env: [1]}]}',
          'git: {files: [{path: "**/*.json"}], directories: [{path: "*"}]}',
          'matrix: {generators: [{list: {elements: [{a: 1}]}}, {matrix: {generators: []}}]}',
          'clusters: {}',
          'list: 7',
        ])}\n  template:\n    metadata: {name: '{{ ${pick([
          '.env',
          'env',
          'index .x 1',
          '',
        ])} }}'}\n    spec:\n      sources: [{path: ${pick([
          'gone/{{env}}',
          '../../../../etc',
          '[1]',
          'x',
        ])}, helm: {valueFiles: [$v/none.yaml], parameters: [{name: image.tag}]}}, {ref: v}]\n`;
        expectations.push({ kind, files: [f] });
        break;
      }
      default:
        files[`${dir}/kustomization.yaml`] =
          'resources: [nothing-here.yaml]\npatches: [{path: nope.yaml}]\n';
        expectations.push({ kind, files: [`${dir}/kustomization.yaml`] });
    }
  }
  // random garbage that may or may not be valid: must never throw
  if (r() < 0.5) {
    const junk = Array.from({ length: 50 + Math.floor(r() * 200) }, () =>
      String.fromCharCode(Math.floor(r() * 128)),
    ).join('');
    files['junk/j.yaml'] = junk;
  }
  if (r() < 0.3)
    files['weird/kustomization.yaml'] = pick([
      '- a\n- b\n',
      'resources: 5\nimages: x\n',
      'patches: [{patch: "- op: nope"}]\n',
      '',
    ]);
  return { files, expectations };
}

function expectReported(
  model: DeclaredModel,
  expectations: Array<{ kind: Bad; files: string[] }>,
  seed: number,
) {
  for (const e of expectations) {
    const hit = model.problems.some(p => e.files.includes(p.file));
    if (!hit) {
      throw new Error(
        `seed ${seed}: no problem reported for ${e.kind} in ${e.files.join(
          ', ',
        )}`,
      );
    }
  }
}

describe('fuzz: generated bad repositories through the whole scan', () => {
  it('never throws and reports a problem for every bad file (bounded: 2000 inputs or 15 s)', async () => {
    const deadline = Date.now() + 15_000;
    let runs = 0;
    for (let seed = 1; seed <= 2000 && Date.now() < deadline; seed++) {
      const { files, expectations } = generate(seed);
      const model = await scanRepository(new MemoryFiles(files));
      expectReported(model, expectations, seed);
      // the valid part still renders
      const dev = model.workloads.find(w => w.environment === 'dev');
      expect(dev?.containers[0].tag).toBe('2');
      runs++;
    }
    expect(runs).toBeGreaterThan(100);
  });

  it('copes with thousands of files', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 3000; i++) {
      files[
        `apps/a${i % 300}/overlays/${
          ['dev', 'staging', 'prod'][i % 3]
        }/f${i}.yaml`
      ] = deployment(`w${i}`, `img${i}:1.${i}`);
    }
    const start = Date.now();
    const model = await scanRepository(new MemoryFiles(files));
    expect(model.workloads).toHaveLength(3000);
    expect(model.environments.map(e => e.name)).toEqual([
      'dev',
      'staging',
      'prod',
    ]);
    expect(Date.now() - start).toBeLessThan(20_000);
  });

  describe('on disk', () => {
    let tmp: string;
    beforeAll(async () => {
      tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'envs-fuzz-'));
    });
    afterAll(async () => {
      await fs.rm(tmp, { recursive: true, force: true });
    });

    it('reports symlinks out of the repository and never reads through them', async () => {
      const root = path.join(tmp, 'repo');
      await fs.mkdir(path.join(root, 'overlays/dev'), { recursive: true });
      await fs.writeFile(
        path.join(tmp, 'secret.yaml'),
        deployment('stolen', 'stolen:1'),
      );
      await fs.writeFile(
        path.join(root, 'overlays/dev/kustomization.yaml'),
        'resources: [link.yaml, d.yaml]\n',
      );
      await fs.writeFile(
        path.join(root, 'overlays/dev/d.yaml'),
        deployment('app', 'app:1'),
      );
      await fs.symlink(
        path.join(tmp, 'secret.yaml'),
        path.join(root, 'overlays/dev/link.yaml'),
      );
      await fs.symlink(tmp, path.join(root, 'up'));
      const model = await scanDirectory(root);
      expect(model.workloads.map(w => w.name)).toEqual(['app']);
      expect(model.problems.map(p => p.file)).toEqual(
        expect.arrayContaining([
          'overlays/dev/link.yaml',
          'overlays/dev/kustomization.yaml',
        ]),
      );
      expect(JSON.stringify(model)).not.toContain('stolen');
    });
  });
});
