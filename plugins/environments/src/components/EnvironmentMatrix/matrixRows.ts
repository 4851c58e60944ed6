import {
  DeclaredState,
  MatrixEnvironment,
  Provenance,
} from '@stagecraft/plugin-environments-common';
import { versionLabel } from './versionLabel';

/** One cell of the matrix: a value in one environment. */
export type MatrixCell = {
  /** What to show; null when the environment does not declare it. */
  value: string | null;
  /** Where the value lives in Git. */
  provenance?: Provenance;
  /** True when it differs from the previous environment's value. */
  changed: boolean;
};

/** One row of the matrix: a field of an application, across environments. */
export type MatrixRow = {
  key: string;
  application: string;
  field: string;
  cells: MatrixCell[];
};

type Field = {
  field: string;
  read: (declared: DeclaredState) => {
    value: string | null;
    provenance?: Provenance;
  };
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

const fields: Field[] = [
  {
    field: 'Version',
    read: d => ({
      value: d.containers.length
        ? versionLabel({
            images: d.containers.map(c => ({
              ...c,
              application: '',
              container: c.name,
            })),
          })
        : null,
      provenance: d.containers[0]?.source ?? undefined,
    }),
  },
  {
    field: 'Image',
    read: d => ({
      value:
        [...new Set(d.containers.map(c => c.image).filter(Boolean))].join(
          ', ',
        ) || null,
    }),
  },
  {
    field: 'Replicas',
    read: d => {
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
    },
  },
  {
    field: 'Requests (CPU / memory)',
    read: d => ({
      value: quantity(d.containers[0]?.resources?.requests),
      provenance: resourceProvenance(d, 'requests'),
    }),
  },
  {
    field: 'Limits (CPU / memory)',
    read: d => ({
      value: quantity(d.containers[0]?.resources?.limits),
      provenance: resourceProvenance(d, 'limits'),
    }),
  },
  {
    field: 'Ingress hosts',
    read: d => ({
      value: d.ingressHosts.length ? d.ingressHosts.join(', ') : null,
      provenance: d.provenance[`ingressHosts.${d.ingressHosts[0]}`],
    }),
  },
];

/**
 * The rows of the matrix: for each application the entity deploys, one row per field, with a
 * cell per environment (in the given order), marked where it differs from the environment
 * before it.
 */
export function matrixRows(environments: MatrixEnvironment[]): MatrixRow[] {
  const applications = [
    ...new Set(
      environments.flatMap(env => env.workloads.map(w => w.application)),
    ),
  ].sort();

  const rows: MatrixRow[] = [];
  for (const application of applications) {
    for (const { field, read } of fields) {
      const cells: MatrixCell[] = [];
      environments.forEach((env, index) => {
        const declared = env.workloads.find(
          w => w.application === application,
        )?.declared;
        const { value, provenance } = declared
          ? read(declared)
          : { value: null, provenance: undefined };
        const previous = index > 0 ? cells[index - 1].value : undefined;
        cells.push({
          value,
          provenance,
          changed: index > 0 && value !== null && value !== previous,
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
