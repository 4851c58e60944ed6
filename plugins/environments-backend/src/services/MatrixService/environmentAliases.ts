import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';

/**
 * `environments.aliases`: environment names that mean one environment across entities, e.g.
 * `{ production: prod, stg: staging }`, so that the matrix, the portfolio and promotions use one
 * name. An alias may not point at another alias.
 */
export function readEnvironmentAliases(
  config: Config,
): Record<string, string> | undefined {
  const section = config.getOptionalConfig('environments.aliases');
  if (!section) {
    return undefined;
  }
  const aliases: Record<string, string> = {};
  for (const name of section.keys()) {
    aliases[name] = section.getString(name);
  }
  for (const [name, target] of Object.entries(aliases)) {
    if (aliases[target] !== undefined) {
      throw new InputError(
        `environments.aliases.${name}: '${target}' is itself an alias; name the environment it stands for`,
      );
    }
  }
  return aliases;
}
