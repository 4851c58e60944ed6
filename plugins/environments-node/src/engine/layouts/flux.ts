import { normalizeRepoPath } from '../files/repositoryFiles';
import { ChartFacts, mergeValues, workloadsFromValues } from '../helm/values';
import {
  allNames,
  apiVersionOf,
  kindOf,
  nameOf,
  namespaceOf,
  Resource,
} from '../resources';
import { HelmValuesSource, ValuesLayer } from '../types';
import {
  getIn,
  isLeaf,
  isMap,
  isSeq,
  Leaf,
  newMap,
  provOf,
  str,
  TMap,
  TNode,
} from '../yaml/tree';
import { chartDefaultsRelease, CHART_DEFAULTS_NOTE } from './fluxChartDefaults';
import { chartFacts, embeddedValues, readLayer } from './helm';
import { templateWorkloads } from './helmTemplates';
import { LayoutContext, RenderedUnit } from './layoutReader';

const isFlux = (r: Resource, group: string) =>
  apiVersionOf(r).startsWith(`${group}.toolkit.fluxcd.io/`);

function hasSubstitution(n: TNode | undefined): boolean {
  if (isLeaf(n))
    return typeof n.value === 'string' && /\$\{[^}]+\}/.test(n.value);
  if (isSeq(n)) return n.some(hasSubstitution);
  if (isMap(n)) return Object.keys(n).some(k => hasSubstitution(n[k]));
  return false;
}

/**
 * Flux `HelmRelease` objects of a rendered unit (already patched per
 * environment by kustomize) become the workloads their values declare:
 * chart values (when the chart is in the repository) < `valuesFiles` <
 * `valuesFrom` ConfigMaps < `spec.values`. Templates are not rendered;
 * postBuild substitutions (`${VAR}`) are left as written and noted.
 */
export async function expandHelmReleases(
  unit: RenderedUnit,
  ctx: LayoutContext,
): Promise<void> {
  const releases = unit.resources.filter(
    r => kindOf(r) === 'HelmRelease' && isFlux(r, 'helm'),
  );
  for (const hr of releases) {
    const spec = hr.tree.spec;
    if (!isMap(spec)) continue;
    const name = str(spec.releaseName) ?? nameOf(hr);
    const namespace = str(spec.targetNamespace) ?? namespaceOf(hr);
    const chartSpec = getIn(spec, ['chart', 'spec']);
    const chartName = str(getIn(chartSpec, ['chart']));
    const versionNode = getIn(chartSpec, ['version']);
    const sourceKind = str(getIn(chartSpec, ['sourceRef', 'kind']));
    const chartRef = getIn(spec, ['chartRef']);
    let chart: string | null = chartName ?? null;
    let chartVersion = str(versionNode) ?? null;
    let chartVersionSource = isLeaf(versionNode) ? versionNode.prov : undefined;
    if (!chartName && isMap(chartRef)) {
      const refKind = str(chartRef.kind) ?? 'OCIRepository';
      const refName = str(chartRef.name) ?? '';
      chart = `${refKind}/${refName}`;
      const source = unit.resources.find(
        r => kindOf(r) === refKind && nameOf(r) === refName,
      );
      const ref = source ? getIn(source.tree, ['spec', 'ref']) : undefined;
      const tag = getIn(ref, ['tag']) ?? getIn(ref, ['semver']);
      if (isLeaf(tag)) {
        chartVersion = str(tag) ?? null;
        chartVersionSource = tag.prov;
      }
    }

    const layers: ValuesLayer[] = [];
    const trees: TMap[] = [];
    let facts: ChartFacts = { name };
    let chartDir: string | undefined;
    // a chart from a GitRepository: a path in (we assume) this repository
    if (chartName && sourceKind === 'GitRepository') {
      const dir = normalizeRepoPath(chartName);
      const chartFile = ['Chart.yaml', 'Chart.yml']
        .map(f => (dir ? `${dir}/${f}` : f))
        .find(f => ctx.reader.isFile(f));
      if (dir !== undefined && chartFile) {
        chartDir = dir;
        const c = await chartFacts(ctx, chartFile);
        facts = { name, appVersion: c.appVersion, kind: c.kind };
        chart = c.name;
        chartVersion = chartVersion ?? c.version ?? null;
        const files = [
          ...['values.yaml', 'values.yml'].map(f => (dir ? `${dir}/${f}` : f)),
        ].filter(f => ctx.reader.isFile(f));
        const extra = getIn(chartSpec, ['valuesFiles']);
        if (isSeq(extra))
          for (const f of extra) {
            const p = str(f) && normalizeRepoPath(`${dir}/${str(f)}`);
            if (p && ctx.reader.isFile(p) && !files.includes(p)) files.push(p);
          }
        for (const f of files) layers.push({ file: f, path: '' });
      }
    }
    for (const l of layers) {
      const t = await readLayer(ctx, l);
      if (t) trees.push(t);
    }
    const valuesFrom = getIn(spec, ['valuesFrom']);
    for (const ref of isSeq(valuesFrom) ? valuesFrom : []) {
      if (!isMap(ref)) continue;
      const kind = str(ref.kind) ?? 'ConfigMap';
      const refName = str(ref.name) ?? '';
      const key = str(ref.valuesKey) ?? 'values.yaml';
      if (kind !== 'ConfigMap') {
        ctx.reader.problem(
          hr.file,
          `valuesFrom ${kind} "${refName}" is not read (secrets stay out of the matrix)`,
          'info',
          provOf(ref)?.line,
        );
        continue;
      }
      if (ref.targetPath !== undefined) {
        ctx.reader.problem(
          hr.file,
          `valuesFrom "${refName}" with targetPath is not read`,
          'info',
          provOf(ref)?.line,
        );
        continue;
      }
      const cm = unit.resources.find(
        r => kindOf(r) === 'ConfigMap' && allNames(r).includes(refName),
      );
      const file = cm?.dataFiles?.[key];
      const data = cm ? getIn(cm.tree, ['data', key]) : undefined;
      if (file) {
        const layer = { file, path: '' };
        const t = await readLayer(ctx, layer);
        if (t) {
          layers.push(layer);
          trees.push(t);
        }
      } else if (isLeaf(data)) {
        const t = embeddedValues(data, ctx);
        if (t) {
          layers.push({
            file: data.prov.file,
            path: data.prov.path,
            ...(data.prov.document !== undefined
              ? { document: data.prov.document }
              : {}),
          });
          trees.push(t);
        }
      } else if (str(ref.optional) !== 'true') {
        ctx.reader.problem(
          hr.file,
          `valuesFrom ConfigMap "${refName}" (key ${key}) is not in the repository; its values are not known`,
          'info',
          provOf(ref)?.line,
        );
      }
    }
    const values = spec.values;
    const specValuesLayer: ValuesLayer = {
      file: hr.file,
      path: 'spec.values',
      ...(hr.tree.kind &&
      isLeaf(hr.tree.kind) &&
      hr.tree.kind.prov.document !== undefined
        ? { document: hr.tree.kind.prov.document }
        : {}),
    };
    layers.push(specValuesLayer);
    if (isMap(values)) trees.push(values);
    let merged = newMap();
    for (const t of trees) merged = mergeValues(merged, t);
    if (hasSubstitution(merged))
      ctx.reader.problem(
        hr.file,
        `HelmRelease "${nameOf(
          hr,
        )}" values use postBuild substitutions (\${VAR}); they are shown as written, not substituted`,
        'info',
      );
    const fallback = provOf(getIn(hr.tree, ['metadata', 'name'])) ?? {
      file: hr.file,
      path: '',
      line: 1,
    };
    const fromValues = workloadsFromValues(merged, facts, fallback, ctx.helm);
    for (const n of fromValues.notes)
      ctx.reader.problem(n.file, n.message, 'info', n.line);
    // a chart of this repository whose values name no image: its templates
    const { resources, images } =
      fromValues.resources.length === 0 && chartDir !== undefined
        ? await templateWorkloads(ctx, chartDir, merged, {
            chart: facts,
            layers,
          })
        : fromValues;
    const helm: HelmValuesSource = {
      chart,
      chartVersion,
      layers,
      images,
      ...(chartVersionSource ? { chartVersionSource } : {}),
      object: {
        apiVersion: apiVersionOf(hr),
        kind: 'HelmRelease',
        // the name in the files (before namePrefix/nameSuffix)
        name: hr.previousNames[0] ?? nameOf(hr),
      },
    };
    if (resources.length === 0) {
      // a remote chart whose values name no image: the release itself is
      // the workload, versioned by its chart
      resources.push(
        chartDefaultsRelease(name, merged, fallback, ctx.helm?.paths?.replicas),
      );
      ctx.reader.problem(
        fallback.file,
        `HelmRelease "${name}": ${CHART_DEFAULTS_NOTE}`,
        'info',
        fallback.line,
      );
    }
    for (const r of resources) {
      r.helm = helm;
      r.managedBy = 'flux';
      if (namespace && isMap(r.tree.metadata))
        r.tree.metadata.namespace = new Leaf(namespace, fallback);
      unit.resources.push(r);
    }
  }
}
