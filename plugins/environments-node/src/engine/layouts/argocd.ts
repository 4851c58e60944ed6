import {
  basenameOf,
  dirnameOf,
  isWithin,
  joinRepoPath,
  normalizeRepoPath,
} from '../files/repositoryFiles';
import { KustomizeBuilder } from '../kustomize/kustomizeBuild';
import { applyImage } from '../kustomize/transformers';
import { parseImageRef } from '../kustomize/imageRef';
import { parseYaml } from '../yaml/parseYaml';
import {
  apiVersionOf,
  kindOf,
  nameOf,
  Resource,
  resourcesFromDocuments,
} from '../resources';
import { ValuesLayer } from '../types';
import {
  cloneNode,
  getIn,
  isLeaf,
  isMap,
  isSeq,
  Leaf,
  newMap,
  str,
  TMap,
  TNode,
  toPlain,
} from '../yaml/tree';
import { chartFacts, valuesUnit } from './helm';
import { foreignApplications } from './argocdRepositories';
import { envOfApplication } from './argocdEnvironments';
import { renderedApplicationTemplate } from './argocdTemplates';
import { LayoutContext, LayoutReader, RenderedUnit } from './layoutReader';

/** Generator parameters: flat (`cluster.name`) and nested (for Go templates). */
type Params = Record<string, string>;

const isArgo = (r: Resource) => apiVersionOf(r).startsWith('argoproj.io/');

/** Glob (`**`, `*`, `?`) to a regular expression over repository paths. */
function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      re += '.*';
      i++;
      if (glob[i + 1] === '/') i++;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

function flatten(v: unknown, prefix: string, out: Params) {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    for (const [k, c] of Object.entries(v))
      flatten(c, prefix ? `${prefix}.${k}` : k, out);
  } else if (v !== undefined && v !== null && !Array.isArray(v)) {
    out[prefix] = String(v);
  }
}

function pathParams(path: string, out: Params, key = 'path') {
  out[key] = path;
  out[`${key}.path`] = path;
  out[`${key}.basename`] = basenameOf(path);
  out[`${key}.basenameNormalized`] = basenameOf(path)
    .replace(/[^a-zA-Z0-9-]/g, '-')
    .toLowerCase();
  path.split('/').forEach((seg, i) => {
    out[`${key}[${i}]`] = seg;
    out[`${key}.segments[${i}]`] = seg;
  });
}

/** Replaces `{{param}}` (fasttemplate) or `{{ .param }}` (Go template) references. */
export function substitute(
  text: string,
  params: Params,
  goTemplate: boolean,
): { text: string; unresolved: boolean } {
  let unresolved = false;
  const out = text.replace(
    /\{\{-?\s*([^{}]*?)\s*-?\}\}/g,
    (whole, expr: string) => {
      let key = expr.trim();
      if (goTemplate) {
        // `index .path.segments 1`
        const index = /^index\s+\.path\.segments\s+(\d+)$/.exec(key);
        if (index) key = `.path[${index[1]}]`;
        if (!key.startsWith('.')) {
          unresolved = true;
          return whole;
        }
        key = key.slice(1);
      }
      if (key in params) return params[key];
      unresolved = true;
      return whole;
    },
  );
  return { text: out, unresolved };
}

/** Applies params to every string of a template tree (leaves keep their provenance). */
function render(
  node: TNode,
  params: Params,
  goTemplate: boolean,
  bad: string[],
): TNode {
  if (isLeaf(node)) {
    if (typeof node.value !== 'string' || !node.value.includes('{{'))
      return node;
    const { text, unresolved } = substitute(node.value, params, goTemplate);
    if (unresolved) bad.push(node.value);
    return new Leaf(text, node.prov);
  }
  const copy = cloneNode(node);
  if (isSeq(copy))
    copy.forEach((c, i) => (copy[i] = render(c, params, goTemplate, bad)));
  else
    for (const k of Object.keys(copy))
      copy[k] = render(copy[k], params, goTemplate, bad);
  return copy;
}

/** Deep merge for a generator's `template` over the ApplicationSet's. */
function mergeTemplate(
  base: TNode | undefined,
  over: TNode | undefined,
): TNode | undefined {
  if (over === undefined) return base;
  if (isMap(base) && isMap(over)) {
    const out = cloneNode(base);
    for (const k of Object.keys(over)) out[k] = mergeTemplate(out[k], over[k])!;
    return out;
  }
  if (isMap(over) && Object.keys(over).length === 0) return base;
  return over;
}

interface Generated {
  params: Params;
  template?: TNode;
  /** Parameter that names the environment, if any. */
  envKey?: string;
}

const ENV_KEYS = [
  'environment',
  'env',
  'stage',
  'envName',
  'cluster',
  'cluster.name',
  'clusterName',
  'name',
];

/**
 * Argo CD `Application`s and `ApplicationSet`s: every (generated)
 * Application's source is rendered (kustomize with `kustomize.images`; a
 * Helm chart with `valueFiles`, `values`/`valuesObject` and `parameters`;
 * or a folder of manifests) as one environment: the one its generator
 * parameters, its source folder or its name says.
 */
export const argocdLayout: LayoutReader = {
  name: 'argocd',
  async read(ctx: LayoutContext): Promise<RenderedUnit[]> {
    const { reader } = ctx;
    const apps: Array<{
      tree: TMap;
      file: string;
      env?: string;
      name: string;
    }> = [];
    for (const f of ctx.filesInScope) {
      if (!/\.ya?ml$/i.test(f)) continue;
      const text = await reader.text(f);
      if (!text?.includes('argoproj.io')) continue;
      // Helm templates of Applications (app of apps) are rendered with
      // their chart's values when that is all they need
      const docs =
        /(^|\/)templates\//.test(f) && text.includes('{{')
          ? await renderedApplicationTemplate(ctx, f, text)
          : await reader.yaml(f);
      if (!docs) continue;
      for (const r of resourcesFromDocuments(f, docs)) {
        if (!isArgo(r)) continue;
        const kind = kindOf(r);
        if (kind === 'Application') {
          apps.push({ tree: r.tree, file: f, name: nameOf(r) });
          ctx.claimed.add(f);
        } else if (kind === 'ApplicationSet') {
          ctx.claimed.add(f);
          for (const g of await generate(ctx, r)) apps.push(g);
        }
      }
    }
    const units: RenderedUnit[] = [];
    const builder = new KustomizeBuilder(reader);
    const foreign = foreignApplications(apps);
    for (const app of apps) {
      if (foreign.has(app)) {
        reader.problem(
          app.file,
          `Application ${app.name} deploys from another repository than the Application that deploys it; not read from here`,
          'info',
        );
        continue;
      }
      try {
        const rendered = await renderApplication(ctx, builder, app);
        for (const u of rendered)
          u.deployedBy = { kind: 'Application', name: app.name };
        units.push(...rendered);
      } catch (e) {
        reader.problem(
          app.file,
          `Application ${app.name} could not be rendered: ${
            (e as Error).message
          }`,
          'error',
        );
      }
    }
    for (const f of builder.usedFiles) ctx.claimed.add(f);
    // bases of the folders Applications render are theirs too
    for (const d of builder.referencedDirs) ctx.claimedFolders.add(d);
    return units;
  },
};

async function generate(
  ctx: LayoutContext,
  set: Resource,
): Promise<Array<{ tree: TMap; file: string; env?: string; name: string }>> {
  const spec = set.tree.spec;
  if (!isMap(spec)) return [];
  const goTemplate = str(spec.goTemplate) === 'true';
  const generators = isSeq(spec.generators) ? spec.generators : [];
  const out: Array<{ tree: TMap; file: string; env?: string; name: string }> =
    [];
  for (const g of generators) {
    for (const gen of await runGenerator(ctx, set, g)) {
      const template = mergeTemplate(spec.template, gen.template);
      if (!isMap(template)) continue;
      const bad: string[] = [];
      const app = render(template, gen.params, goTemplate, bad) as TMap;
      if (bad.length > 0)
        ctx.reader.problem(
          set.file,
          `ApplicationSet ${nameOf(set)}: template ${JSON.stringify(
            bad[0],
          )} is not resolved (only parameter references are evaluated)`,
          'info',
        );
      const name = str(getIn(app, ['metadata', 'name'])) ?? nameOf(set);
      const env = gen.envKey ? gen.params[gen.envKey] : undefined;
      out.push({ tree: app, file: set.file, env, name });
    }
  }
  if (out.length === 0)
    ctx.reader.problem(
      set.file,
      `ApplicationSet ${nameOf(
        set,
      )} generates no Application from the repository`,
      'info',
    );
  return out;
}

/** Argo CD clusters declared in the repository (Secrets labelled `secret-type: cluster`). */
async function clusterSecrets(ctx: LayoutContext): Promise<Params[]> {
  const out: Params[] = [];
  for (const f of ctx.filesInScope) {
    if (!/\.ya?ml$/i.test(f)) continue;
    const text = await ctx.reader.text(f);
    if (!text?.includes('argocd.argoproj.io/secret-type')) continue;
    for (const r of resourcesFromDocuments(
      f,
      (await ctx.reader.yaml(f)) ?? [],
    )) {
      if (kindOf(r) !== 'Secret') continue;
      const labels = getIn(r.tree, ['metadata', 'labels']);
      if (str(getIn(labels, ['argocd.argoproj.io/secret-type'])) !== 'cluster')
        continue;
      const field = (k: string) => {
        const plain = str(getIn(r.tree, ['stringData', k]));
        if (plain !== undefined) return plain;
        const b64 = str(getIn(r.tree, ['data', k]));
        return b64 !== undefined
          ? Buffer.from(b64, 'base64').toString('utf8')
          : undefined;
      };
      const params: Params = {
        name: field('name') ?? nameOf(r),
        nameNormalized: (field('name') ?? nameOf(r)).toLowerCase(),
        server: field('server') ?? '',
      };
      if (isMap(labels))
        for (const k of Object.keys(labels)) {
          const v = str(labels[k]);
          if (v !== undefined) params[`metadata.labels.${k}`] = v;
        }
      out.push(params);
    }
  }
  return out;
}

function envKeyOf(params: Params): string | undefined {
  return ENV_KEYS.find(k => params[k] !== undefined);
}

async function runGenerator(
  ctx: LayoutContext,
  set: Resource,
  g: TNode,
  depth = 0,
): Promise<Generated[]> {
  if (!isMap(g) || depth > 2) return [];
  const template =
    g[Object.keys(g)[0]] && isMap(g[Object.keys(g)[0]])
      ? (g[Object.keys(g)[0]] as TMap).template
      : undefined;
  const list = g.list;
  if (isMap(list)) {
    const elements = isSeq(list.elements) ? list.elements : [];
    return elements.filter(isMap).map(e => {
      const params: Params = {};
      for (const k of Object.keys(e)) flatten(toPlain(e[k]), k, params);
      return { params, template, envKey: envKeyOf(params) };
    });
  }
  const git = g.git;
  if (isMap(git)) {
    const out: Generated[] = [];
    for (const f of isSeq(git.files) ? git.files : []) {
      const pattern = str(getIn(f, ['path']));
      if (!pattern) continue;
      const re = globToRegExp(pattern);
      for (const file of ctx.filesInScope.filter(x => re.test(x))) {
        const text = await ctx.reader.text(file);
        if (text === undefined) continue;
        let data: unknown;
        try {
          data = /\.json$/i.test(file)
            ? JSON.parse(text)
            : toPlain(parseYaml(file, text).documents[0]?.tree);
        } catch {
          ctx.reader.problem(
            file,
            'git files generator: not valid JSON',
            'warning',
          );
          continue;
        }
        const params: Params = {};
        flatten(data, '', params);
        pathParams(dirnameOf(file), params);
        params['path.filename'] = basenameOf(file);
        params['path.filenameNormalized'] = basenameOf(file)
          .replace(/[^a-zA-Z0-9-]/g, '-')
          .toLowerCase();
        const envKey = envKeyOf(params);
        out.push({ params, template, envKey });
        ctx.claimed.add(file);
      }
    }
    for (const d of isSeq(git.directories) ? git.directories : []) {
      const pattern = str(getIn(d, ['path']));
      if (!pattern) continue;
      const re = globToRegExp(pattern);
      const exclude = str(getIn(d, ['exclude'])) === 'true';
      const dirs = new Set<string>();
      for (const f of ctx.filesInScope)
        for (let p = dirnameOf(f); p; p = dirnameOf(p)) dirs.add(p);
      for (const dir of [...dirs].sort()) {
        if (!re.test(dir)) continue;
        if (exclude) continue;
        const params: Params = {};
        pathParams(dir, params);
        out.push({ params, template });
      }
    }
    return out;
  }
  if (isMap(g.clusters)) {
    const secrets = await clusterSecrets(ctx);
    if (secrets.length > 0) {
      const selector = getIn(g.clusters, ['selector', 'matchLabels']);
      const wanted = isMap(selector) ? selector : undefined;
      return secrets
        .filter(p =>
          Object.keys(wanted ?? {}).every(
            k => p[`metadata.labels.${k}`] === str(wanted![k]),
          ),
        )
        .map(params => ({ params, template, envKey: 'name' }));
    }
  }
  if (isMap(g.matrix)) {
    const children = isSeq(g.matrix.generators) ? g.matrix.generators : [];
    if (children.length !== 2) return [];
    const a = await runGenerator(ctx, set, children[0], depth + 1);
    const b = await runGenerator(ctx, set, children[1], depth + 1);
    const out: Generated[] = [];
    for (const x of a)
      for (const y of b) {
        const params = { ...x.params, ...y.params };
        out.push({
          params,
          template: mergeTemplate(x.template, y.template) ?? template,
          envKey: x.envKey ?? y.envKey,
        });
      }
    return out;
  }
  const kind = Object.keys(g)[0];
  const needsCluster = [
    'clusters',
    'scmProvider',
    'pullRequest',
    'clusterDecisionResource',
    'plugin',
  ].includes(kind);
  if (kind)
    ctx.reader.problem(
      set.file,
      `ApplicationSet ${nameOf(set)}: the ${kind} generator ${
        needsCluster
          ? "needs the cluster (Argo CD's cluster secrets or an SCM)"
          : 'is not understood'
      }; not evaluated`,
      'info',
    );
  return [];
}

async function renderApplication(
  ctx: LayoutContext,
  builder: KustomizeBuilder,
  app: { tree: TMap; file: string; env?: string; name: string },
): Promise<RenderedUnit[]> {
  const spec = app.tree.spec;
  if (!isMap(spec)) return [];
  let sources: TMap[] = [];
  const drySource = getIn(spec, ['sourceHydrator', 'drySource']);
  if (isMap(spec.source)) sources = [spec.source];
  else if (isSeq(spec.sources)) sources = spec.sources.filter(isMap);
  // Source Hydrator: the dry source is what the repository declares
  else if (isMap(drySource)) sources = [drySource];
  // `ref: values` sources let others say `$values/path/to/values.yaml`
  const refs = new Map<string, string>();
  for (const s of sources) {
    const ref = str(s.ref);
    if (ref) refs.set(ref, normalizeRepoPath(str(s.path) ?? '') ?? '');
  }
  const namespace = str(getIn(spec, ['destination', 'namespace']));
  const units: RenderedUnit[] = [];
  for (const source of sources) {
    if (str(source.ref) && str(source.path) === undefined) continue;
    if (str(source.ref) && !source.helm && !source.kustomize) continue;
    const rawPath = str(source.path);
    const chartName = str(source.chart);
    if (rawPath === undefined && !chartName) {
      ctx.reader.problem(
        app.file,
        `Application ${app.name}: a source has neither a path nor a chart`,
        'warning',
      );
      continue;
    }
    if (rawPath === undefined) {
      if (chartName)
        ctx.reader.problem(
          app.file,
          `Application ${app.name}: chart ${chartName} comes from a Helm repository; its templates are not rendered`,
          'info',
        );
      if (chartName) {
        const unit = await helmUnit(
          ctx,
          app,
          source,
          undefined,
          refs,
          namespace,
        );
        if (unit) units.push(unit);
      }
      continue;
    }
    if (/\{\{/.test(rawPath)) continue;
    const path = normalizeRepoPath(rawPath);
    if (path === undefined) {
      ctx.reader.problem(
        app.file,
        `Application ${app.name}: source path ${rawPath} is outside the repository`,
        'error',
      );
      continue;
    }
    if (path && !ctx.reader.isFolder(path)) {
      ctx.reader.problem(
        app.file,
        `Application ${app.name}: source path ${path} is not in the repository${
          str(source.repoURL) ? ` (it may be in ${str(source.repoURL)})` : ''
        }`,
        'info',
      );
      continue;
    }
    const environment = envOfApplication(ctx, app, path);
    if (path) ctx.claimedFolders.add(path);
    // an Application deploys a folder here: folders no Application deploys
    // are not environments (a remote chart alone does not count)
    (ctx.selectedPaths ??= []).push(path);
    const chartFile = ['Chart.yaml', 'Chart.yml']
      .map(f => (path ? `${path}/${f}` : f))
      .find(f => ctx.reader.isFile(f));
    if (chartFile) {
      const unit = await helmUnit(
        ctx,
        app,
        source,
        path,
        refs,
        namespace,
        chartFile,
        environment,
      );
      if (unit) units.push(unit);
      continue;
    }
    let resources: Resource[];
    const hasKustomization = [
      'kustomization.yaml',
      'kustomization.yml',
      'Kustomization',
    ].some(f => ctx.reader.isFile(path ? `${path}/${f}` : f));
    if (hasKustomization) {
      resources = await builder.build(path);
      const images = getIn(source, ['kustomize', 'images']);
      for (const img of isSeq(images) ? images : []) {
        if (!isLeaf(img) || typeof img.value !== 'string') continue;
        // `name=newName:tag` or `name:tag`
        const [name, target] = img.value.includes('=')
          ? img.value.split('=', 2)
          : [parseImageRef(img.value).name, img.value];
        const ref = parseImageRef(target);
        applyImage(resources, {
          name,
          newName: ref.name !== name ? new Leaf(ref.name, img.prov) : undefined,
          newTag: ref.tag ? new Leaf(ref.tag, img.prov) : undefined,
          digest: ref.digest ? new Leaf(ref.digest, img.prov) : undefined,
        });
      }
    } else {
      const recurse = str(getIn(source, ['directory', 'recurse'])) === 'true';
      resources = [];
      for (const f of ctx.filesInScope) {
        if (!/\.(ya?ml|json)$/i.test(f) || !isWithin(f, path)) continue;
        if (!recurse && dirnameOf(f) !== path) continue;
        const docs = await ctx.reader.yaml(f);
        if (!docs) continue;
        // fresh copies: the namespace is set per Application
        for (const r of resourcesFromDocuments(f, docs))
          resources.push({ ...r, tree: cloneNode(r.tree) });
        ctx.claimed.add(f);
      }
    }
    if (namespace)
      for (const r of resources) {
        const meta = r.tree.metadata;
        if (isMap(meta) && meta.namespace === undefined)
          meta.namespace = new Leaf(
            namespace,
            getIn(app.tree, ['spec', 'destination', 'namespace']) instanceof
            Leaf
              ? (getIn(app.tree, ['spec', 'destination', 'namespace']) as Leaf)
                  .prov
              : { file: app.file, path: 'spec.destination.namespace', line: 1 },
          );
      }
    units.push({ root: path, managedBy: 'argocd', resources, environment });
  }
  return units;
}

async function helmUnit(
  ctx: LayoutContext,
  app: { tree: TMap; file: string; env?: string; name: string },
  source: TMap,
  path: string | undefined,
  refs: Map<string, string>,
  namespace: string | undefined,
  chartFile?: string,
  environment?: string,
): Promise<RenderedUnit | undefined> {
  const helm = isMap(source.helm) ? source.helm : newMap();
  const layers: ValuesLayer[] = [];
  const facts = chartFile
    ? await chartFacts(ctx, chartFile)
    : { name: str(source.chart) ?? app.name };
  if (path !== undefined)
    for (const f of ['values.yaml', 'values.yml']) {
      const p = path ? `${path}/${f}` : f;
      if (ctx.reader.isFile(p)) layers.push({ file: p, path: '' });
    }
  const valueFiles = isSeq(helm.valueFiles) ? helm.valueFiles : [];
  for (const vf of valueFiles) {
    const t = str(vf);
    if (!t) continue;
    let file: string | undefined;
    const m = /^\$([\w-]+)\/(.*)$/.exec(t);
    if (m)
      file = refs.has(m[1]) ? joinRepoPath(refs.get(m[1])!, m[2]) : undefined;
    else if (path !== undefined) file = joinRepoPath(path, t);
    if (!file || !ctx.reader.isFile(file)) {
      if (str(helm.ignoreMissingValueFiles) !== 'true')
        ctx.reader.problem(
          app.file,
          `Application ${app.name}: value file ${t} is not in the repository`,
          'warning',
          isLeaf(vf) ? vf.prov.line : undefined,
        );
      continue;
    }
    layers.push({ file, path: '' });
    ctx.claimed.add(file);
  }
  const at = (key: string): ValuesLayer => {
    const node = helm[key];
    const p = isLeaf(node) ? node.prov : undefined;
    const base =
      getIn(app.tree, ['spec', 'source']) !== undefined
        ? 'spec.source.helm'
        : 'spec.sources';
    return {
      file: app.file,
      path: p?.path ?? `${base}.${key}`,
      ...(p?.document !== undefined ? { document: p.document } : {}),
    };
  };
  if (isLeaf(helm.values)) layers.push(at('values'));
  if (isMap(helm.valuesObject)) {
    const first = Object.keys(helm.valuesObject)[0];
    const inner = first ? helm.valuesObject[first] : undefined;
    const p =
      inner && isLeaf(inner)
        ? inner.prov.path.replace(/\.[^.]+$/, '')
        : undefined;
    layers.push(p ? { file: app.file, path: p } : at('valuesObject'));
  }
  const overrides: Array<{ path: string; leaf: Leaf }> = [];
  for (const p of isSeq(helm.parameters) ? helm.parameters : []) {
    const name = str(getIn(p, ['name']));
    const value = getIn(p, ['value']);
    if (name && isLeaf(value)) overrides.push({ path: name, leaf: value });
  }
  const version = source.targetRevision;
  const chartVersion =
    str(source.chart) && isLeaf(version) ? version : undefined;
  const unit = await valuesUnit(ctx, {
    root: path ?? dirnameOf(app.file),
    environment: environment ?? envOfApplication(ctx, app, path),
    managedBy: 'argocd',
    chart: facts,
    chartRef: str(source.chart) ?? facts.name,
    chartVersion: chartVersion ? str(chartVersion) ?? null : null,
    layers,
    overrides,
    chartVersionSource: chartVersion?.prov,
    ...(chartFile
      ? { chartDir: path }
      : {
          deployedAs: {
            apiVersion: apiVersionOf({ tree: app.tree } as Resource),
            kind: 'Application',
            name: app.name,
          },
        }),
  });
  if (namespace)
    for (const r of unit.resources)
      if (isMap(r.tree.metadata))
        r.tree.metadata.namespace = new Leaf(namespace, {
          file: app.file,
          path: 'spec.destination.namespace',
          line: 1,
        });
  return unit;
}
