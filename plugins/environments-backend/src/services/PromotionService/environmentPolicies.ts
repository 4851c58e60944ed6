import { Config, readDurationFromConfig } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { durationToMilliseconds } from '@backstage/types';
import { PromotionMethod } from '@stagecraft/plugin-environments-common';

/**
 * How promotions into one environment go: the method, and the gates beyond health and sync.
 */
export type EnvironmentPolicy = {
  /** Default: `direct-commit` into the first environment, `pull-request` into the others. */
  method: PromotionMethod;
  /** The environments a version may come from; default: the previous environment. */
  allowedSources?: string[];
  /** How long the source must have been Healthy and unchanged; default 0. */
  sourceStableForMs: number;
  /** When promotions into it are frozen. */
  freezeWindows: FreezeWindow[];
  /**
   * Whether the source must be seen Healthy and in sync in a cluster. Default true. False is the
   * Git-only mode: where no cluster reports the source at all (no cluster configured for it), the
   * health and sync gates are not checked, and say so. A cluster that reports the source but is
   * down or unhealthy still fails them.
   */
  requireLiveHealth: boolean;
};

export type FreezeWindow = { start: Date; end: Date; reason?: string };

/** The policy of an environment, given its place in the entity's order. */
export type EnvironmentPolicies = (
  environment: string,
  position: { order: number; previous?: string },
) => EnvironmentPolicy;

type PolicyConfig = {
  method?: PromotionMethod;
  allowedSources?: string[];
  sourceStableForMs?: number;
  freezeWindows?: FreezeWindow[];
  requireLiveHealth?: boolean;
};

const METHODS: PromotionMethod[] = ['pull-request', 'direct-commit'];

function readPolicy(config: Config | undefined, key: string): PolicyConfig {
  if (!config) {
    return {};
  }
  const method = config.getOptionalString('method');
  if (method !== undefined && !METHODS.includes(method as PromotionMethod)) {
    throw new InputError(
      `${key}.method must be one of ${METHODS.join(', ')}; got '${method}'`,
    );
  }
  const windows = config.getOptionalConfigArray('freezeWindows')?.map(w => {
    const start = new Date(w.getString('start'));
    const end = new Date(w.getString('end'));
    if (isNaN(start.getTime()) || isNaN(end.getTime()) || end <= start) {
      throw new InputError(
        `${key}.freezeWindows: start and end must be ISO 8601 times, end after start`,
      );
    }
    return { start, end, reason: w.getOptionalString('reason') };
  });
  return {
    method: method as PromotionMethod | undefined,
    allowedSources: config.getOptionalStringArray('allowedSources'),
    sourceStableForMs: config.has('sourceStableFor')
      ? durationToMilliseconds(
          readDurationFromConfig(config, { key: 'sourceStableFor' }),
        )
      : undefined,
    freezeWindows: windows,
    requireLiveHealth: config.getOptionalBoolean('requireLiveHealth'),
  };
}

/**
 * Reads `environments.promotions.defaults` and `environments.promotions.environments.<name>`:
 * per environment, the method and the gates; what is not configured falls back to the defaults,
 * then to the built-in ones.
 */
export function readEnvironmentPolicies(config: Config): EnvironmentPolicies {
  const root = config.getOptionalConfig('environments.promotions');
  const defaults = readPolicy(
    root?.getOptionalConfig('defaults'),
    'environments.promotions.defaults',
  );
  const byName = new Map<string, PolicyConfig>();
  const environments = root?.getOptionalConfig('environments');
  for (const name of environments?.keys() ?? []) {
    byName.set(
      name,
      readPolicy(
        environments!.getConfig(name),
        `environments.promotions.environments.${name}`,
      ),
    );
  }
  return (environment, { order, previous }) => {
    const own = byName.get(environment) ?? {};
    return {
      method:
        own.method ??
        defaults.method ??
        (order === 0 ? 'direct-commit' : 'pull-request'),
      allowedSources:
        own.allowedSources ??
        defaults.allowedSources ??
        (previous ? [previous] : undefined),
      sourceStableForMs:
        own.sourceStableForMs ?? defaults.sourceStableForMs ?? 0,
      freezeWindows: [
        ...(defaults.freezeWindows ?? []),
        ...(own.freezeWindows ?? []),
      ],
      requireLiveHealth:
        own.requireLiveHealth ?? defaults.requireLiveHealth ?? true,
    };
  };
}

/** The built-in policies, for callers without config. */
export const defaultEnvironmentPolicies: EnvironmentPolicies = (
  _environment,
  { order, previous },
) => ({
  method: order === 0 ? 'direct-commit' : 'pull-request',
  allowedSources: previous ? [previous] : undefined,
  sourceStableForMs: 0,
  freezeWindows: [],
  requireLiveHealth: true,
});
