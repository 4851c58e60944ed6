import { KubeObject } from '../store/ObjectStore';

/*
 * Server-side printing: the `meta.k8s.io/v1` Table that kubectl asks for
 * (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`), with the
 * columns a real API server prints for the kinds the stand-in fills.
 */

interface Column {
  name: string;
  type: 'string' | 'integer';
  format?: string;
  priority?: number;
  description: string;
  cell(object: any, now: number): string | number;
}

/** Kubernetes' short human durations: 45s, 3m20s, 5h, 3d. */
export function humanDuration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10)
    return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8)
    return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  const days = Math.floor(hours / 24);
  if (days < 8) return hours % 24 === 0 ? `${days}d` : `${days}d${hours % 24}h`;
  if (days < 730) return `${days}d`;
  return `${Math.floor(days / 365)}y`;
}

const NAME: Column = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: 'Name must be unique within a namespace.',
  cell: o => o.metadata.name,
};

const AGE: Column = {
  name: 'Age',
  type: 'string',
  description:
    'CreationTimestamp is a timestamp representing the server time when this object was created.',
  cell: (o, now) =>
    o.metadata.creationTimestamp
      ? humanDuration(now - Date.parse(o.metadata.creationTimestamp))
      : '<unknown>',
};

function col(
  name: string,
  type: 'string' | 'integer',
  cell: Column['cell'],
  priority = 0,
): Column {
  return { name, type, cell, priority, description: name };
}

const n = (v: unknown) => (typeof v === 'number' ? v : 0);

function podStatus(o: any): string {
  for (const c of o.status?.containerStatuses ?? []) {
    if (c.state?.waiting?.reason) return c.state.waiting.reason;
  }
  return o.status?.phase ?? 'Unknown';
}

function hpaTargets(o: any): string {
  const current = new Map<string, number>();
  for (const m of o.status?.currentMetrics ?? []) {
    if (m.resource?.current?.averageUtilization !== undefined)
      current.set(m.resource.name, m.resource.current.averageUtilization);
  }
  const parts = (o.spec?.metrics ?? []).map((m: any) => {
    const name = m.resource?.name ?? m.pods?.metric?.name ?? m.type;
    const target = m.resource?.target ?? m.pods?.target ?? {};
    const want =
      target.averageUtilization !== undefined
        ? `${target.averageUtilization}%`
        : target.averageValue ?? target.value ?? '?';
    const have = current.has(name) ? `${current.get(name)}%` : '<unknown>';
    return `${name}: ${have}/${want}`;
  });
  return parts.length ? parts.join(', ') : '<none>';
}

const COLUMNS: Record<string, Column[]> = {
  Deployment: [
    NAME,
    col(
      'Ready',
      'string',
      o => `${n(o.status?.readyReplicas)}/${n(o.spec?.replicas)}`,
    ),
    col('Up-to-date', 'integer', o => n(o.status?.updatedReplicas)),
    col('Available', 'integer', o => n(o.status?.availableReplicas)),
    AGE,
    col(
      'Containers',
      'string',
      o => o.spec.template.spec.containers.map((c: any) => c.name).join(','),
      1,
    ),
    col(
      'Images',
      'string',
      o => o.spec.template.spec.containers.map((c: any) => c.image).join(','),
      1,
    ),
    col(
      'Selector',
      'string',
      o =>
        Object.entries(o.spec.selector?.matchLabels ?? {})
          .map(([k, v]) => `${k}=${v}`)
          .join(','),
      1,
    ),
  ],
  ReplicaSet: [
    NAME,
    col('Desired', 'integer', o => n(o.spec?.replicas)),
    col('Current', 'integer', o => n(o.status?.replicas)),
    col('Ready', 'integer', o => n(o.status?.readyReplicas)),
    AGE,
    col(
      'Images',
      'string',
      o => o.spec.template.spec.containers.map((c: any) => c.image).join(','),
      1,
    ),
  ],
  Pod: [
    NAME,
    col('Ready', 'string', o => {
      const statuses = o.status?.containerStatuses ?? [];
      return `${statuses.filter((c: any) => c.ready).length}/${
        o.spec?.containers?.length ?? statuses.length
      }`;
    }),
    col('Status', 'string', podStatus),
    col('Restarts', 'string', o =>
      String(
        (o.status?.containerStatuses ?? []).reduce(
          (s: number, c: any) => s + n(c.restartCount),
          0,
        ),
      ),
    ),
    AGE,
    col('IP', 'string', o => o.status?.podIP ?? '<none>', 1),
    col('Node', 'string', o => o.spec?.nodeName ?? '<none>', 1),
  ],
  HorizontalPodAutoscaler: [
    NAME,
    col(
      'Reference',
      'string',
      o => `${o.spec.scaleTargetRef.kind}/${o.spec.scaleTargetRef.name}`,
    ),
    col('Targets', 'string', hpaTargets),
    col('MinPods', 'string', o => String(o.spec?.minReplicas ?? '<unset>')),
    col('MaxPods', 'integer', o => n(o.spec?.maxReplicas)),
    col('Replicas', 'integer', o => n(o.status?.currentReplicas)),
    AGE,
  ],
  Service: [
    NAME,
    col('Type', 'string', o => o.spec?.type ?? 'ClusterIP'),
    col('Cluster-IP', 'string', o => o.spec?.clusterIP ?? '<none>'),
    col('External-IP', 'string', () => '<none>'),
    col('Port(s)', 'string', o =>
      (o.spec?.ports ?? [])
        .map((p: any) => `${p.port}/${p.protocol ?? 'TCP'}`)
        .join(','),
    ),
    AGE,
  ],
  Ingress: [
    NAME,
    col('Class', 'string', o => o.spec?.ingressClassName ?? '<none>'),
    col('Hosts', 'string', o =>
      (o.spec?.rules ?? []).map((r: any) => r.host ?? '*').join(','),
    ),
    col('Address', 'string', o =>
      (o.status?.loadBalancer?.ingress ?? [])
        .map((i: any) => i.ip ?? i.hostname)
        .join(','),
    ),
    col('Ports', 'string', () => '80'),
    AGE,
  ],
  Namespace: [
    NAME,
    col('Status', 'string', o => o.status?.phase ?? 'Active'),
    AGE,
  ],
};

/** True when the Accept header asks for a Table first. */
export function wantsTable(accept: string | undefined): boolean {
  if (!accept) return false;
  const first = accept.split(',')[0];
  return /as=Table/.test(first) && /g=meta\.k8s\.io/.test(first);
}

function rowObject(object: KubeObject, includeObject: string | null) {
  if (includeObject === 'None') return undefined;
  if (includeObject === 'Object') return object;
  return {
    kind: 'PartialObjectMetadata',
    apiVersion: 'meta.k8s.io/v1',
    metadata: object.metadata,
  };
}

export function toTable(
  kind: string,
  objects: KubeObject[],
  resourceVersion: string,
  includeObject: string | null,
  now = Date.now(),
) {
  const columns = COLUMNS[kind] ?? [NAME, AGE];
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions: columns.map(c => ({
      name: c.name,
      type: c.type,
      format: c.format ?? '',
      description: c.description,
      priority: c.priority ?? 0,
    })),
    rows: objects.map(o => {
      const object = rowObject(o, includeObject);
      return {
        cells: columns.map(c => {
          try {
            return c.cell(o, now);
          } catch {
            return '<unknown>';
          }
        }),
        ...(object ? { object } : {}),
      };
    }),
  };
}
