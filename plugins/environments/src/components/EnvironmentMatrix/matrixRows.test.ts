import {
  DeclaredState,
  MatrixEnvironment,
} from '@stagecraft/plugin-environments-common';
import { describeProvenance, matrixRows } from './matrixRows';

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
      { value: null, provenance: undefined, changed: false },
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
