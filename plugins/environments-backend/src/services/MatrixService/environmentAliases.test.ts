import { ConfigReader } from '@backstage/config';
import { readEnvironmentAliases } from './environmentAliases';

describe('readEnvironmentAliases', () => {
  it('reads the names that mean one environment', () => {
    expect(
      readEnvironmentAliases(
        new ConfigReader({
          environments: { aliases: { production: 'prod', stg: 'staging' } },
        }),
      ),
    ).toEqual({ production: 'prod', stg: 'staging' });
    expect(readEnvironmentAliases(new ConfigReader({}))).toBeUndefined();
  });

  it('refuses an alias of an alias, naming it', () => {
    expect(() =>
      readEnvironmentAliases(
        new ConfigReader({
          environments: { aliases: { live: 'production', production: 'prod' } },
        }),
      ),
    ).toThrow("environments.aliases.live: 'production' is itself an alias");
  });
});
