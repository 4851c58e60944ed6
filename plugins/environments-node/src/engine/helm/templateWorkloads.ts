import { isWithin } from '../files/repositoryFiles';
import { parseImageRef } from '../kustomize/imageRef';
import { Resource } from '../resources';
import { HelmValuesSource, Provenance, ValuesLayer } from '../types';
import { WORKLOAD_POD_SPEC } from '../workloads/extractWorkloads';
import { ImageParts, Leaf, newMap, newSeq, TMap } from '../yaml/tree';
import {
  evaluateAction,
  renderLine,
  TemplateScope,
} from './templateExpression';

const KIND = /^kind:\s*["']?(\w+)/m;
const IMAGE = /^(\s*)(?:-\s+)?image:\s*(.+?)\s*$/;
const NAME = /^\s*-\s+name:\s*(.+?)\s*$/;
const REPLICAS = /^\s*replicas:\s*(.+?)\s*$/;
const TOP_IF = /^\s*\{\{-?\s*if\s+([\s\S]*?)\s*-?\}\}\s*$/;

/** A template file's text, by repository path. */
export interface TemplateSource {
  file: string;
  text: string;
}

const unquote = (s: string) => s.replace(/^(["'])(.*)\1$/, '$2');

/** Where a leaf sits relative to its values root, when a layer holds it. */
function valuesPath(leaf: Leaf, layers: ValuesLayer[]): string | undefined {
  const layer = layers.find(
    l =>
      l.file === leaf.prov.file &&
      (l.document ?? 0) === (leaf.prov.document ?? 0),
  );
  if (!layer) return undefined;
  if (!layer.path) return leaf.prov.path;
  return leaf.prov.path.startsWith(`${layer.path}.`)
    ? leaf.prov.path.slice(layer.path.length + 1)
    : undefined;
}

/** `metadata.name` of a template document, when it renders with the values alone. */
function objectName(
  lines: string[],
  scope: TemplateScope,
  offset: number,
  file: string,
): Leaf | undefined {
  const meta = lines.findIndex(l => /^metadata:\s*$/.test(l));
  if (meta < 0) return undefined;
  for (let i = meta + 1; i < lines.length && /^\s/.test(lines[i]); i++) {
    const m = /^ {2}name:\s*(.+?)\s*$/.exec(lines[i]);
    if (!m) continue;
    const r = renderLine(m[1], scope);
    const name = r && unquote(r.text);
    return name && !name.includes('{')
      ? new Leaf(name, { file, path: 'metadata.name', line: offset + i + 1 })
      : undefined;
  }
  return undefined;
}

function truthy(v: unknown): boolean {
  return !(v === undefined || v === null || v === false || v === '' || v === 0);
}

/**
 * Workloads a chart's templates declare when its values name no image in a
 * known place: every workload template (`kind: Deployment` …) whose
 * `image:` lines render with the values alone (`repo/app:{{ .Values.tag }}`,
 * `{{ .Values.images.repository }}/api:{{ .Values.images.tag | default
 * .Chart.AppVersion }}`). A template wrapped in an `if` that the values
 * turn off is left out. Tags keep the provenance of the value they came
 * from, else of the template line.
 */
export function workloadsFromTemplates(
  templates: TemplateSource[],
  scope: TemplateScope,
  layers: ValuesLayer[],
  workloadName: string,
): { resources: Resource[]; images: HelmValuesSource['images'] } {
  const resources: Resource[] = [];
  const images: HelmValuesSource['images'] = {};
  for (const t of templates) {
    for (const [d, doc] of t.text.split(/^---\s*$/m).entries()) {
      const kind = KIND.exec(doc)?.[1];
      if (!kind || !WORKLOAD_POD_SPEC[kind]) continue;
      const lines = doc.split('\n');
      const offset = t.text
        .split(/^---\s*$/m)
        .slice(0, d)
        .reduce((n, part) => n + part.split('\n').length - 1, 0);
      const guard = lines.find(l => l.trim() !== '');
      const cond = guard ? TOP_IF.exec(guard) : null;
      if (cond) {
        try {
          if (!truthy(evaluateAction(`{{ ${cond[1]} }}`, scope).value))
            continue;
        } catch {
          // a condition we cannot evaluate: take the template as it is
        }
      }
      const containers = newSeq();
      let replicas: Leaf | undefined;
      lines.forEach((line, i) => {
        const prov: Provenance = {
          file: t.file,
          path: kind === 'CronJob' ? 'spec.jobTemplate' : 'spec.template',
          line: offset + i + 1,
        };
        const rep = REPLICAS.exec(line);
        if (rep && !replicas) {
          const r = renderLine(rep[1], scope);
          const n = r && Number(unquote(r.text));
          if (r && Number.isInteger(n))
            replicas = new Leaf(n as number, r.leaves[0]?.prov ?? prov);
        }
        const m = IMAGE.exec(line);
        if (!m) return;
        const rendered = renderLine(m[2], scope);
        if (!rendered) return;
        const image = unquote(rendered.text);
        const ref = parseImageRef(image);
        if (!ref.name || ref.name.includes('{')) return;
        let name = workloadName;
        for (let j = i; j >= Math.max(0, i - 8); j--) {
          const n = NAME.exec(lines[j]);
          const r = n && renderLine(n[1], scope);
          if (r) {
            name = unquote(r.text);
            break;
          }
        }
        const tagLeaf = rendered.leaves.find(
          l => ref.tag !== undefined && String(l.value) === ref.tag,
        );
        const repoLeaf = rendered.leaves.find(
          l => String(l.value) === ref.name,
        );
        const parts: ImageParts = {
          name: repoLeaf?.prov ?? prov,
          tag: tagLeaf?.prov ?? (ref.tag ? prov : undefined),
        };
        const tagPath = tagLeaf && valuesPath(tagLeaf, layers);
        if (tagPath) {
          images[name] = { tag: tagPath };
          const repoPath = repoLeaf && valuesPath(repoLeaf, layers);
          if (repoPath) images[name].repository = repoPath;
        }
        const c = newMap(prov);
        c.name = new Leaf(name, prov);
        c.image = new Leaf(image, parts.tag ?? prov, undefined, parts);
        containers.push(c);
      });
      if (containers.length === 0) continue;
      const podSpec = newMap();
      podSpec.containers = containers;
      const template = newMap();
      template.spec = podSpec;
      const spec = newMap();
      if (replicas) spec.replicas = replicas;
      if (kind === 'CronJob') {
        const job = newMap();
        job.template = template;
        const jobTemplate = newMap();
        jobTemplate.spec = job;
        spec.jobTemplate = jobTemplate;
      } else spec.template = template;
      const metadata = newMap();
      const nameLeaf =
        objectName(lines, scope, offset, t.file) ??
        new Leaf(
          resources.length === 0
            ? workloadName
            : `${workloadName}-${resources.length}`,
          { file: t.file, path: 'metadata.name', line: offset + 1 },
        );
      metadata.name = nameLeaf;
      const tree: TMap = newMap();
      tree.apiVersion = new Leaf('apps/v1', nameLeaf.prov);
      tree.kind = new Leaf(kind, {
        file: t.file,
        path: 'kind',
        line: offset + 1,
      });
      tree.metadata = metadata;
      tree.spec = spec;
      resources.push({ tree, file: t.file, previousNames: [], affixes: [] });
    }
  }
  return { resources, images };
}

/** The template files of a chart (not helpers, tests or notes). */
export function chartTemplateFiles(
  files: string[],
  chartDir: string,
): string[] {
  const templates = chartDir ? `${chartDir}/templates` : 'templates';
  return files.filter(
    f =>
      isWithin(f, templates) &&
      /\.ya?ml$/i.test(f) &&
      !/(^|\/)tests\//.test(f.slice(templates.length)),
  );
}
