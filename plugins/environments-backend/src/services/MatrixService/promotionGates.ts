import {
  GateResult,
  MatrixEnvironment,
} from '@stagecraft/plugin-environments-common';

/**
 * The gates of promoting `from` into `to`: the source declares a version, is Healthy and is in
 * sync with Git. Each result says why, for people.
 */
export function evaluateGates(
  from: MatrixEnvironment,
  to: MatrixEnvironment,
): GateResult[] {
  const pinned = from.version.images.filter(i => i.tag || i.digest);
  const healthNote =
    from.clusters.length === 0 ? ' (no cluster reports it)' : '';
  return [
    {
      gate: 'source-has-version',
      passed: pinned.length > 0,
      reason:
        pinned.length > 0
          ? `${from.name} declares ${pinned.length} image version${
              pinned.length === 1 ? '' : 's'
            } to promote to ${to.name}`
          : `${from.name} declares no image tag or digest to promote`,
    },
    {
      gate: 'source-healthy',
      passed: from.health === 'Healthy',
      reason: `${from.name} is ${from.health}${
        from.health === 'Healthy' ? '' : healthNote
      }`,
    },
    {
      gate: 'source-synced',
      passed: from.sync.status === 'Synced',
      reason:
        from.sync.status === 'Synced'
          ? `${from.name} runs what Git declares`
          : `${from.name} is ${from.sync.status}${healthNote}`,
    },
  ];
}
