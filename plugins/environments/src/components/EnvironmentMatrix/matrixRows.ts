import {
  DeclaredState,
  Drift,
  EnvironmentLag,
  MatrixEnvironment,
  MatrixWorkload,
  Provenance,
} from '@stagecraft/plugin-environments-common';
import { versionLabel } from './versionLabel';

/** One cell of the matrix: a value in one environment. */
export type MatrixCell = {
  /** What to show; null when the environment has no such value. */
  value: string | null;
  /** Where the value lives in Git. */
  provenance?: Provenance;
  /** True when it differs from the previous environment's value. */
  changed: boolean;
  /** Where the cluster runs something else than Git declares. */
  drift: Drift[];
  /** For health cells: the status, to colour it. */
  status?: string;
  /** An exact value for a tooltip, e.g. a timestamp. */
  title?: string;
};

/** One row of the matrix: a field of an application (or of the environment), across environments. */
export type MatrixRow = {
  key: string;
  /** Absent for rows about the environment as a whole. */
  application?: string;
  field: string;
  cells: MatrixCell[];
};

type Read = {
  value: string | null;
  provenance?: Provenance;
  title?: string;
  status?: string;
};

type WorkloadField = {
  field: string;
  /** The drift fields this row shows. */
  drift?: string[];
  read: (workload: MatrixWorkload) => Read;
};

type EnvironmentField = {
  field: string;
  read: (environment: MatrixEnvironment, now: Date) => Read;
};

function quantity(values: Record<string, string> | undefined): string | null {
  if (!values) {
    return null;
  }
  const parts = ['cpu', 'memory']
    .filter(key => values[key])
    .map(key => values[key]);
  return parts.length ? parts.join(' / ') : null;
}

function resourceProvenance(
  d: DeclaredState,
  kind: 'requests' | 'limits',
): Provenance | undefined {
  const prefix = `containers.${d.containers[0]?.name}.resources.${kind}`;
  return d.provenance[`${prefix}.cpu`] ?? d.provenance[`${prefix}.memory`];
}

function declared(
  read: (d: DeclaredState) => Read,
): (w: MatrixWorkload) => Read {
  return w => (w.declared ? read(w.declared) : { value: null });
}

/** "3 minutes ago", "2 days ago". */
export function relativeTime(iso: string, now: Date): string {
  const seconds = Math.round((now.getTime() - new Date(iso).getTime()) / 1000);
  const units: Array<[string, number]> = [
    ['day', 86400],
    ['hour', 3600],
    ['minute', 60],
  ];
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) {
      const n = Math.floor(seconds / size);
      return `${n} ${unit}${n === 1 ? '' : 's'} ago`;
    }
  }
  return 'just now';
}

const workloadFields: WorkloadField[] = [
  {
    field: 'Version',
    drift: ['image'],
    read: w => {
      if (w.declared?.containers.length) {
        return {
          value: versionLabel({
            images: w.declared.containers.map(c => ({
              ...c,
              application: w.application,
              container: c.name,
            })),
          }),
          provenance: w.declared.containers[0].source ?? undefined,
        };
      }
      const running = w.live.flatMap(l => l.images.filter(i => i.current));
      return {
        value: running.length
          ? versionLabel({
              images: running.map(i => ({
                application: w.application,
                container: i.container,
                image: i.repository,
                tag: i.tag ?? null,
                digest: i.digest ?? null,
              })),
            })
          : null,
      };
    },
  },
  {
    field: 'Image',
    read: w => {
      const images = w.declared
        ? w.declared.containers.map(c => c.image)
        : w.live.flatMap(l => l.images.map(i => i.repository));
      const value = [...new Set(images.filter(Boolean))].join(', ');
      return { value: value || null };
    },
  },
  {
    field: 'Replicas',
    drift: ['replicas', 'autoscaling'],
    read: declared(d => {
      if (d.autoscaling) {
        const { minReplicas, maxReplicas } = d.autoscaling;
        return {
          value: `${minReplicas ?? '?'}–${maxReplicas ?? '?'} (autoscaled)`,
          provenance:
            d.provenance['autoscaling.minReplicas'] ?? d.provenance.replicas,
        };
      }
      return {
        value: d.replicas === null ? null : String(d.replicas),
        provenance: d.provenance.replicas,
      };
    }),
  },
  {
    field: 'Ready',
    read: w => {
      const counts = w.live.filter(l => l.replicas);
      if (counts.length === 0) {
        return { value: null };
      }
      const ready = counts.reduce((n, l) => n + l.replicas!.ready, 0);
      const desired = counts.reduce((n, l) => n + l.replicas!.desired, 0);
      const hpa = w.live.find(l => l.autoscaling)?.autoscaling;
      return {
        value: `${ready}/${desired}${
          hpa ? ` (HPA ${hpa.min}–${hpa.max}, at ${hpa.current})` : ''
        }`,
      };
    },
  },
  {
    field: 'Requests (CPU / memory)',
    read: declared(d => ({
      value: quantity(d.containers[0]?.resources?.requests),
      provenance: resourceProvenance(d, 'requests'),
    })),
  },
  {
    field: 'Limits (CPU / memory)',
    read: declared(d => ({
      value: quantity(d.containers[0]?.resources?.limits),
      provenance: resourceProvenance(d, 'limits'),
    })),
  },
  {
    field: 'Ingress hosts',
    read: declared(d => ({
      value: d.ingressHosts.length ? d.ingressHosts.join(', ') : null,
      provenance: d.provenance[`ingressHosts.${d.ingressHosts[0]}`],
    })),
  },
  {
    field: 'Cluster / namespace',
    read: w => {
      const places = w.live.length
        ? w.live.map(l => `${l.cluster} / ${l.namespace}`)
        : [w.namespace].filter((n): n is string => Boolean(n));
      return { value: places.length ? [...new Set(places)].join(', ') : null };
    },
  },
];

const environmentFields: EnvironmentField[] = [
  {
    field: 'Health',
    read: env => {
      const breakdown = env.clusters
        .map(c => `${c.cluster}: ${c.health}${c.error ? ` (${c.error})` : ''}`)
        .join('\n');
      return {
        value: env.health,
        status: env.health,
        title: breakdown || undefined,
      };
    },
  },
  {
    field: 'Sync',
    read: env => ({
      value: env.sync.status,
      title: env.sync.by ? `Compared by ${env.sync.by}` : undefined,
    }),
  },
  {
    field: 'Behind',
    read: env => (env.lag ? lagCell(env.lag) : { value: null }),
  },
  {
    field: 'Last change',
    read: (env, now) =>
      env.lastChangeTime
        ? {
            value: relativeTime(env.lastChangeTime, now),
            title: env.lastChangeTime,
          }
        : { value: null },
  },
];

/** "2 versions behind staging", "up to date with dev", or "? behind dev" with the reason. */
export function lagCell(lag: EnvironmentLag): Read {
  if (lag.behind === null) {
    return { value: `? behind ${lag.of}`, title: lag.reason };
  }
  if (lag.behind === 0) {
    return { value: `Up to date with ${lag.of}` };
  }
  const unit = lag.unit === 'commits' ? 'commit' : 'version';
  return {
    value: `${lag.behind} ${unit}${lag.behind === 1 ? '' : 's'} behind ${
      lag.of
    }`,
    status: 'behind',
  };
}

/**
 * The rows of the matrix: the environment's health, sync and last change; then, for each
 * application the entity deploys, one row per field, with a cell per environment (in the given
 * order), marked where it differs from the environment before it and where the cluster drifts from
 * Git.
 */
export function matrixRows(
  environments: MatrixEnvironment[],
  now: Date = new Date(),
): MatrixRow[] {
  const rows: MatrixRow[] = [];

  for (const { field, read } of environmentFields) {
    const cells = environments.map(env => ({
      ...read(env, now),
      changed: false,
      drift: [],
    }));
    if (cells.some(cell => cell.value !== null && cell.value !== 'Unknown')) {
      rows.push({ key: `environment:${field}`, field, cells });
    }
  }

  const applications = [
    ...new Set(
      environments.flatMap(env => env.workloads.map(w => w.application)),
    ),
  ].sort();
  for (const application of applications) {
    for (const { field, drift, read } of workloadFields) {
      const cells: MatrixCell[] = [];
      environments.forEach((env, index) => {
        const workload = env.workloads.find(w => w.application === application);
        const cell = workload ? read(workload) : { value: null };
        const previous = index > 0 ? cells[index - 1].value : undefined;
        cells.push({
          ...cell,
          changed: index > 0 && cell.value !== null && cell.value !== previous,
          drift: workload?.drift.filter(d => drift?.includes(d.field)) ?? [],
        });
      });
      if (cells.some(cell => cell.value !== null)) {
        rows.push({
          key: `${application}:${field}`,
          application,
          field,
          cells,
        });
      }
    }
  }
  return rows;
}

/** `file:line (path)`, for a tooltip. */
export function describeProvenance(provenance: Provenance): string {
  return `${provenance.file}:${provenance.line} (${provenance.path})`;
}

/** "prod-eu runs 1.1.0; Git declares 1.2.0 in …". */
export function describeDrift(drift: Drift): string {
  const what = drift.container
    ? `${drift.field} of ${drift.container}`
    : drift.field;
  const where = drift.provenance
    ? ` in ${describeProvenance(drift.provenance)}`
    : '';
  return `${drift.cluster} runs ${what} ${
    drift.live ?? 'nothing'
  }; Git declares ${drift.declared ?? 'nothing'}${where}`;
}
