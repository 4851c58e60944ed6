import { formatImageRef, parseImageRef } from '../kustomize/imageRef';
import { Resource } from '../resources';
import { HelmValuesSource, Provenance } from '../types';
import {
  ImageParts,
  isLeaf,
  isMap,
  isSeq,
  Leaf,
  newMap,
  newSeq,
  PROV,
  str,
  TMap,
  TNode,
} from '../yaml/tree';

/**
 * Value paths the engine reads from Helm values, relative to the values root
 * or to a component (`frontend.image.tag`). Candidates are tried in order.
 *
 * @public
 */
export interface HelmValuePaths {
  repository: string[];
  registry: string[];
  tag: string[];
  digest: string[];
  replicas: string[];
  resources: string[];
  autoscaling: string[];
}

/**
 * Per-entity settings of the Helm values reader, for unusual charts.
 *
 * @public
 */
export interface HelmOptions {
  /** Value paths tried before the built-in ones. */
  paths?: Partial<HelmValuePaths>;
}

export const DEFAULT_VALUE_PATHS: HelmValuePaths = {
  repository: ['image.repository', 'image.name', 'image'],
  registry: ['image.registry'],
  tag: ['image.tag', 'imageTag', 'imageVersion', 'image.version', 'tag'],
  digest: ['image.digest'],
  replicas: ['replicaCount', 'replicas'],
  resources: ['resources'],
  autoscaling: ['autoscaling', 'hpa'],
};

export function valuePaths(options?: HelmOptions): HelmValuePaths {
  const out = { ...DEFAULT_VALUE_PATHS };
  for (const k of Object.keys(out) as Array<keyof HelmValuePaths>) {
    const extra = options?.paths?.[k];
    if (extra?.length) out[k] = [...extra, ...out[k]];
  }
  return out;
}

/** Helm's coalescing: maps merge key by key, anything else replaces; null deletes. */
export function mergeValues(base: TMap, over: TMap): TMap {
  const out = newMap(over[PROV] ?? base[PROV]);
  for (const k of Object.keys(base)) out[k] = base[k];
  for (const k of Object.keys(over)) {
    const v = over[k];
    if (isLeaf(v) && v.value === null) {
      delete out[k];
      continue;
    }
    const b = out[k];
    out[k] = isMap(b) && isMap(v) ? mergeValues(b, v) : v;
  }
  return out;
}

function at(root: TNode | undefined, path: string): TNode | undefined {
  let cur = root;
  for (const seg of path.split('.')) {
    if (!isMap(cur)) return undefined;
    cur = cur[seg];
  }
  return cur;
}

function first(
  root: TMap,
  paths: string[],
  accept: (n: TNode) => boolean,
): { path: string; node: TNode } | undefined {
  for (const p of paths) {
    const node = at(root, p);
    if (node !== undefined && accept(node)) return { path: p, node };
  }
  return undefined;
}

const isText = (n: TNode) => isLeaf(n) && n.value !== null;
const isTemplate = (n: TNode | undefined) =>
  isLeaf(n) && typeof n.value === 'string' && n.value.includes('{{');

/** A note for the scan's problems. */
export interface ValuesNote {
  file: string;
  line?: number;
  message: string;
}

/** What {@link workloadsFromValues} needs to know about the chart. */
export interface ChartFacts {
  /** Workload name of the top-level image (release or chart name). */
  name: string;
  /** Chart.yaml `appVersion`, the usual default of an empty tag. */
  appVersion?: Leaf;
  /** Workload kind the templates declare, when they declare one. */
  kind?: string;
}

function join(prefix: string, path: string): string {
  return prefix ? `${prefix}.${path}` : path;
}

function leafText(n: TNode | undefined): string | undefined {
  const s = str(n);
  return s === undefined || s === '' ? undefined : s;
}

/**
 * Turns merged Helm values into the Kubernetes objects the chart's templates
 * most likely render (a workload per image: the top-level `image` and every
 * top-level component with its own image, plus an HPA and an Ingress when
 * enabled), each value keeping the provenance of the layer that set it.
 * Templates are not rendered.
 */
export function workloadsFromValues(
  values: TMap,
  chart: ChartFacts,
  fallbackProv: Provenance,
  options?: HelmOptions,
): {
  resources: Resource[];
  images: HelmValuesSource['images'];
  notes: ValuesNote[];
} {
  const paths = valuePaths(options);
  const resources: Resource[] = [];
  const images: HelmValuesSource['images'] = {};
  const notes: ValuesNote[] = [];
  const note = (n: TNode | undefined, message: string) => {
    const p = isLeaf(n) ? n.prov : undefined;
    notes.push({
      file: p?.file ?? fallbackProv.file,
      line: p?.line,
      message,
    });
  };

  const component = (root: TMap, prefix: string, name: string) => {
    const repo = first(root, paths.repository, isText);
    const tag = first(root, paths.tag, n => leafText(n) !== undefined);
    if (!repo && !tag) return;
    const registry = first(root, paths.registry, isText);
    const digest = first(root, paths.digest, isText);
    const ref = parseImageRef(str(repo?.node) ?? '');
    let tagLeaf = tag?.node as Leaf | undefined;
    let tagValue = leafText(tagLeaf) ?? null;
    let tagPath = join(prefix, tag?.path ?? paths.tag[0]);
    // `image: repo:tag` as one string
    if (!tag && ref.tag) {
      tagLeaf = repo!.node as Leaf;
      tagValue = ref.tag;
      tagPath = join(prefix, repo!.path);
    }
    if (!tagLeaf && !ref.digest && chart.appVersion) {
      tagLeaf = chart.appVersion;
      tagValue = leafText(tagLeaf) ?? null;
      note(
        repo?.node,
        `${tagPath} is empty; Helm templates are not rendered, so the tag is taken from Chart.yaml appVersion (the usual default)`,
      );
    }
    for (const [label, n] of [
      ['image', repo?.node],
      ['tag', tagLeaf],
    ] as const) {
      if (isTemplate(n))
        note(
          n,
          `${label} is a Helm template; its value only exists after rendering`,
        );
    }
    const name2 = registry
      ? `${str(registry.node)}/${ref.name}`
      : ref.name || null;
    const image = formatImageRef({
      name: name2 ?? '',
      tag: tagValue,
      digest: str(digest?.node) ?? ref.digest,
    });
    const parts: ImageParts = {
      name: (repo?.node as Leaf | undefined)?.prov,
      tag: tagLeaf?.prov,
      digest: (digest?.node as Leaf | undefined)?.prov,
    };
    const imageLeaf = new Leaf(
      image,
      parts.tag ?? parts.name ?? fallbackProv,
      undefined,
      parts,
    );
    images[name] = { tag: tagPath };
    if (repo) images[name].repository = join(prefix, repo.path);
    if (digest) images[name].digest = join(prefix, digest.path);

    const container = newMap(fallbackProv);
    container.name = new Leaf(name, fallbackProv);
    container.image = imageLeaf;
    const res = first(root, paths.resources, isMap);
    if (res) container.resources = res.node;
    // `env:` as a map (NAME: value) or as a container env list
    const env = root.env;
    if (isSeq(env)) container.env = env;
    else if (isMap(env)) {
      const list = newSeq(fallbackProv);
      for (const k of Object.keys(env)) {
        if (!isLeaf(env[k])) continue;
        const item = newMap(fallbackProv);
        item.name = new Leaf(k, env[k].prov);
        item.value = env[k];
        list.push(item);
      }
      container.env = list;
    }
    const podSpec = newMap(fallbackProv);
    const containers = newSeq(fallbackProv);
    containers.push(container);
    podSpec.containers = containers;
    const kind = chart.kind ?? 'Deployment';
    const spec = newMap(fallbackProv);
    const replicas = first(root, paths.replicas, isText);
    if (replicas) spec.replicas = replicas.node;
    const template = newMap(fallbackProv);
    template.spec = podSpec;
    if (kind === 'CronJob') {
      const jobSpec = newMap(fallbackProv);
      jobSpec.template = template;
      const jobTemplate = newMap(fallbackProv);
      jobTemplate.spec = jobSpec;
      spec.jobTemplate = jobTemplate;
    } else spec.template = template;
    const metadata = newMap(fallbackProv);
    metadata.name = new Leaf(name, fallbackProv);
    const tree = newMap(fallbackProv);
    tree.apiVersion = new Leaf('apps/v1', fallbackProv);
    tree.kind = new Leaf(kind, fallbackProv);
    tree.metadata = metadata;
    tree.spec = spec;
    resources.push({
      tree,
      file: fallbackProv.file,
      previousNames: [],
      affixes: [],
    });

    const hpa = first(root, paths.autoscaling, isMap)?.node as TMap | undefined;
    if (hpa && autoscalingEnabled(hpa))
      resources.push(hpaFor(hpa, kind, name, fallbackProv));
    const ingress = root.ingress;
    if (isMap(ingress) && str(ingress.enabled) !== 'false') {
      const hosts = ingressHosts(ingress);
      if (hosts.length > 0)
        resources.push(ingressFor(hosts, name, fallbackProv));
    }
  };

  component(values, '', chart.name);
  for (const key of Object.keys(values)) {
    const v = values[key];
    if (!isMap(v) || key === 'image' || key === 'global') continue;
    if (str(v.enabled) === 'false') continue;
    const hasImage =
      isMap(v.image) ||
      isLeaf(v.image) ||
      paths.tag.some(
        p => !p.startsWith('image.') && p !== 'tag' && at(v, p) !== undefined,
      );
    if (hasImage) component(v, key, key);
  }
  return { resources, images, notes };
}

function autoscalingEnabled(hpa: TMap): boolean {
  const enabled = str(hpa.enabled);
  if (enabled !== undefined) return enabled === 'true';
  return (
    hpa.minReplicas !== undefined ||
    hpa.maxReplicas !== undefined ||
    hpa.min !== undefined ||
    hpa.max !== undefined
  );
}

function hpaFor(
  hpa: TMap,
  kind: string,
  name: string,
  prov: Provenance,
): Resource {
  const spec = newMap(prov);
  const ref = newMap(prov);
  ref.kind = new Leaf(kind, prov);
  ref.name = new Leaf(name, prov);
  spec.scaleTargetRef = ref;
  const min = hpa.minReplicas ?? hpa.min;
  const max = hpa.maxReplicas ?? hpa.max;
  if (min) spec.minReplicas = min;
  if (max) spec.maxReplicas = max;
  const metrics = newSeq(prov);
  for (const [metric, keys] of [
    [
      'cpu',
      [
        'targetCPUUtilizationPercentage',
        'targetCPU',
        'cpu',
        'targetCPUUtilization',
      ],
    ],
    [
      'memory',
      [
        'targetMemoryUtilizationPercentage',
        'targetMemory',
        'memory',
        'targetMemoryUtilization',
      ],
    ],
  ] as const) {
    const node = keys.map(k => hpa[k]).find(n => isLeaf(n) && n.value !== null);
    if (!node) continue;
    const target = newMap(prov);
    target.type = new Leaf('Utilization', prov);
    target.averageUtilization = node;
    const resource = newMap(prov);
    resource.name = new Leaf(metric, prov);
    resource.target = target;
    const m = newMap(prov);
    m.type = new Leaf('Resource', prov);
    m.resource = resource;
    metrics.push(m);
  }
  spec.metrics = metrics;
  const metadata = newMap(prov);
  metadata.name = new Leaf(name, prov);
  const tree = newMap(prov);
  tree.apiVersion = new Leaf('autoscaling/v2', prov);
  tree.kind = new Leaf('HorizontalPodAutoscaler', prov);
  tree.metadata = metadata;
  tree.spec = spec;
  return { tree, file: prov.file, previousNames: [], affixes: [] };
}

function ingressHosts(ingress: TMap): Leaf[] {
  const out: Leaf[] = [];
  if (isLeaf(ingress.host) && str(ingress.host)) out.push(ingress.host);
  if (isSeq(ingress.hosts)) {
    for (const h of ingress.hosts) {
      if (isLeaf(h) && str(h)) out.push(h);
      else if (isMap(h) && isLeaf(h.host) && str(h.host)) out.push(h.host);
    }
  }
  return out.filter(h => !isTemplate(h));
}

function ingressFor(hosts: Leaf[], name: string, prov: Provenance): Resource {
  const rules = newSeq(prov);
  for (const h of hosts) {
    const service = newMap(prov);
    service.name = new Leaf(name, prov);
    const backend = newMap(prov);
    backend.service = service;
    const path = newMap(prov);
    path.backend = backend;
    const paths = newSeq(prov);
    paths.push(path);
    const http = newMap(prov);
    http.paths = paths;
    const rule = newMap(prov);
    rule.host = h;
    rule.http = http;
    rules.push(rule);
  }
  const spec = newMap(prov);
  spec.rules = rules;
  const metadata = newMap(prov);
  metadata.name = new Leaf(name, prov);
  const tree = newMap(prov);
  tree.apiVersion = new Leaf('networking.k8s.io/v1', prov);
  tree.kind = new Leaf('Ingress', prov);
  tree.metadata = metadata;
  tree.spec = spec;
  return { tree, file: prov.file, previousNames: [], affixes: [] };
}
