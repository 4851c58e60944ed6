import { EnvironmentMatrix } from '@stagecraft/plugin-environments-common';
import { portfolioColumns } from './portfolioColumns';

function item(...names: string[]): EnvironmentMatrix {
  return {
    entityRef: 'component:default/x',
    live: {},
    environments: names.map((name, order) => ({
      name,
      order,
      version: { images: [] },
      workloads: [],
      health: 'Unknown',
      clusters: [],
      sync: { status: 'Unknown' },
      problems: [],
    })),
    promotions: [],
    problems: [],
    generatedAt: '2026-11-22T20:00:00Z',
  };
}

describe('portfolioColumns', () => {
  it('merges every entity’s environments in promotion order', () => {
    expect(
      portfolioColumns([
        item('dev', 'staging', 'prod'),
        item('dev', 'qa', 'prod', 'prod-eu'),
        item('staging', 'preprod', 'prod'),
      ]),
    ).toEqual(['dev', 'qa', 'staging', 'preprod', 'prod', 'prod-eu']);
  });

  it('is empty without entities', () => {
    expect(portfolioColumns([])).toEqual([]);
  });
});
