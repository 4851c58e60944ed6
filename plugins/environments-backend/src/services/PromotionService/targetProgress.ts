import {
  MatrixEnvironment,
  Promotion,
} from '@stagecraft/plugin-environments-common';
import { formatImageVersion } from './changeDescription';

/** Where a merged promotion stands in its target, and why. */
export type TargetProgress = {
  state: 'syncing' | 'completed' | 'failed' | 'superseded';
  message: string;
};

function sameVersion(
  a: { tag: string | null; digest: string | null },
  b: { tag: string | null; digest: string | null },
) {
  return (
    (a.tag ?? null) === (b.tag ?? null) &&
    (a.digest ?? null) === (b.digest ?? null)
  );
}

/**
 * Whether the target environment runs a merged promotion's version yet: completed when Git
 * declares it, every cluster runs it (no image drift) and the environment is Healthy; failed
 * when it is Degraded or the timeout passed; superseded when Git declares another version since.
 */
export function targetProgress(
  promotion: Promotion,
  environment: MatrixEnvironment | undefined,
  timing: { elapsedMs: number; timeoutMs: number },
): TargetProgress {
  const timedOut = timing.elapsedMs > timing.timeoutMs;
  const minutes = Math.round(timing.timeoutMs / 60_000);
  if (!environment) {
    return timedOut
      ? {
          state: 'failed',
          message: `${promotion.to} no longer exists in Git`,
        }
      : { state: 'syncing', message: `Waiting for ${promotion.to}` };
  }

  const pending: string[] = [];
  for (const change of promotion.changes) {
    const workloads = environment.workloads.filter(
      w => w.application === change.application,
    );
    const declared = workloads
      .flatMap(w => w.declared?.containers ?? [])
      .filter(c => c.name === change.container);
    if (declared.length === 0) {
      pending.push(`${change.container} is not declared yet`);
      continue;
    }
    if (!declared.some(c => sameVersion(c, change.to))) {
      // Git moved on: another version was declared after this one was merged.
      if (
        timing.elapsedMs > 0 &&
        declared.every(c => !sameVersion(c, change.from) && (c.tag || c.digest))
      ) {
        return {
          state: 'superseded',
          message: `${promotion.to} now declares ${formatImageVersion(
            declared[0],
          )} for ${change.container}`,
        };
      }
      pending.push(`Git does not declare ${formatImageVersion(change.to)} yet`);
      continue;
    }
    const live = workloads.flatMap(w => w.live);
    const drift = workloads.flatMap(w =>
      w.drift.filter(
        d => d.field === 'image' && d.container === change.container,
      ),
    );
    if (live.length === 0) {
      pending.push(`no cluster reports ${change.workload} yet`);
    } else if (drift.length > 0) {
      pending.push(
        drift.map(d => `${d.cluster} runs ${d.live ?? 'nothing'}`).join(', '),
      );
    }
  }

  if (environment.health === 'Degraded') {
    const reasons = environment.workloads
      .flatMap(w => w.live)
      .filter(l => l.health === 'Degraded')
      .map(
        l =>
          `${l.cluster}: ${l.kind}/${l.name} ${
            l.healthReason ?? 'is Degraded'
          }`,
      );
    return {
      state: 'failed',
      message: `${promotion.to} is Degraded${
        reasons.length ? ` (${reasons.join('; ')})` : ''
      }`,
    };
  }
  if (pending.length === 0 && environment.health === 'Healthy') {
    return {
      state: 'completed',
      message: `${promotion.to} runs ${promotion.changes
        .map(c => formatImageVersion(c.to))
        .join(', ')} and is Healthy`,
    };
  }
  if (timedOut) {
    return {
      state: 'failed',
      message: `${
        promotion.to
      } did not run the new version Healthy within ${minutes} minute${
        minutes === 1 ? '' : 's'
      } (${[environment.health, ...pending].join('; ')})`,
    };
  }
  return {
    state: 'syncing',
    message: [environment.health, ...pending].join('; '),
  };
}
