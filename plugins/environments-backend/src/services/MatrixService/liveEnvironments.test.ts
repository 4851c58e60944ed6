import {
  DeclaredState,
  MatrixEnvironment,
} from '@stagecraft/plugin-environments-common';
import { LiveWorkload } from '../../clusters';
import { worstHealth } from './health';
import { liveOnlyEnvironments, mergeLiveState } from './liveEnvironments';

function declared(extra: Partial<DeclaredState> = {}): DeclaredState {
  return {
    replicas: 2,
    containers: [
      {
        name: 'app',
        image: 'shop/app',
        tag: '1.2.0',
        digest: null,
        resources: null,
        source: {
          file: 'overlays/prod/kustomization.yaml',
          path: 'images[0].newTag',
          line: 9,
        },
      },
    ],
    autoscaling: null,
    ingressHosts: [],
    env: {},
    managedBy: 'kustomize',
    provenance: {
      replicas: {
        file: 'overlays/prod/kustomization.yaml',
        path: 'replicas[0].count',
        line: 12,
      },
    },
    ...extra,
  };
}

function column(state: DeclaredState = declared()): MatrixEnvironment {
  return {
    name: 'prod',
    order: 0,
    version: { images: [] },
    workloads: [
      {
        application: 'app',
        kind: 'Deployment',
        name: 'app',
        namespace: 'shop-prod',
        declared: state,
        live: [],
        drift: [],
        health: 'Unknown',
      },
    ],
    health: 'Unknown',
    clusters: [],
    sync: { status: 'Unknown' },
    problems: [],
  };
}

function live(extra: Partial<LiveWorkload> = {}): LiveWorkload {
  return {
    cluster: 'prod-eu',
    namespace: 'shop-prod',
    kind: 'Deployment',
    name: 'app',
    images: [
      {
        container: 'app',
        repository: 'shop/app',
        tag: '1.2.0',
        digest: 'sha256:aaa',
        current: true,
        pods: 2,
      },
    ],
    replicas: { desired: 2, ready: 2, updated: 2, available: 2 },
    health: 'Healthy',
    lastChangeTime: '2026-11-20T10:00:00Z',
    conditions: [],
    ...extra,
  };
}

function cluster(name: string, workloads: LiveWorkload[]) {
  return { cluster: name, workloads, applications: [], fluxResources: [] };
}

describe('mergeLiveState', () => {
  it('matches by kind, name and namespace: healthy and in sync', () => {
    const [env] = mergeLiveState([column()], {
      clusters: [
        cluster('prod-eu', [
          live(),
          live({ namespace: 'other', health: 'Degraded' }),
        ]),
      ],
    });

    expect(env.workloads[0].live).toHaveLength(1);
    expect(env.workloads[0]).toMatchObject({ health: 'Healthy', drift: [] });
    expect(env).toMatchObject({
      health: 'Healthy',
      sync: { status: 'Synced', by: 'stagecraft' },
      clusters: [{ cluster: 'prod-eu', health: 'Healthy' }],
      lastChangeTime: '2026-11-20T10:00:00Z',
    });
  });

  it('without a declared namespace, prefers the namespace named after the environment', () => {
    const env = column();
    env.workloads[0].namespace = null;
    const [merged] = mergeLiveState([env], {
      clusters: [
        cluster('nonprod', [
          live({ cluster: 'nonprod', namespace: 'staging', images: [] }),
          live({ cluster: 'nonprod', namespace: 'prod' }),
        ]),
      ],
    });

    expect(merged.workloads[0].live.map(l => l.namespace)).toEqual(['prod']);
  });

  it('reports drift per field, with the declared value’s provenance', () => {
    const [env] = mergeLiveState([column()], {
      clusters: [
        cluster('prod-eu', [
          live({
            images: [
              {
                container: 'app',
                repository: 'shop/app',
                tag: '1.1.0',
                current: true,
                pods: 3,
              },
              {
                container: 'app',
                repository: 'shop/app',
                tag: '1.0.0',
                current: false,
                pods: 1,
              },
            ],
            replicas: { desired: 3, ready: 3, updated: 3, available: 3 },
          }),
        ]),
      ],
    });

    expect(env.workloads[0].drift).toEqual([
      {
        field: 'image',
        container: 'app',
        cluster: 'prod-eu',
        declared: '1.2.0',
        live: '1.1.0',
        provenance: {
          file: 'overlays/prod/kustomization.yaml',
          path: 'images[0].newTag',
          line: 9,
        },
      },
      {
        field: 'replicas',
        cluster: 'prod-eu',
        declared: '2',
        live: '3',
        provenance: {
          file: 'overlays/prod/kustomization.yaml',
          path: 'replicas[0].count',
          line: 12,
        },
      },
    ]);
    expect(env.sync.status).toBe('OutOfSync');
  });

  it('compares pinned digests, and a mutable tag by whether the pods agree', () => {
    const pinned = declared();
    pinned.containers[0] = {
      ...pinned.containers[0],
      tag: null,
      digest: 'sha256:bbb',
    };
    expect(
      mergeLiveState([column(pinned)], {
        clusters: [cluster('c', [live()])],
      })[0].workloads[0].drift.map(d => [d.field, d.declared, d.live]),
    ).toEqual([['image', 'sha256:bbb', '1.2.0']]);

    const latest = declared();
    latest.containers[0] = { ...latest.containers[0], tag: 'latest' };
    const agreeing = live({
      images: [
        {
          container: 'app',
          repository: 'shop/app',
          tag: 'latest',
          digest: 'sha256:aaa',
          current: true,
          pods: 2,
        },
      ],
    });
    const split = live({
      images: [
        {
          container: 'app',
          repository: 'shop/app',
          tag: 'latest',
          digest: 'sha256:aaa',
          current: true,
          pods: 1,
        },
        {
          container: 'app',
          repository: 'shop/app',
          tag: 'latest',
          digest: 'sha256:ccc',
          current: true,
          pods: 1,
        },
      ],
    });
    expect(
      mergeLiveState([column(latest)], {
        clusters: [cluster('c', [agreeing])],
      })[0].workloads[0].drift,
    ).toEqual([]);
    expect(
      mergeLiveState([column(latest)], {
        clusters: [cluster('c', [split])],
      })[0].workloads[0].drift.map(d => d.field),
    ).toEqual(['image']);
  });

  it('compares autoscaling bounds instead of replicas when an HPA is declared', () => {
    const state = declared({
      autoscaling: {
        kind: 'HorizontalPodAutoscaler',
        name: 'app',
        minReplicas: 3,
        maxReplicas: 10,
        targets: [],
      },
    });
    const [env] = mergeLiveState([column(state)], {
      clusters: [
        cluster('c', [
          live({
            replicas: { desired: 7, ready: 7, updated: 7, available: 7 },
            hpa: { name: 'app', min: 3, max: 5, current: 7 },
          }),
        ]),
      ],
    });

    expect(
      env.workloads[0].drift.map(d => [d.field, d.declared, d.live]),
    ).toEqual([['autoscaling', '3–10', '3–5']]);
  });

  it('is Missing when every cluster answered without it', () => {
    const [env] = mergeLiveState([column()], {
      clusters: [cluster('c', []), cluster('d', [])],
    });

    expect(env.health).toBe('Missing');
    expect(env.workloads[0].live).toEqual([]);
    expect(env.clusters).toEqual([]);
    expect(env.sync.status).toBe('Unknown');
    expect(env.problems).toEqual([]);
  });

  it('degrades only what an unreachable cluster could have run', () => {
    const failed = {
      cluster: 'prod-us',
      error: {
        name: 'KubernetesRequestError',
        message: 'timed out after 5000 ms',
      },
    };
    const [unmatched] = mergeLiveState([column()], {
      clusters: [cluster('prod-eu', []), failed],
    });
    expect(unmatched.health).toBe('Unknown');
    expect(unmatched.clusters).toEqual([
      {
        cluster: 'prod-us',
        health: 'Unknown',
        error: 'timed out after 5000 ms',
      },
    ]);
    expect(unmatched.problems[0].message).toBe(
      'Cluster prod-us did not answer (timed out after 5000 ms); app may run there',
    );

    const [matched] = mergeLiveState([column()], {
      clusters: [cluster('prod-eu', [live()]), failed],
    });
    expect(matched.health).toBe('Healthy');
    expect(matched.problems).toEqual([]);
    expect(matched.clusters.map(c => c.cluster)).toEqual([
      'prod-eu',
      'prod-us',
    ]);
  });
});

describe('worstHealth', () => {
  it('ranks as Argo CD does', () => {
    expect(worstHealth(['Healthy', 'Progressing', 'Suspended'])).toBe(
      'Progressing',
    );
    expect(worstHealth(['Missing', 'Degraded', 'Healthy'])).toBe('Degraded');
    expect(worstHealth(['Degraded', 'Unknown'])).toBe('Unknown');
    expect(worstHealth([])).toBe('Unknown');
  });
});

describe('liveOnlyEnvironments', () => {
  it('makes one environment per cluster, in the configured order, with what runs there', () => {
    const environments = liveOnlyEnvironments(
      {
        clusters: [
          cluster('prod', [live({ cluster: 'prod' })]),
          cluster('staging', [
            live({ cluster: 'staging', health: 'Progressing' }),
          ]),
          cluster('empty', []),
        ],
      },
      ['staging', 'prod', 'empty'],
    );

    expect(environments.map(e => [e.name, e.order, e.health])).toEqual([
      ['staging', 0, 'Progressing'],
      ['prod', 1, 'Healthy'],
    ]);
    expect(environments[1].version.images).toEqual([
      {
        application: 'app',
        container: 'app',
        image: 'shop/app',
        tag: '1.2.0',
        digest: 'sha256:aaa',
      },
    ]);
  });
});
