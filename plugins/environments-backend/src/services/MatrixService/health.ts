import { HealthStatus } from '@stagecraft/plugin-environments-common';

/** Argo CD's ranking, best first: the worst of several is the one furthest down. */
const ORDER: HealthStatus[] = [
  'Healthy',
  'Suspended',
  'Progressing',
  'Missing',
  'Degraded',
  'Unknown',
];

/** The worst of several health statuses, as Argo CD ranks them; `Unknown` for none. */
export function worstHealth(statuses: HealthStatus[]): HealthStatus {
  if (statuses.length === 0) {
    return 'Unknown';
  }
  return statuses.reduce((worst, status) =>
    ORDER.indexOf(status) > ORDER.indexOf(worst) ? status : worst,
  );
}
