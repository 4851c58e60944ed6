import {
  HistoryEntry,
  MatrixEnvironment,
} from '@stagecraft/plugin-environments-common';
import { environmentLag } from './environmentLag';

function env(name: string, tag: string | null): MatrixEnvironment {
  return {
    name,
    order: 0,
    version: {
      images: [
        {
          application: 'app',
          container: 'app',
          image: 'shop/app',
          tag,
          digest: null,
        },
      ],
    },
    workloads: [],
    health: 'Healthy',
    clusters: [],
    sync: { status: 'Synced' },
    problems: [],
  };
}

function change(
  environment: string,
  at: string,
  from: string,
  to: string,
): HistoryEntry {
  return {
    id: at,
    environment,
    kind: 'commit',
    at,
    changes: [
      {
        application: 'app',
        container: 'app',
        from: { image: null, tag: from, digest: null },
        to: { image: null, tag: to, digest: null },
      },
    ],
  };
}

// dev went 1.1 → 1.2 → 1.3 → 1.4; staging took 1.2; prod runs 1.1.
const history = [
  change('dev', '2026-11-04', '1.3', '1.4'),
  change('dev', '2026-11-03', '1.2', '1.3'),
  change('staging', '2026-11-02', '1.1', '1.2'),
  change('dev', '2026-11-02', '1.1', '1.2'),
];

describe('environmentLag', () => {
  it('counts the versions the previous environment went through since this one’s', () => {
    const lags = environmentLag(
      [env('dev', '1.4'), env('staging', '1.2'), env('prod', '1.1')],
      history,
    );
    expect(lags.get('dev')).toBeUndefined();
    expect(lags.get('staging')).toEqual({
      behind: 2,
      unit: 'versions',
      of: 'dev',
    });
    expect(lags.get('prod')).toEqual({
      behind: 1,
      unit: 'versions',
      of: 'staging',
    });
  });

  it('is 0 when both run the same version, and unknown for a version the previous one never ran', () => {
    const lags = environmentLag(
      [env('dev', '1.4'), env('staging', '1.4'), env('prod', '0.9-hotfix')],
      history,
    );
    expect(lags.get('staging')).toEqual({
      behind: 0,
      unit: 'versions',
      of: 'dev',
    });
    expect(lags.get('prod')).toEqual({
      behind: null,
      unit: 'versions',
      of: 'staging',
      reason:
        'prod runs app 0.9-hotfix, which staging did not declare in the history read',
    });
  });

  it('counts commits where the tags are commit SHAs', () => {
    const shas = [
      change('dev', '2026-11-03', 'a1b2c3d', 'b2c3d4e'),
      change('dev', '2026-11-02', '9f8e7d6', 'a1b2c3d'),
    ];
    expect(
      environmentLag(
        [env('dev', 'b2c3d4e'), env('staging', '9f8e7d6')],
        shas,
      ).get('staging'),
    ).toEqual({ behind: 2, unit: 'commits', of: 'dev' });
  });
});
