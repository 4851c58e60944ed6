import { DeclaredModel, DeclaredWorkload } from '../engine/types';

/**
 * The `--json` contract of `environments scan`: a stable shape, independent
 * of internal fields.
 */
export function toScanJson(model: DeclaredModel): unknown {
  return {
    environments: model.environments.map(e => ({
      name: e.name,
      order: e.order,
      paths: e.paths,
      ...(e.clusters ? { clusters: e.clusters } : {}),
    })),
    workloads: model.workloads.map(w => ({
      application: w.application,
      environment: w.environment,
      ...(w.cluster ? { cluster: w.cluster } : {}),
      kind: w.kind,
      name: w.name,
      namespace: w.namespace,
      replicas: w.replicas,
      ...(w.helm
        ? { chart: w.helm.chart, chartVersion: w.helm.chartVersion }
        : {}),
      containers: w.containers.map(c => ({
        name: c.name,
        image: c.image,
        tag: c.tag,
        digest: c.digest,
        ...(c.init ? { init: true } : {}),
        resources: c.resources,
        source: c.source,
      })),
      autoscaling: w.autoscaling,
      ingressHosts: w.ingressHosts,
      env: w.env,
      managedBy: w.managedBy,
      root: w.root,
      provenance: w.provenance,
    })),
    problems: model.problems.map(p => ({
      file: p.file,
      message: p.message,
      severity: p.severity,
      ...(p.line !== undefined ? { line: p.line } : {}),
    })),
  };
}

/** Text of one matrix cell: the main container's tag (or digest) and replicas. */
export function formatCell(workloads: DeclaredWorkload[]): string {
  if (workloads.length === 0) return '-';
  return workloads
    .map(w => {
      const main = w.containers.find(c => !c.init) ?? w.containers[0];
      let version = '(none)';
      if (main?.tag) version = main.tag;
      else if (main?.digest) version = `@${main.digest.slice(0, 19)}`;
      else if (main?.image) version = '(untagged)';
      let replicas = '';
      if (w.autoscaling) {
        replicas = ` x${w.autoscaling.minReplicas ?? '?'}-${
          w.autoscaling.maxReplicas ?? '?'
        }`;
      } else if (w.replicas !== null) replicas = ` x${w.replicas}`;
      return `${version}${replicas}`;
    })
    .join(', ');
}

function pad(s: string, n: number): string {
  return s + ' '.repeat(Math.max(0, n - s.length));
}

/**
 * The human table: one row per application and kind, one column per
 * environment, cells `tag xReplicas` (`xMin-Max` under autoscaling).
 */
export function formatTable(model: DeclaredModel): string {
  const envs = model.environments.map(e => e.name);
  const rows = new Map<string, Map<string, DeclaredWorkload[]>>();
  for (const w of model.workloads) {
    const key = `${w.application} (${w.kind})`;
    if (!rows.has(key)) rows.set(key, new Map());
    const cells = rows.get(key)!;
    if (!cells.has(w.environment)) cells.set(w.environment, []);
    cells.get(w.environment)!.push(w);
  }
  const header = ['WORKLOAD', ...envs];
  const body = [...rows.entries()].map(([key, cells]) => [
    key,
    ...envs.map(e => formatCell(cells.get(e) ?? [])),
  ]);
  const widths = header.map((h, i) =>
    Math.max(h.length, ...body.map(r => r[i].length)),
  );
  const line = (cols: string[]) =>
    cols
      .map((c, i) => pad(c, widths[i]))
      .join('  ')
      .trimEnd();
  if (body.length === 0) return 'No workloads found.';
  return [
    line(header),
    line(widths.map(w => '-'.repeat(w))),
    ...body.map(line),
  ].join('\n');
}

/** Problems, one per line: `severity file:line message`. */
export function formatProblems(model: DeclaredModel): string {
  if (model.problems.length === 0) return 'No problems.';
  return [
    `${model.problems.length} problem(s):`,
    ...model.problems.map(
      p =>
        `  ${p.severity.toUpperCase().padEnd(7)} ${p.file}${
          p.line ? `:${p.line}` : ''
        }  ${p.message}`,
    ),
  ].join('\n');
}

/** The full human output of `scan`. */
export function formatScan(model: DeclaredModel): string {
  return `${formatTable(model)}\n\n${formatProblems(model)}\n`;
}
