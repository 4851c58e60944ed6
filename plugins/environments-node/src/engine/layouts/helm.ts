import { basenameOf, dirnameOf, isWithin } from '../files/repositoryFiles';
import { environmentOfFolder } from '../environments/environmentDiscovery';
import { ENVIRONMENT_WORDS } from '../environments/environmentOrder';
import { ChartFacts, mergeValues, workloadsFromValues } from '../helm/values';
import { HelmValuesSource, Provenance, ValuesLayer } from '../types';
import { WORKLOAD_POD_SPEC } from '../workloads/extractWorkloads';
import { parseYaml } from '../yaml/parseYaml';
import { isLeaf, isMap, Leaf, newMap, str, TMap } from '../yaml/tree';
import { LayoutContext, LayoutReader, RenderedUnit } from './layoutReader';
import { chartDefaultsRelease, CHART_DEFAULTS_NOTE } from './fluxChartDefaults';
import { templateWorkloads } from './helmTemplates';
import { deployedEnvironments } from './helmValuesEnvironments';

const CHART_FILE = /^Chart\.ya?ml$/;
const VALUES_NAMED = /^values[-._](.+)\.ya?ml$/i;
const VALUES_FILE = /^values\.ya?ml$/i;
const COMMON = new Set([
  'common',
  'base',
  'default',
  'defaults',
  'shared',
  'global',
  'all',
]);

/**
 * Stage words that are too common as folder names to mark an environment on their own (a `perf`
 * folder of load tests), but that name one in a values file or an Application (`values-perf.yaml`).
 * Not `ci` or `local`: charts keep their test values in `ci/values-ci.yaml`.
 */
const VALUES_ENVIRONMENT_WORDS = new Set([
  ...ENVIRONMENT_WORDS,
  'perf',
  'load',
  'live',
  'acc',
]);

/** Whether a name (`prod`, `prod-eu`, `engineering-dev`, `perf`) names a stage. */
export function namesEnvironment(name: string): boolean {
  return name
    .toLowerCase()
    .split(/[-_.]+/)
    .some(w => VALUES_ENVIRONMENT_WORDS.has(w));
}

/** What a values file is for: an environment, a common layer, or neither. */
function valuesRole(
  file: string,
  chartDir: string | undefined,
  ctx: LayoutContext,
): { env: string } | 'common' | undefined {
  const base = basenameOf(file);
  const dir = dirnameOf(file);
  const named = VALUES_NAMED.exec(base);
  if (named) {
    const x = named[1];
    if (COMMON.has(x.toLowerCase())) return 'common';
    if (namesEnvironment(x)) return { env: x };
    return undefined;
  }
  if (basenameOf(dir).toLowerCase() === 'values') {
    const stem = base.replace(/\.ya?ml$/i, '');
    if (COMMON.has(stem.toLowerCase())) return 'common';
    if (namesEnvironment(stem)) return { env: stem };
    return undefined;
  }
  if (VALUES_FILE.test(base) && dir !== chartDir) {
    if (COMMON.has(basenameOf(dir).toLowerCase())) return 'common';
    const env = environmentOfFolder(
      chartDir && isWithin(dir, chartDir)
        ? dir.slice(chartDir.length).replace(/^\//, '')
        : dir,
      ctx.reader.childFolders,
    );
    if (env) return { env: env.key };
  }
  return undefined;
}

/** The workload kind a chart's templates declare, when there is exactly one (`Job` when only Jobs). */
async function templateKind(
  ctx: LayoutContext,
  chartDir: string,
): Promise<string | undefined> {
  const kinds = new Set<string>();
  const templates = ctx.filesInScope
    .filter(
      f => isWithin(f, `${chartDir}/templates`) && /\.(ya?ml|tpl)$/.test(f),
    )
    .slice(0, 50);
  let jobs = false;
  for (const f of templates) {
    const text = await ctx.reader.text(f);
    for (const m of text?.matchAll(/^kind:\s*["']?(\w+)/gm) ?? []) {
      if (WORKLOAD_POD_SPEC[m[1]]) kinds.add(m[1]);
      if (m[1] === 'Job') jobs = true;
    }
  }
  if (kinds.size === 1) return [...kinds][0];
  // a chart of (hook) Jobs only deploys no versioned workload: its Jobs keep
  // their kind and are not reported as a Deployment
  return kinds.size === 0 && jobs ? 'Job' : undefined;
}

/** Reads a chart's Chart.yaml: name and appVersion. */
export async function chartFacts(
  ctx: LayoutContext,
  chartFile: string,
): Promise<ChartFacts & { version?: string }> {
  const docs = await ctx.reader.yaml(chartFile);
  const tree = docs?.[0]?.tree;
  const dir = dirnameOf(chartFile);
  const name = (isMap(tree) && str(tree.name)) || basenameOf(dir) || 'chart';
  const appVersion =
    isMap(tree) && isLeaf(tree.appVersion) && str(tree.appVersion)
      ? tree.appVersion
      : undefined;
  return {
    name,
    appVersion,
    kind: await templateKind(ctx, dir),
    version: isMap(tree) ? str(tree.version) : undefined,
  };
}

/** Values embedded in a string, with lines mapped into its file. */
export function embeddedValues(
  leaf: Leaf,
  ctx: LayoutContext,
): TMap | undefined {
  if (typeof leaf.value !== 'string') return undefined;
  const block = leaf.raw === undefined;
  const parsed = parseYaml(leaf.prov.file, leaf.value, {
    fixedPath: leaf.prov.path,
    mapLine: l => (block ? leaf.prov.line + l : leaf.prov.line),
    document: leaf.prov.document,
  });
  for (const p of parsed.problems)
    ctx.reader.problem(p.file, `values: ${p.message}`, p.severity, p.line);
  const tree = parsed.documents[0]?.tree;
  if (tree === undefined) return newMap();
  return isMap(tree) ? tree : undefined;
}

/** Parsed values of a layer (an empty map for an empty file). */
export async function readLayer(
  ctx: LayoutContext,
  layer: ValuesLayer,
): Promise<TMap | undefined> {
  const docs = await ctx.reader.yaml(layer.file);
  if (!docs) return undefined;
  const doc = docs.find(d => d.index === (layer.document ?? 0));
  let tree = doc?.tree;
  if (layer.path) {
    for (const seg of layer.path.split('.'))
      tree = isMap(tree) ? tree[seg] : undefined;
  }
  if (tree === undefined) return newMap();
  // values embedded in a string (Argo CD helm.values, a ConfigMap's data)
  if (isLeaf(tree) && typeof tree.value === 'string')
    return embeddedValues(tree, ctx);
  if (!isMap(tree)) {
    ctx.reader.problem(
      layer.file,
      `${layer.path || 'values'} is not a map; ignored`,
      'warning',
    );
    return undefined;
  }
  return tree;
}

/**
 * Renders one environment of a Helm-deployed application from its values
 * layers (without rendering templates) into a unit.
 */
export async function valuesUnit(
  ctx: LayoutContext,
  args: {
    root: string;
    environment?: string;
    managedBy: RenderedUnit['managedBy'];
    chart: ChartFacts;
    chartRef: string | null;
    chartVersion: string | null;
    layers: ValuesLayer[];
    /** `--set`-like values applied last (Argo CD helm.parameters). */
    overrides?: Array<{ path: string; leaf: Leaf }>;
    chartVersionSource?: Provenance;
    /** The chart's folder in the repository, so its templates can say what the values do not. */
    chartDir?: string;
    /** A remote chart whose values name no image: this object is the workload, versioned by its chart. */
    deployedAs?: { apiVersion: string; kind: string; name: string };
  },
): Promise<RenderedUnit> {
  let values = newMap();
  for (const layer of args.layers) {
    const tree = await readLayer(ctx, layer);
    if (tree) values = mergeValues(values, tree);
  }
  for (const o of args.overrides ?? []) {
    const segs = o.path.split('.');
    const over = newMap();
    let cur = over;
    segs.forEach((seg, i) => {
      if (i === segs.length - 1) cur[seg] = o.leaf;
      else {
        const next = newMap();
        cur[seg] = next;
        cur = next;
      }
    });
    values = mergeValues(values, over);
  }
  const last = args.layers[args.layers.length - 1];
  const fallback = {
    file: last?.file ?? args.root,
    path: last?.path ?? '',
    line: 1,
  };
  const fromValues = workloadsFromValues(
    values,
    args.chart,
    fallback,
    ctx.helm,
  );
  for (const n of fromValues.notes)
    ctx.reader.problem(n.file, n.message, 'info', n.line);
  // values that name no image in a known place: ask the templates
  const { resources, images } =
    fromValues.resources.length === 0 && args.chartDir !== undefined
      ? await templateWorkloads(ctx, args.chartDir, values, args)
      : fromValues;
  if (resources.length === 0 && args.deployedAs) {
    const at = args.chartVersionSource ?? fallback;
    resources.push(
      chartDefaultsRelease(
        args.deployedAs.name,
        values,
        at,
        ctx.helm?.paths?.replicas,
        args.deployedAs,
      ),
    );
    ctx.reader.problem(
      at.file,
      `${args.deployedAs.kind} "${args.deployedAs.name}": ${CHART_DEFAULTS_NOTE}`,
      'info',
      at.line,
    );
  }
  const helm: HelmValuesSource = {
    chart: args.chartRef,
    chartVersion: args.chartVersion,
    layers: args.layers,
    images,
    ...(args.chartVersionSource
      ? { chartVersionSource: args.chartVersionSource }
      : {}),
  };
  for (const r of resources) {
    r.helm = helm;
    r.managedBy = args.managedBy;
  }
  return {
    root: args.root,
    managedBy: args.managedBy,
    resources,
    environment: args.environment,
  };
}

/**
 * Helm charts in the repository with values per environment:
 * `values-<env>.yaml`, `values.<env>.yaml`, `values/<env>.yaml`,
 * `<env>/values.yaml` (also under `env/`, `envs/`, `environments/`), inside
 * the chart or beside it, layered over the chart's `values.yaml` and common
 * files (`values-common.yaml` …). Templates are not rendered.
 */
export const helmLayout: LayoutReader = {
  name: 'helm',
  async read(ctx: LayoutContext): Promise<RenderedUnit[]> {
    const claimedFolder = (f: string) => {
      for (let d = dirnameOf(f); ; d = dirnameOf(d)) {
        if (ctx.claimedFolders.has(d)) return true;
        if (!d) return false;
      }
    };
    const chartFiles = ctx.filesInScope.filter(
      f =>
        CHART_FILE.test(basenameOf(f)) &&
        !ctx.claimed.has(f) &&
        !claimedFolder(f),
    );
    const chartDirs = chartFiles.map(dirnameOf);
    const chartOf = (file: string): string | undefined => {
      const inside = chartDirs
        .filter(c => isWithin(file, c))
        .sort((a, b) => b.length - a.length)[0];
      if (inside !== undefined) return inside;
      for (let d = dirnameOf(file); ; d = dirnameOf(d)) {
        const below = chartDirs.filter(c => isWithin(c, d));
        if (below.length === 1) return below[0];
        if (below.length > 1 || !d) return undefined;
      }
    };
    const envFiles = new Map<string, Map<string, string[]>>();
    const commonFiles = new Map<string, string[]>();
    for (const f of ctx.filesInScope) {
      if (!/\.ya?ml$/i.test(f) || ctx.claimed.has(f) || claimedFolder(f))
        continue;
      const base = basenameOf(f);
      if (
        !/^values/i.test(base) &&
        basenameOf(dirnameOf(f)).toLowerCase() !== 'values'
      )
        continue;
      const chart = chartOf(f);
      if (
        chart === undefined ||
        (f === `${chart ? `${chart}/` : ''}${base}` && VALUES_FILE.test(base))
      )
        continue;
      const role = valuesRole(f, chart, ctx);
      if (!role) continue;
      if (role === 'common') {
        if (!commonFiles.has(chart)) commonFiles.set(chart, []);
        commonFiles.get(chart)!.push(f);
        continue;
      }
      if (!envFiles.has(chart)) envFiles.set(chart, new Map());
      const byEnv = envFiles.get(chart)!;
      if (!byEnv.has(role.env)) byEnv.set(role.env, []);
      byEnv.get(role.env)!.push(f);
    }

    const units: RenderedUnit[] = [];
    for (const [i, chartDir] of chartDirs.entries()) {
      const byEnv = envFiles.get(chartDir);
      ctx.claimedFolders.add(chartDir);
      ctx.claimed.add(chartFiles[i]);
      if (!byEnv) continue;
      const facts = await chartFacts(ctx, chartFiles[i]);
      const own = ['values.yaml', 'values.yml']
        .map(n => (chartDir ? `${chartDir}/${n}` : n))
        .filter(f => ctx.reader.isFile(f));
      const common = (commonFiles.get(chartDir) ?? []).sort();
      const deployed = await deployedEnvironments(ctx, chartDir, byEnv);
      for (const [env, files] of [...byEnv.entries()].sort()) {
        if (!deployed.has(env)) continue;
        const sorted = [...files].sort();
        const layers = [...own, ...common, ...sorted].map(file => ({
          file,
          path: '',
        }));
        for (const l of layers) ctx.claimed.add(l.file);
        units.push(
          await valuesUnit(ctx, {
            root: dirnameOf(sorted[sorted.length - 1]),
            environment: env,
            managedBy: 'helm',
            chart: facts,
            chartRef: facts.name,
            chartVersion: null,
            layers,
            chartDir,
          }),
        );
      }
    }
    return units;
  },
};
