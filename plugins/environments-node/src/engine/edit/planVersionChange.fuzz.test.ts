import { DeclaredModel } from '../types';
import { Version } from './planVersionChange';
import {
  changedLines,
  editAndRescan,
  othersUnchanged,
  versionTable,
} from './testUtils';

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

const ENVS = ['dev', 'staging', 'prod'];
const TAGS = ['1.0.0', '1.10', '2', 'v3.1.4-rc.1', 'latest', 'true'];
const DIGESTS = [`sha256:${'a1'.repeat(32)}`, `sha256:${'0f'.repeat(32)}`];

/** A generated kustomize or plain-manifest repository in one of many styles. */
function generate(seed: number) {
  // tags: valid ones, plus an invalid one and none (digest only or nothing)
  const r = rng(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  const quote = (s: string) => pick([s, `"${s}"`, `'${s}'`]);
  const dash = pick(['', '  ']);
  const apps = ['api', 'web', 'worker'].slice(0, 1 + Math.floor(r() * 3));
  const envs = ENVS.filter(() => r() < 0.8);
  if (envs.length === 0) envs.push('dev');
  const files: Record<string, string> = {};
  const image = (app: string) => `ghcr.io/acme/${app}`;
  const deployment = (app: string, ref: string) =>
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${app} # ${app}\nspec:\n  template:\n    spec:\n      containers:\n        - name: ${app}\n          image: ${quote(
      ref,
    )}\n`;
  const layout = pick([
    'manifests',
    'kustomize',
    'kustomize',
    'helm',
    'argocd',
  ]);
  // a chart's values files name environments when there are several (or
  // something references them): a lone values-prod.yaml is not one
  if (layout === 'helm' && envs.length < 2)
    envs.push(ENVS.find(e => !envs.includes(e))!);
  if (layout === 'argocd') {
    // one Application per environment over a shared base, each pinning
    // every image with kustomize.images; in one file or one file each
    files['base/kustomization.yaml'] = `resources:\n${apps
      .map(a => `${dash}- ${a}.yaml`)
      .join('\n')}\n`;
    for (const a of apps)
      files[`base/${a}.yaml`] = deployment(a, `${image(a)}:0.0.1`);
    const application = (env: string) =>
      `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: shop-${env}\nspec:\n  source:\n    repoURL: x\n    path: base\n    kustomize:\n      images:\n${apps
        .map(
          a =>
            `      ${dash}- ${quote(
              r() < 0.5
                ? `${image(a)}:${pick(TAGS)}`
                : `${image(a)}=${image(a)}:${pick(TAGS)}`,
            )}`,
        )
        .join('\n')}\n  destination: {namespace: ${env}}\n`;
    if (r() < 0.5)
      files['argocd/apps.yaml'] = envs.map(application).join('---\n');
    else for (const env of envs) files[`argocd/${env}.yaml`] = application(env);
  } else if (layout === 'helm') {
    // one chart, top-level image = first app, the others as components
    files['chart/Chart.yaml'] = `name: ${apps[0]}\nappVersion: ${quote(
      '0.5',
    )}\n`;
    const imageBlock = (a: string, ind: string, withTag: boolean) =>
      r() < 0.2
        ? `${ind}image: ${image(a)}:0.0.1\n`
        : `${ind}image:\n${ind}  repository: ${image(a)}\n${
            withTag ? `${ind}  tag: ${quote(pick(TAGS))} # t\n` : ''
          }`;
    files['chart/values.yaml'] = `# defaults\n${imageBlock(
      apps[0],
      '',
      r() < 0.5,
    )}${apps
      .slice(1)
      .map(a => `${a}:\n${imageBlock(a, '  ', true)}`)
      .join('')}replicaCount: 1\n`;
    for (const env of envs) {
      const name = pick([`values-${env}.yaml`, `env/${env}/values.yaml`]);
      const body = apps
        .filter(() => r() < 0.5)
        .map(a =>
          a === apps[0]
            ? `image:\n  tag: ${quote(pick(TAGS))}\n`
            : `${a}:\n  image:\n    tag: ${quote(pick(TAGS))}\n`,
        )
        .join('');
      files[`chart/${name}`] =
        body || pick(['', '# nothing yet\n', 'replicaCount: 2\n']);
    }
  } else if (layout === 'manifests') {
    for (const env of envs)
      files[`${env}/apps.yaml`] = apps
        .map(a => deployment(a, `${image(a)}:${pick(TAGS)}`))
        .join('---\n');
  } else {
    files['base/kustomization.yaml'] = `resources:\n${apps
      .map(a => `${dash}- ${a}.yaml`)
      .join('\n')}\n${
      r() < 0.3
        ? `images:\n${dash}- name: ${image(apps[0])}\n${dash}  newTag: ${quote(
            '0.1',
          )}\n`
        : ''
    }`;
    for (const a of apps)
      files[`base/${a}.yaml`] = deployment(a, `${image(a)}:0.0.${seed % 7}`);
    for (const env of envs) {
      const lines = [
        pick(['', `# ${env} overlay\n`]),
        pick([
          `resources:\n${dash}- ../../base\n`,
          'resources: [../../base]\n',
        ]),
      ];
      if (r() < 0.4) lines.push(`namespace: ${env}\n`);
      const pinned = apps.filter(() => r() < 0.6);
      if (pinned.length > 0) {
        const entry = (a: string) => {
          const parts = [`name: ${image(a)}`];
          if (r() < 0.8) parts.push(`newTag: ${quote(pick(TAGS))}`);
          if (r() < 0.3 || parts.length === 1)
            parts.push(`digest: ${pick(DIGESTS)}`);
          return parts;
        };
        lines.push(
          r() < 0.3
            ? `images: [${pinned
                .map(a => `{${entry(a).join(', ')}}`)
                .join(', ')}]\n`
            : `images: # versions\n${pinned
                .map(
                  a =>
                    `${dash}- ${entry(a).join(`\n${dash}  `)}${pick([
                      '',
                      ' # bump',
                    ])}`,
                )
                .join('\n')}\n`,
        );
      }
      const patched = apps.find(a => !pinned.includes(a) && r() < 0.3);
      if (patched)
        lines.push(
          `patches:\n${dash}- target:\n${dash}    kind: Deployment\n${dash}    name: ${patched}\n${dash}  patch: |-\n${dash}    - op: replace\n${dash}      path: /spec/template/spec/containers/0/image\n${dash}      value: ${image(
            patched,
          )}:9.9.9\n`,
        );
      files[`overlays/${env}/kustomization.yaml`] = lines.join('');
    }
  }
  if (r() < 0.3) files['broken/x.yaml'] = 'a: [unclosed\n';
  const version: Version = {
    images: apps
      .filter(() => r() < 0.7)
      .map(a => ({
        application: a,
        container: a,
        image: image(a),
        tag: pick([...TAGS, ...TAGS, 'bad tag', null]),
        digest: r() < 0.3 ? pick(DIGESTS) : null,
      })),
  };
  return { files, version, target: pick(envs) };
}

/** Whether the target's image for `app` is one `repo:tag` string in the values. */
function helmFullRef(model: DeclaredModel, env: string, app: string): boolean {
  const w = model.workloads.find(
    x => x.environment === env && x.application === app,
  );
  const paths = w?.helm?.images[app];
  return !!paths && paths.repository === paths.tag;
}

const VERSION_LINE =
  /^[-+]\s*(-\s+)?(newTag|digest|name|image|value|images|tag|api|web|worker)\b|^[-+]\s*\{?image|^[-+]\s*- ["']?ghcr\.io\/acme\//;

describe('fuzz: edit → re-scan on generated repositories', () => {
  it('changes only the target, only on version lines (bounded: 400 inputs or 8 s)', async () => {
    const deadline = Date.now() + 8_000;
    let runs = 0;
    let edited = 0;
    for (let seed = 1; seed <= 400 && Date.now() < deadline; seed++) {
      const { files, version, target } = generate(seed);
      const r = await editAndRescan(files, target, version);
      const context = `seed ${seed}: ${JSON.stringify(r.plan.refusals)}\n${
        r.diff
      }`;
      expect({
        context,
        changed: othersUnchanged(r.before, r.after, target).changed,
      }).toEqual({ context, changed: [] });
      for (const line of changedLines(r.diff))
        expect({ context, line, ok: VERSION_LINE.test(line) }).toEqual({
          context,
          line,
          ok: true,
        });
      const table = versionTable(r.after);
      const was = versionTable(r.before);
      for (const img of version.images) {
        const refused = r.plan.refusals.some(
          f => f.application === img.application,
        );
        if (refused) continue;
        const key = `${target}/${img.application}/Deployment/${img.application}/${img.application}`;
        expect({ context, got: table[key] }).toEqual({
          context,
          // the repository stays what it was
          got: `${was[key].split(':')[0]}:${img.tag}@${img.digest}`,
        });
      }
      // these repositories share no version field: only invalid input is refused
      const helm = r.before.workloads.some(w => w.managedBy === 'helm');
      const invalid = version.images
        .filter(
          i =>
            i.tag === 'bad tag' ||
            (i.tag === null && !i.digest) ||
            // Helm values carry tags; digests only where the chart has a field
            (helm &&
              i.digest !== null &&
              !helmFullRef(r.before, target, i.application)),
        )
        .map(i => i.application);
      expect({
        context,
        refused: r.plan.refusals.map(f => f.application),
      }).toEqual({ context, refused: invalid });
      if (r.plan.edits.length > 0) edited++;
      runs++;
    }
    expect(runs).toBeGreaterThan(50);
    expect(edited).toBeGreaterThan(runs / 3);
  });
});
