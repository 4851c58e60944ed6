import {
  GateResult,
  MatrixEnvironment,
  MatrixProblem,
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
    const unobserved = from.clusters.length === 0;
    if (unobserved && policy && !policy.requireLiveHealth) {
      // Git-only mode, chosen in config: nothing reports the source, and that is accepted.
      const reason = `not checked: no cluster reports ${from.name} (requireLiveHealth: false)`;
      gates.push({ gate: 'source-healthy', passed: true, reason });
      gates.push({ gate: 'source-synced', passed: true, reason });
    } else {
      gates.push(healthGate(from, policy?.sourceStableForMs ?? 0, now));
      gates.push({
        gate: 'source-synced',
        passed: from.sync.status === 'Synced',
        reason:
          from.sync.status === 'Synced'
            ? `${from.name} runs what Git declares`
            : `${from.name} is ${from.sync.status}${noClusterNote(from)}`,
      });
    }
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

/** Why a source no cluster reports cannot pass, and the way out for Git-only set-ups. */
function noClusterNote(from: MatrixEnvironment): string {
  return from.clusters.length === 0
    ? ' (no cluster reports it; without clusters, set environments.promotions.defaults.requireLiveHealth: false to promote on Git alone)'
    : '';
}

function healthGate(
  from: MatrixEnvironment,
  stableForMs: number,
  now: Date,
): GateResult {
  if (from.health !== 'Healthy') {
    return {
      gate: 'source-healthy',
      passed: false,
      reason: `${from.name} is ${from.health}${noClusterNote(from)}`,
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

/**
 * Fails closed: a promotion needs every environment on its path (the source, the target and
 * those between them in promotion order) read without error, and no file of the entity that did
 * not parse outside them, since an environment that could not be read may be missing from the
 * order, and "takes versions from the previous environment" would then name the wrong one.
 */
export function readableGate(
  environments: MatrixEnvironment[],
  from: MatrixEnvironment,
  to: MatrixEnvironment,
  entityProblems: MatrixProblem[],
): GateResult {
  const [low, high] = [
    Math.min(from.order, to.order),
    Math.max(from.order, to.order),
  ];
  const unreadable = [
    ...environments
      .filter(env => env.order >= low && env.order <= high)
      .flatMap(env =>
        env.problems.filter(isError).map(p => `${env.name}: ${where(p)}`),
      ),
    ...entityProblems.filter(isError).map(where),
  ];
  if (unreadable.length === 0) {
    return {
      gate: 'path-readable',
      passed: true,
      reason: `${
        from.name === to.name ? to.name : `${from.name} to ${to.name}`
      } read from Git without errors`,
    };
  }
  return {
    gate: 'path-readable',
    passed: false,
    reason: `Git could not be read in full, so the path to ${
      to.name
    } cannot be checked: ${unreadable.slice(0, 3).join('; ')}${
      unreadable.length > 3 ? ` (and ${unreadable.length - 3} more)` : ''
    }`,
  };
}

function isError(problem: MatrixProblem): boolean {
  return problem.severity === 'error';
}

function where(problem: MatrixProblem): string {
  if (problem.file === undefined) {
    return problem.message;
  }
  const line = problem.line !== undefined ? `:${problem.line}` : '';
  return `${problem.file}${line}: ${problem.message}`;
}
