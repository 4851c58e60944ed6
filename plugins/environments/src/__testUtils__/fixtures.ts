import { Entity } from '@backstage/catalog-model';
import {
  EnvironmentMatrix,
  HistoryEntry,
  MatrixEnvironment,
  Promotion,
  PromotionPlan,
  PromotionStep,
} from '@stagecraft/plugin-environments-common';

export const entityRef = 'component:default/catalogue';
export const entityUrl =
  '*/api/environments/entities/component/default/catalogue';

export const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'catalogue',
    annotations: { 'stagecraft.io/gitops-location': 'demo:apps/catalogue' },
  },
  spec: { type: 'service', owner: 'team-a' },
};

export function image(tag: string | null, digest: string | null = null) {
  return {
    application: 'catalogue',
    container: 'catalogue',
    image: 'craftista/catalogue',
    tag,
    digest,
  };
}

export function environment(
  name: string,
  order: number,
  tag: string,
): MatrixEnvironment {
  return {
    name,
    order,
    version: { images: [image(tag)] },
    workloads: [],
    health: 'Healthy',
    clusters: [],
    sync: { status: 'Synced' },
    problems: [],
  };
}

export function step(
  from: string,
  to: string,
  overrides: Partial<PromotionStep> = {},
): PromotionStep {
  return {
    from,
    to,
    gates: [
      { gate: 'source-healthy', passed: true, reason: `${from} is Healthy` },
    ],
    permission: { allowed: true },
    available: true,
    ...overrides,
  };
}

export function matrix(
  overrides: Partial<EnvironmentMatrix> = {},
): EnvironmentMatrix {
  return {
    entityRef,
    live: {} as EnvironmentMatrix['live'],
    revision: { repository: 'demo', branch: 'main', commit: 'abc1234def' },
    environments: [
      environment('dev', 0, '1.4.0'),
      environment('staging', 1, '1.3.2'),
      environment('prod', 2, '1.3.2'),
    ],
    promotions: [step('dev', 'staging'), step('staging', 'prod')],
    problems: [],
    generatedAt: '2026-11-22T20:00:00.000Z',
    ...overrides,
  };
}

const change = {
  application: 'catalogue',
  container: 'catalogue',
  workload: 'Deployment/catalogue',
  from: { image: 'craftista/catalogue', tag: '1.3.2', digest: null },
  to: { image: 'craftista/catalogue', tag: '1.4.0', digest: null },
  provenance: {
    file: 'craftista/catalogue/overlays/staging/kustomization.yaml',
    path: 'images[0].newTag',
    line: 9,
  },
};

export function plan(overrides: Partial<PromotionPlan> = {}): PromotionPlan {
  return {
    planId: 'plan-1',
    entityRef,
    from: 'dev',
    to: 'staging',
    version: { images: [image('1.4.0')] },
    changes: [change],
    refusals: [],
    files: [
      {
        path: 'craftista/catalogue/overlays/staging/kustomization.yaml',
        diff: [
          '--- a/craftista/catalogue/overlays/staging/kustomization.yaml',
          '+++ b/craftista/catalogue/overlays/staging/kustomization.yaml',
          '@@ -8,2 +8,2 @@',
          '   - name: craftista/catalogue',
          '-    newTag: 1.3.2',
          '+    newTag: 1.4.0',
        ].join('\n'),
      },
    ],
    gates: [
      { gate: 'source-healthy', passed: true, reason: 'dev is Healthy' },
      { gate: 'source-synced', passed: true, reason: 'dev is Synced' },
    ],
    method: 'pull-request',
    target: {
      repository: 'github.com/acme/gitops',
      branch: 'main',
      baseCommit: '0123456789abcdef0123',
    },
    permission: { allowed: true },
    executable: true,
    ...overrides,
  };
}

export function promotion(overrides: Partial<Promotion> = {}): Promotion {
  return {
    id: 'promo-1',
    entityRef,
    from: 'dev',
    to: 'staging',
    state: 'pending-review',
    method: 'pull-request',
    version: { images: [image('1.4.0')] },
    changes: [change],
    files: [],
    gates: [],
    requestedBy: 'user:default/jane',
    target: {
      repository: 'github.com/acme/gitops',
      branch: 'main',
      baseCommit: '0123456789abcdef0123',
    },
    commit: { sha: 'fedcba9876543210', url: 'https://github.com/c/fedcba9' },
    pullRequest: { number: 42, url: 'https://github.com/acme/gitops/pull/42' },
    mergeable: false,
    createdAt: '2026-11-22T20:00:00.000Z',
    updatedAt: '2026-11-22T20:00:00.000Z',
    events: [
      { state: 'planned', at: '2026-11-22T20:00:00.000Z' },
      {
        state: 'pending-review',
        at: '2026-11-22T20:00:01.000Z',
        message: 'Opened pull request #42',
      },
    ],
    ...overrides,
  };
}

export function historyEntry(
  overrides: Partial<HistoryEntry> = {},
): HistoryEntry {
  return {
    id: 'promo-0',
    environment: 'prod',
    kind: 'promotion',
    state: 'completed',
    from: 'staging',
    changes: [
      {
        application: 'catalogue',
        container: 'catalogue',
        from: { image: 'craftista/catalogue', tag: '1.3.1', digest: null },
        to: { image: 'craftista/catalogue', tag: '1.3.2', digest: null },
      },
    ],
    by: 'user:default/jane',
    at: '2026-11-20T10:00:00.000Z',
    pullRequest: { number: 40, url: 'https://github.com/acme/gitops/pull/40' },
    commit: { sha: 'aaaabbbbccccdddd' },
    leadTimeSeconds: 180,
    ...overrides,
  };
}
