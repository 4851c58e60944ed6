import {
  GateResult,
  MatrixEnvironment,
} from '@stagecraft/plugin-environments-common';
import { EnvironmentPolicy } from '../PromotionService/environmentPolicies';

/** Options of {@link evaluateGates}. */
export type GateOptions = {
  /** The target's policy; without one, only the built-in gates apply. */
  policy?: EnvironmentPolicy;
  now?: Date;
};

function plural(count: number, word: string) {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function formatMinutes(ms: number) {
  const minutes = Math.ceil(ms / 60_000);
  return plural(minutes, 'minute');
}

/**
 * The gates of promoting `from` into `to`: the source is an allowed one, declares a version, is
 * Healthy (for long enough) and in sync with Git, and the target is not frozen. Promoting an
 * environment into itself is a rollback: only the version and freeze gates apply. Each result
 * says why, for people.
 */
export function evaluateGates(
  from: MatrixEnvironment,
  to: MatrixEnvironment,
  options: GateOptions = {},
): GateResult[] {
  const { policy } = options;
  const now = options.now ?? new Date();
  const rollback = from.name === to.name;
  const gates: GateResult[] = [];

  if (!rollback && policy?.allowedSources) {
    const allowed = policy.allowedSources.includes(from.name);
    gates.push({
      gate: 'allowed-source',
      passed: allowed,
      reason: allowed
        ? `${to.name} takes versions from ${from.name}`
        : `${to.name} takes versions only from ${policy.allowedSources.join(
            ', ',
          )}`,
    });
  }

  const pinned = from.version.images.filter(i => i.tag || i.digest);
  gates.push({
    gate: 'source-has-version',
    passed: pinned.length > 0,
    reason:
      pinned.length > 0
        ? `${from.name} declares ${plural(
            pinned.length,
            'image version',
          )} to promote to ${to.name}`
        : `${from.name} declares no image tag or digest to promote`,
  });

  if (!rollback) {
    gates.push(healthGate(from, policy?.sourceStableForMs ?? 0, now));
    const healthNote =
      from.clusters.length === 0 ? ' (no cluster reports it)' : '';
    gates.push({
      gate: 'source-synced',
      passed: from.sync.status === 'Synced',
      reason:
        from.sync.status === 'Synced'
          ? `${from.name} runs what Git declares`
          : `${from.name} is ${from.sync.status}${healthNote}`,
    });
  }

  const freeze = policy?.freezeWindows.find(w => w.start <= now && now < w.end);
  if (policy && policy.freezeWindows.length > 0) {
    gates.push({
      gate: 'no-freeze',
      passed: !freeze,
      reason: freeze
        ? `${to.name} is frozen until ${freeze.end.toISOString()}${
            freeze.reason ? `: ${freeze.reason}` : ''
          }`
        : `${to.name} is not in a freeze window`,
    });
  }
  return gates;
}

function healthGate(
  from: MatrixEnvironment,
  stableForMs: number,
  now: Date,
): GateResult {
  const healthNote =
    from.clusters.length === 0 ? ' (no cluster reports it)' : '';
  if (from.health !== 'Healthy') {
    return {
      gate: 'source-healthy',
      passed: false,
      reason: `${from.name} is ${from.health}${healthNote}`,
    };
  }
  if (stableForMs <= 0) {
    return {
      gate: 'source-healthy',
      passed: true,
      reason: `${from.name} is Healthy`,
    };
  }
  const changed = from.lastChangeTime
    ? new Date(from.lastChangeTime).getTime()
    : undefined;
  const stableFor = changed === undefined ? undefined : now.getTime() - changed;
  const passed = stableFor === undefined || stableFor >= stableForMs;
  return {
    gate: 'source-healthy',
    passed,
    reason: passed
      ? `${
          from.name
        } is Healthy and has not changed for at least ${formatMinutes(
          stableForMs,
        )}`
      : `${from.name} changed ${formatMinutes(
          stableFor!,
        )} ago; it must be Healthy for ${formatMinutes(stableForMs)} first`,
  };
}
