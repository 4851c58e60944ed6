import {
  DeclaredState,
  EnvironmentLag,
  MatrixEnvironment,
} from '@stagecraft/plugin-environments-common';
import {
  describeDrift,
  describeProvenance,
  lagCell,
  matrixRows,
  relativeTime,
} from './matrixRows';

function declared(
  tag: string,
  replicas: number | null,
  extra: Partial<DeclaredState> = {},
): DeclaredState {
  return {
    replicas,
    containers: [
      {
        name: 'app',
        image: 'shop/app',
        tag,
        digest: null,
        resources: { requests: { cpu: '100m', memory: '128Mi' } },
        source: {
          file: 'kustomization.yaml',
          path: 'images[0].newTag',
          line: 7,
        },
      },
    ],
    autoscaling: null,
    ingressHosts: [],
    env: {},
    managedBy: 'kustomize',
    provenance: {
      replicas: {
        file: 'kustomization.yaml',
        path: 'replicas[0].count',
        line: 10,
      },
    },
    ...extra,
  };
}

function environment(
  name: string,
  order: number,
  state?: DeclaredState,
): MatrixEnvironment {
  return {
    name,
    order,
    version: { images: [] },
    workloads: state
      ? [
          {
            application: 'app',
            kind: 'Deployment',
            name: 'app',
            namespace: name,
            declared: state,
            live: [],
            drift: [],
            health: 'Unknown',
          },
        ]
      : [],
    health: 'Unknown',
    clusters: [],
    sync: { status: 'Unknown' },
    problems: [],
  };
}

describe('matrixRows', () => {
  it('has a row per declared field, marking values that differ from the previous environment', () => {
    const rows = matrixRows([
      environment('dev', 0, declared('1.2.0', 1)),
      environment('staging', 1, declared('1.2.0', 2)),
      environment(
        'prod',
        2,
        declared('1.1.0', null, {
          autoscaling: {
            kind: 'HorizontalPodAutoscaler',
            name: 'app',
            minReplicas: 3,
            maxReplicas: 10,
            targets: [],
          },
        }),
      ),
    ]);

    expect(rows.map(r => r.field)).toEqual([
      'Version',
      'Image',
      'Replicas',
      'Requests (CPU / memory)',
      'Cluster / namespace',
    ]);
    const version = rows[0].cells;
    expect(version.map(c => [c.value, c.changed])).toEqual([
      ['1.2.0', false],
      ['1.2.0', false],
      ['1.1.0', true],
    ]);
    expect(describeProvenance(version[0].provenance!)).toBe(
      'kustomization.yaml:7 (images[0].newTag)',
    );
    expect(rows[2].cells.map(c => [c.value, c.changed])).toEqual([
      ['1', false],
      ['2', true],
      ['3–10 (autoscaled)', true],
    ]);
  });

  it('shows an environment that does not deploy the application as empty', () => {
    const rows = matrixRows([
      environment('dev', 0, declared('1.2.0', 1)),
      environment('qa', 1),
    ]);

    expect(rows[0].cells).toEqual([
      expect.objectContaining({ value: '1.2.0' }),
      { value: null, changed: false, drift: [] },
    ]);
  });

  it('prefers a short digest when no tag is pinned', () => {
    const state = declared('x', 1);
    state.containers[0].tag = null;
    state.containers[0].digest =
      'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';

    expect(matrixRows([environment('dev', 0, state)])[0].cells[0].value).toBe(
      'sha256:0123456789ab',
    );
  });
});

describe('matrixRows with live state', () => {
  const now = new Date('2026-11-22T12:00:00Z');

  function live(
    env: MatrixEnvironment,
    tag: string,
    ready: number,
  ): MatrixEnvironment {
    const [workload] = env.workloads;
    const drift =
      tag === workload.declared!.containers[0].tag
        ? []
        : [
            {
              field: 'image',
              container: 'app',
              cluster: 'eu-1',
              declared: workload.declared!.containers[0].tag,
              live: tag,
              provenance: workload.declared!.containers[0].source!,
            },
          ];
    return {
      ...env,
      health: ready === 0 ? 'Degraded' : 'Healthy',
      clusters: [
        { cluster: 'eu-1', health: ready === 0 ? 'Degraded' : 'Healthy' },
        { cluster: 'eu-2', health: 'Unknown', error: 'timed out' },
      ],
      sync: { status: drift.length ? 'OutOfSync' : 'Synced', by: 'stagecraft' },
      lastChangeTime: '2026-11-22T11:57:00Z',
      workloads: [
        {
          ...workload,
          live: [
            {
              cluster: 'eu-1',
              namespace: env.name,
              kind: 'Deployment',
              name: 'app',
              images: [
                {
                  container: 'app',
                  repository: 'shop/app',
                  tag,
                  current: true,
                  pods: 2,
                },
              ],
              replicas: { desired: 2, ready, updated: 2, available: ready },
              health: ready === 0 ? 'Degraded' : 'Healthy',
            },
          ],
          drift,
          health: ready === 0 ? 'Degraded' : 'Healthy',
        },
      ],
    };
  }

  it('adds health (with the per-cluster breakdown), sync and last change, and readiness', () => {
    const rows = matrixRows(
      [
        live(environment('dev', 0, declared('1.2.0', 2)), '1.2.0', 2),
        live(environment('prod', 1, declared('1.1.0', 2)), '1.1.0', 0),
      ],
      now,
    );
    const byField = Object.fromEntries(rows.map(r => [r.field, r.cells]));

    expect(byField.Health.map(c => [c.value, c.status])).toEqual([
      ['Healthy', 'Healthy'],
      ['Degraded', 'Degraded'],
    ]);
    expect(byField.Health[1].title).toBe(
      'eu-1: Degraded\neu-2: Unknown (timed out)',
    );
    expect(byField.Sync.map(c => c.value)).toEqual(['Synced', 'Synced']);
    expect(byField['Last change'].map(c => [c.value, c.title])).toEqual([
      ['3 minutes ago', '2026-11-22T11:57:00Z'],
      ['3 minutes ago', '2026-11-22T11:57:00Z'],
    ]);
    expect(byField.Ready.map(c => c.value)).toEqual(['2/2', '0/2']);
    expect(byField['Cluster / namespace'].map(c => c.value)).toEqual([
      'eu-1 / dev',
      'eu-1 / prod',
    ]);
  });

  it('marks drift on the row of the drifting field only', () => {
    const rows = matrixRows(
      [live(environment('prod', 0, declared('1.2.0', 2)), '1.1.9', 2)],
      now,
    );
    const version = rows.find(r => r.field === 'Version')!.cells[0];

    expect(version.drift).toHaveLength(1);
    expect(describeDrift(version.drift[0])).toBe(
      'eu-1 runs image of app 1.1.9; Git declares 1.2.0 in kustomization.yaml:7 (images[0].newTag)',
    );
    expect(rows.find(r => r.field === 'Replicas')!.cells[0].drift).toEqual([]);
    expect(rows.find(r => r.field === 'Sync')!.cells[0].value).toBe(
      'OutOfSync',
    );
  });

  it('hides environment rows that know nothing', () => {
    const rows = matrixRows([environment('dev', 0, declared('1.2.0', 1))], now);
    expect(rows.filter(r => !r.application)).toEqual([]);
  });
});

describe('relativeTime', () => {
  const now = new Date('2026-11-22T12:00:00Z');
  it.each([
    ['2026-11-22T11:59:50Z', 'just now'],
    ['2026-11-22T11:59:00Z', '1 minute ago'],
    ['2026-11-22T09:00:00Z', '3 hours ago'],
    ['2026-11-19T12:00:00Z', '3 days ago'],
  ])('%s → %s', (iso, expected) => {
    expect(relativeTime(iso, now)).toBe(expected);
  });

  it('says how far each environment lags behind the previous one', () => {
    expect(
      [
        { behind: 2, unit: 'versions', of: 'dev' },
        { behind: 1, unit: 'commits', of: 'staging' },
        { behind: 0, unit: 'versions', of: 'dev' },
        { behind: null, unit: 'versions', of: 'staging', reason: 'never ran' },
      ].map(lag => lagCell(lag as EnvironmentLag)),
    ).toEqual([
      { value: '2 versions behind dev', status: 'behind' },
      { value: '1 commit behind staging', status: 'behind' },
      { value: 'Up to date with dev' },
      { value: '? behind staging', title: 'never ran' },
    ]);
  });
});
