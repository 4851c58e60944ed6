import { orderEnvironments, stageRank } from './environmentOrder';

describe('orderEnvironments', () => {
  it('orders the usual stages', () => {
    expect(
      orderEnvironments([
        'prod',
        'staging',
        'qa',
        'dev',
        'integration',
        'preprod',
      ]),
    ).toEqual(['dev', 'qa', 'integration', 'staging', 'preprod', 'prod']);
  });

  it('understands long names, regions and nested names', () => {
    expect(
      orderEnvironments([
        'production',
        'prod-eu',
        'homelab/prod',
        'testing',
        'development',
        'engineering-dev',
        'pre-prod',
      ]),
    ).toEqual([
      'development',
      'engineering-dev',
      'testing',
      'pre-prod',
      'production',
      'prod-eu',
      'homelab/prod',
    ]);
    expect(stageRank('eu-west-staging')).toBe(stageRank('staging'));
    expect(stageRank('e2e')).toBe(stageRank('test'));
    expect(stageRank('prd')).toBe(stageRank('prod'));
  });

  it('puts unknown names between staging and preprod, keeping their order', () => {
    expect(
      orderEnvironments(['prod', 'zeta', 'alpha', 'dev', 'staging', 'preprod']),
    ).toEqual(['dev', 'staging', 'zeta', 'alpha', 'preprod', 'prod']);
  });

  it('lets an explicit order win', () => {
    expect(
      orderEnvironments(['dev', 'prod', 'staging'], ['prod', 'missing', 'dev']),
    ).toEqual(['prod', 'dev', 'staging']);
  });

  it('drops duplicates', () => {
    expect(orderEnvironments(['dev', 'dev', 'prod'])).toEqual(['dev', 'prod']);
  });
});
