import { ConfigReader } from '@backstage/config';
import {
  defaultEnvironmentPolicies,
  readEnvironmentPolicies,
} from './environmentPolicies';

describe('readEnvironmentPolicies', () => {
  it('defaults to a direct commit into the first environment and pull requests after it', () => {
    const policies = readEnvironmentPolicies(new ConfigReader({}));
    expect(policies('dev', { order: 0 })).toEqual(
      defaultEnvironmentPolicies('dev', { order: 0 }),
    );
    expect(policies('dev', { order: 0 })).toEqual({
      method: 'direct-commit',
      allowedSources: undefined,
      sourceStableForMs: 0,
      freezeWindows: [],
      requireLiveHealth: true,
    });
    expect(policies('prod', { order: 2, previous: 'staging' })).toMatchObject({
      method: 'pull-request',
      allowedSources: ['staging'],
    });
  });

  it('takes an environment’s own settings over the defaults', () => {
    const policies = readEnvironmentPolicies(
      new ConfigReader({
        environments: {
          promotions: {
            defaults: {
              sourceStableFor: { minutes: 5 },
              freezeWindows: [
                {
                  start: '2026-12-24T00:00:00Z',
                  end: '2026-12-27T00:00:00Z',
                  reason: 'Holidays',
                },
              ],
              requireLiveHealth: false,
            },
            environments: {
              'prod-eu': {
                requireLiveHealth: true,
                method: 'direct-commit',
                allowedSources: ['staging', 'prod-us'],
                sourceStableFor: 'PT30M',
              },
            },
          },
        },
      }),
    );
    expect(policies('prod-eu', { order: 3, previous: 'prod-us' })).toEqual({
      method: 'direct-commit',
      allowedSources: ['staging', 'prod-us'],
      sourceStableForMs: 30 * 60_000,
      freezeWindows: [
        {
          start: new Date('2026-12-24T00:00:00Z'),
          end: new Date('2026-12-27T00:00:00Z'),
          reason: 'Holidays',
        },
      ],
      requireLiveHealth: true,
    });
    expect(policies('qa', { order: 1, previous: 'dev' })).toMatchObject({
      method: 'pull-request',
      allowedSources: ['dev'],
      sourceStableForMs: 5 * 60_000,
      requireLiveHealth: false,
    });
  });

  it('refuses a method or a freeze window it does not understand', () => {
    expect(() =>
      readEnvironmentPolicies(
        new ConfigReader({
          environments: {
            promotions: { environments: { prod: { method: 'email' } } },
          },
        }),
      ),
    ).toThrow(/environments.promotions.environments.prod.method/);
    expect(() =>
      readEnvironmentPolicies(
        new ConfigReader({
          environments: {
            promotions: {
              defaults: {
                freezeWindows: [
                  {
                    start: '2026-12-27T00:00:00Z',
                    end: '2026-12-24T00:00:00Z',
                  },
                ],
              },
            },
          },
        }),
      ),
    ).toThrow(/end after start/);
  });
});
