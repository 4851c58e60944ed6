import { isWithin } from '../files/repositoryFiles';
import { parseImageRef } from '../kustomize/imageRef';
import { redactEntry } from '../redaction/redact';
import {
  allNames,
  kindOf,
  nameOf,
  namespaceOf,
  Resource,
  stringMap,
} from '../resources';
import {
  AutoscalingTarget,
  DeclaredAutoscaling,
  DeclaredContainer,
  DeclaredWorkload,
  ManagedBy,
  Provenance,
  ResourceRequirements,
} from '../types';
import {
  getIn,
  int,
  isLeaf,
  isMap,
  isSeq,
  provOf,
  str,
  TMap,
  TNode,
} from '../yaml/tree';

/** Kinds the engine reports as workloads, with the path to their pod spec. */
export const WORKLOAD_POD_SPEC: Record<string, string[]> = {
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  Rollout: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

const HAS_REPLICAS = new Set([
  'Deployment',
  'StatefulSet',
  'Rollout',
  'HelmRelease',
  'Application',
]);

/** A HelmRelease left at its chart's defaults (see fluxChartDefaults.ts) has no pod spec in Git. */
const NO_POD_SPEC = ['spec', 'template', 'spec'];

function podSpecPathOf(r: Resource): string[] | undefined {
  const kind = kindOf(r);
  if (WORKLOAD_POD_SPEC[kind]) return WORKLOAD_POD_SPEC[kind];
  return (kind === 'HelmRelease' || kind === 'Application') && r.helm
    ? NO_POD_SPEC
    : undefined;
}

/** Where the workload lives and how its rows are named. */
export interface ExtractOptions {
  environment: string;
  /** Environment folder; name affixes added by kustomizations inside it are dropped from `application`. */
  environmentFolder?: string;
  root: string;
  managedBy: ManagedBy;
}

function setProv(
  out: Record<string, Provenance>,
  key: string,
  n: TNode | undefined,
) {
  const p = provOf(n);
  if (p) out[key] = p;
}

function resourcesOf(
  n: TNode | undefined,
  key: string,
  out: Record<string, Provenance>,
): ResourceRequirements | null {
  if (!isMap(n)) return null;
  const r: ResourceRequirements = {};
  for (const part of ['requests', 'limits'] as const) {
    const m = n[part];
    if (!isMap(m)) continue;
    const values: Record<string, string> = {};
    for (const k of Object.keys(m)) {
      const v = str(m[k]);
      if (v === undefined) continue;
      values[k] = v;
      setProv(out, `${key}.resources.${part}.${k}`, m[k]);
    }
    r[part] = values;
  }
  return Object.keys(r).length ? r : null;
}

function application(
  r: Resource,
  opts: ExtractOptions,
  envLeaf: string,
): string {
  let name = nameOf(r);
  const lower = envLeaf.toLowerCase();
  // undo environment-specific affixes (`namePrefix: dev-`) that the
  // environment's own kustomizations added, newest first
  for (const a of [...r.affixes].reverse()) {
    if (
      opts.environmentFolder === undefined ||
      !isWithin(a.dir, opts.environmentFolder)
    )
      continue;
    if (!lower || !`${a.prefix}${a.suffix}`.toLowerCase().includes(lower))
      continue;
    if (
      name.startsWith(a.prefix) &&
      name.endsWith(a.suffix) &&
      name.length > a.prefix.length + a.suffix.length
    ) {
      name = name.slice(a.prefix.length, name.length - a.suffix.length);
    }
  }
  if (
    lower &&
    name.toLowerCase().startsWith(`${lower}-`) &&
    name.length > lower.length + 1
  ) {
    name = name.slice(lower.length + 1);
  } else if (
    lower &&
    name.toLowerCase().endsWith(`-${lower}`) &&
    name.length > lower.length + 1
  ) {
    name = name.slice(0, name.length - lower.length - 1);
  }
  return name;
}

function sameNamespace(a: Resource, b: Resource): boolean {
  const na = namespaceOf(a);
  const nb = namespaceOf(b);
  return na === undefined || nb === undefined || na === nb;
}

function autoscalingFor(
  w: Resource,
  all: Resource[],
  prov: Record<string, Provenance>,
): DeclaredAutoscaling | null {
  const kind = kindOf(w);
  const names = allNames(w);
  const hpa = all.find(r => {
    if (kindOf(r) !== 'HorizontalPodAutoscaler' || !sameNamespace(r, w))
      return false;
    const ref = getIn(r.tree, ['spec', 'scaleTargetRef']);
    return (
      str(child(ref, 'kind')) === kind && names[0] === str(child(ref, 'name'))
    );
  });
  if (!hpa) return null;
  const spec = hpa.tree.spec as TMap;
  const targets: AutoscalingTarget[] = [];
  const metrics = isSeq(spec.metrics) ? spec.metrics : [];
  for (const m of metrics) {
    if (!isMap(m)) continue;
    const type = str(m.type) ?? 'Resource';
    const body = getIn(m, [type.charAt(0).toLowerCase() + type.slice(1)]);
    if (!isMap(body)) continue;
    const name = str(body.name) ?? str(getIn(body, ['metric', 'name'])) ?? type;
    const t: AutoscalingTarget = { name, type };
    const target = isMap(body.target) ? body.target : undefined;
    const util =
      int(target?.averageUtilization) ?? int(body.targetAverageUtilization);
    if (util !== undefined) {
      t.averageUtilization = util;
      setProv(
        prov,
        `autoscaling.targets.${name}`,
        target?.averageUtilization ?? body.targetAverageUtilization,
      );
    }
    const avg = str(target?.averageValue) ?? str(body.targetAverageValue);
    if (avg !== undefined) {
      t.averageValue = avg;
      setProv(
        prov,
        `autoscaling.targets.${name}`,
        target?.averageValue ?? body.targetAverageValue,
      );
    }
    const value = str(target?.value);
    if (value !== undefined) {
      t.value = value;
      setProv(prov, `autoscaling.targets.${name}`, target?.value);
    }
    targets.push(t);
  }
  const v1 = int(spec.targetCPUUtilizationPercentage);
  if (v1 !== undefined) {
    targets.push({ name: 'cpu', type: 'Resource', averageUtilization: v1 });
    setProv(
      prov,
      'autoscaling.targets.cpu',
      spec.targetCPUUtilizationPercentage,
    );
  }
  setProv(prov, 'autoscaling.minReplicas', spec.minReplicas);
  setProv(prov, 'autoscaling.maxReplicas', spec.maxReplicas);
  return {
    kind: 'HorizontalPodAutoscaler',
    name: nameOf(hpa),
    minReplicas: int(spec.minReplicas) ?? null,
    maxReplicas: int(spec.maxReplicas) ?? null,
    targets,
  };
}

function child(n: TNode | undefined, key: string): TNode | undefined {
  return isMap(n) ? n[key] : undefined;
}

function serviceBackends(r: Resource): string[] {
  const names: string[] = [];
  const walk = (n: TNode | undefined, parent: string) => {
    if (isSeq(n)) {
      n.forEach(c => walk(c, parent));
      return;
    }
    if (!isMap(n)) return;
    if (parent === 'service' && str(n.name)) names.push(str(n.name)!);
    if (
      parent === 'backendRefs' &&
      (str(n.kind) ?? 'Service') === 'Service' &&
      str(n.name)
    ) {
      names.push(str(n.name)!);
    }
    if (str(n.serviceName)) names.push(str(n.serviceName)!);
    for (const k of Object.keys(n)) walk(n[k], k);
  };
  walk(r.tree.spec, 'spec');
  return names;
}

function hostsOf(r: Resource): Array<{ host: string; node: TNode }> {
  const out: Array<{ host: string; node: TNode }> = [];
  const spec = r.tree.spec;
  if (kindOf(r) === 'Ingress') {
    const rules = child(spec, 'rules');
    if (isSeq(rules)) {
      for (const rule of rules) {
        const h = child(rule, 'host');
        if (str(h)) out.push({ host: str(h)!, node: h! });
      }
    }
  } else {
    const hostnames = child(spec, 'hostnames');
    if (isSeq(hostnames))
      for (const h of hostnames)
        if (str(h)) out.push({ host: str(h)!, node: h });
  }
  return out;
}

function podLabels(w: Resource, podSpecPath: string[]): Record<string, string> {
  return stringMap(
    getIn(w.tree, [...podSpecPath.slice(0, -1), 'metadata', 'labels']),
  );
}

function ingressHostsFor(
  w: Resource,
  podSpecPath: string[],
  all: Resource[],
  prov: Record<string, Provenance>,
): string[] {
  const labels = podLabels(w, podSpecPath);
  const services = new Set<string>();
  for (const s of all) {
    if (kindOf(s) !== 'Service' || !sameNamespace(s, w)) continue;
    const sel = stringMap(getIn(s.tree, ['spec', 'selector']));
    const keys = Object.keys(sel);
    if (keys.length > 0 && keys.every(k => labels[k] === sel[k]))
      services.add(nameOf(s));
  }
  const wName = nameOf(w);
  const hosts: string[] = [];
  for (const r of all) {
    const kind = kindOf(r);
    if ((kind !== 'Ingress' && kind !== 'HTTPRoute') || !sameNamespace(r, w))
      continue;
    const backends = serviceBackends(r);
    const hit = backends.some(
      b => services.has(b) || (services.size === 0 && b === wName),
    );
    if (!hit) continue;
    for (const { host, node } of hostsOf(r)) {
      if (hosts.includes(host)) continue;
      hosts.push(host);
      setProv(prov, `ingressHosts.${host}`, node);
    }
  }
  return hosts;
}

function configMapData(
  all: Resource[],
  name: string,
  w: Resource,
): TMap | undefined {
  const cm = all.find(
    r => kindOf(r) === 'ConfigMap' && nameOf(r) === name && sameNamespace(r, w),
  );
  return cm && isMap(cm.tree.data) ? cm.tree.data : undefined;
}

function envOf(
  w: Resource,
  containers: TNode[],
  all: Resource[],
  prov: Record<string, Provenance>,
): Record<string, string> {
  const env: Record<string, string> = {};
  const put = (name: string, value: string, node: TNode | undefined) => {
    if (name in env) return;
    env[name] = redactEntry(name, value);
    setProv(prov, `env.${name}`, node);
  };
  for (const c of containers) {
    if (!isMap(c)) continue;
    const list = isSeq(c.env) ? c.env : [];
    for (const e of list) {
      if (!isMap(e)) continue;
      const name = str(e.name);
      if (!name) continue;
      if (e.value !== undefined) {
        put(name, str(e.value) ?? '', e.value);
        continue;
      }
      const ref = getIn(e, ['valueFrom', 'configMapKeyRef']);
      const cmName = str(child(ref, 'name'));
      const key = str(child(ref, 'key'));
      if (cmName && key) {
        const data = configMapData(all, cmName, w);
        if (data && isLeaf(data[key]))
          put(name, str(data[key]) ?? '', data[key]);
      }
    }
    const from = isSeq(c.envFrom) ? c.envFrom : [];
    for (const f of from) {
      const cmName = str(getIn(f, ['configMapRef', 'name']));
      if (!cmName) continue;
      const prefix = str(child(f, 'prefix')) ?? '';
      const data = configMapData(all, cmName, w);
      if (!data) continue;
      for (const k of Object.keys(data)) {
        if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(`${prefix}${k}`)) continue;
        const v = str(data[k]);
        if (v !== undefined) put(`${prefix}${k}`, v, data[k]);
      }
    }
  }
  return env;
}

/**
 * Extracts the declared workloads (Deployment, StatefulSet, DaemonSet,
 * Rollout, CronJob) of one rendered unit, joining HPAs, Services,
 * Ingresses/HTTPRoutes and ConfigMaps of the same unit.
 */
export function extractWorkloads(
  all: Resource[],
  opts: ExtractOptions,
): DeclaredWorkload[] {
  const out: DeclaredWorkload[] = [];
  const envLeaf = opts.environment.split('/').pop() ?? '';
  for (const w of all) {
    const kind = kindOf(w);
    const podSpecPath = podSpecPathOf(w);
    if (!podSpecPath || !nameOf(w)) continue;
    // Argo Rollouts may point at a Deployment instead of holding a template
    const podSpec = getIn(w.tree, podSpecPath);
    const provenance: Record<string, Provenance> = {};
    setProv(provenance, 'name', getIn(w.tree, ['metadata', 'name']));
    const nsNode = getIn(w.tree, ['metadata', 'namespace']);
    setProv(provenance, 'namespace', nsNode);
    const replicasNode = HAS_REPLICAS.has(kind)
      ? getIn(w.tree, ['spec', 'replicas'])
      : undefined;
    setProv(provenance, 'replicas', replicasNode);

    const containers: DeclaredContainer[] = [];
    const mainContainers: TNode[] = [];
    for (const [field, init] of [
      ['containers', false],
      ['initContainers', true],
    ] as const) {
      const list = child(podSpec, field);
      if (!isSeq(list)) continue;
      for (const c of list) {
        if (!isMap(c)) continue;
        if (!init) mainContainers.push(c);
        const name = str(c.name) ?? '';
        const key = `containers.${name}`;
        const imageNode = c.image;
        const imageText = str(imageNode);
        const ref = imageText ? parseImageRef(imageText) : undefined;
        let source: Provenance | null = null;
        if (isLeaf(imageNode)) {
          const parts = imageNode.parts;
          provenance[`${key}.image`] = parts?.name ?? imageNode.prov;
          if (ref?.tag) provenance[`${key}.tag`] = parts?.tag ?? imageNode.prov;
          if (ref?.digest)
            provenance[`${key}.digest`] = parts?.digest ?? imageNode.prov;
          source =
            (ref?.tag ? parts?.tag : undefined) ??
            (ref?.digest ? parts?.digest : undefined) ??
            imageNode.prov;
        }
        const dc: DeclaredContainer = {
          name,
          image: ref?.name || null,
          tag: ref?.tag ?? null,
          digest: ref?.digest ?? null,
          resources: resourcesOf(c.resources, key, provenance),
          source,
        };
        if (init) dc.init = true;
        containers.push(dc);
      }
    }

    const autoscaling = autoscalingFor(w, all, provenance);
    out.push({
      application: application(w, opts, envLeaf),
      environment: opts.environment,
      kind,
      name: nameOf(w),
      namespace: namespaceOf(w) ?? null,
      replicas: int(replicasNode) ?? null,
      containers,
      autoscaling,
      ingressHosts: ingressHostsFor(w, podSpecPath, all, provenance),
      env: envOf(w, mainContainers, all, provenance),
      managedBy: w.managedBy ?? opts.managedBy,
      root: opts.root,
      provenance,
      ...(w.helm ? { helm: w.helm } : {}),
    });
  }
  return out;
}
