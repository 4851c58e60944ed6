import {
  MatrixEnvironment,
  MatrixWorkload,
  Promotion,
} from '@stagecraft/plugin-environments-common';
import { targetProgress } from './targetProgress';

const promotion = {
  to: 'staging',
  changes: [
    {
      application: 'catalogue',
      container: 'catalogue',
      workload: 'Deployment/catalogue',
      from: { image: 'shop/catalogue', tag: '1.3.2', digest: null },
      to: { image: 'shop/catalogue', tag: '1.4.0', digest: null },
      provenance: { file: 'staging.yaml', path: 'images[0].newTag', line: 4 },
    },
  ],
} as Promotion;

function staging(
  declaredTag: string,
  live: { tag: string; health: MatrixWorkload['health']; reason?: string }[],
): MatrixEnvironment {
  const workload: MatrixWorkload = {
    application: 'catalogue',
    kind: 'Deployment',
    name: 'catalogue',
    namespace: 'shop-staging',
    declared: {
      replicas: 2,
      containers: [
        {
          name: 'catalogue',
          image: 'shop/catalogue',
          tag: declaredTag,
          digest: null,
          resources: null,
          source: null,
        },
      ],
      autoscaling: null,
      ingressHosts: [],
      env: {},
      managedBy: 'kustomize',
      provenance: {},
    },
    live: live.map((l, i) => ({
      cluster: `c${i}`,
      namespace: 'shop-staging',
      kind: 'Deployment',
      name: 'catalogue',
      images: [
        {
          container: 'catalogue',
          repository: 'shop/catalogue',
          tag: l.tag,
          current: true,
          pods: 2,
        },
      ],
      health: l.health,
      ...(l.reason && { healthReason: l.reason }),
    })),
    drift: live
      .map((l, i) => ({ l, i }))
      .filter(({ l }) => l.tag !== declaredTag)
      .map(({ l, i }) => ({
        field: 'image',
        container: 'catalogue',
        cluster: `c${i}`,
        declared: declaredTag,
        live: l.tag,
      })),
    health: worst(live.map(l => l.health)),
  };
  return {
    name: 'staging',
    order: 1,
    version: { images: [] },
    workloads: [workload],
    health: workload.health,
    clusters: [],
    sync: { status: 'Unknown' },
    problems: [],
  };
}

/** The worst of some healths, as far as these tests need it. */
function worst(healths: MatrixWorkload['health'][]): MatrixWorkload['health'] {
  if (healths.includes('Degraded')) return 'Degraded';
  return healths.every(h => h === 'Healthy') ? 'Healthy' : 'Progressing';
}

const early = { elapsedMs: 60_000, timeoutMs: 600_000 };
const late = { elapsedMs: 700_000, timeoutMs: 600_000 };

describe('targetProgress', () => {
  it('completes when Git declares the version and every cluster runs it Healthy', () => {
    expect(
      targetProgress(
        promotion,
        staging('1.4.0', [
          { tag: '1.4.0', health: 'Healthy' },
          { tag: '1.4.0', health: 'Healthy' },
        ]),
        early,
      ),
    ).toEqual({
      state: 'completed',
      message: 'staging runs 1.4.0 and is Healthy',
    });
  });

  it('keeps syncing while one cluster still runs the old version, then fails at the timeout', () => {
    const environment = staging('1.4.0', [
      { tag: '1.4.0', health: 'Healthy' },
      { tag: '1.3.2', health: 'Healthy' },
    ]);
    expect(targetProgress(promotion, environment, early)).toEqual({
      state: 'syncing',
      message: 'Healthy; c1 runs 1.3.2',
    });
    expect(targetProgress(promotion, environment, late)).toEqual({
      state: 'failed',
      message:
        'staging did not run the new version Healthy within 10 minutes (Healthy; c1 runs 1.3.2)',
    });
  });

  it('fails with the cluster’s reason when the target is Degraded', () => {
    expect(
      targetProgress(
        promotion,
        staging('1.4.0', [
          {
            tag: '1.4.0',
            health: 'Degraded',
            reason: 'ImagePullBackOff: manifest unknown',
          },
        ]),
        early,
      ),
    ).toEqual({
      state: 'failed',
      message:
        'staging is Degraded (c0: Deployment/catalogue ImagePullBackOff: manifest unknown)',
    });
  });

  it('waits for Git while it still declares the old version, and is superseded by a third one', () => {
    expect(
      targetProgress(
        promotion,
        staging('1.3.2', [{ tag: '1.3.2', health: 'Healthy' }]),
        early,
      ).state,
    ).toBe('syncing');
    expect(
      targetProgress(
        promotion,
        staging('1.5.0', [{ tag: '1.5.0', health: 'Healthy' }]),
        early,
      ),
    ).toEqual({
      state: 'superseded',
      message: 'staging now declares 1.5.0 for catalogue',
    });
  });
});
