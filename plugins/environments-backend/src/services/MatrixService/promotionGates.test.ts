import { MatrixEnvironment } from '@stagecraft/plugin-environments-common';
import { evaluateGates } from './promotionGates';

function env(
  name: string,
  extra: Partial<MatrixEnvironment> = {},
): MatrixEnvironment {
  return {
    name,
    order: 0,
    version: {
      images: [
        {
          application: 'app',
          container: 'app',
          image: 'shop/app',
          tag: '1.2.0',
          digest: null,
        },
      ],
    },
    workloads: [],
    health: 'Healthy',
    clusters: [{ cluster: 'eu', health: 'Healthy' }],
    sync: { status: 'Synced', by: 'stagecraft' },
    problems: [],
    ...extra,
  };
}

describe('evaluateGates', () => {
  it('passes a healthy, synced source with a pinned version', () => {
    expect(evaluateGates(env('staging'), env('prod'))).toEqual([
      {
        gate: 'source-has-version',
        passed: true,
        reason: 'staging declares 1 image version to promote to prod',
      },
      { gate: 'source-healthy', passed: true, reason: 'staging is Healthy' },
      {
        gate: 'source-synced',
        passed: true,
        reason: 'staging runs what Git declares',
      },
    ]);
  });

  it('says why each gate fails', () => {
    const gates = evaluateGates(
      env('staging', {
        version: {
          images: [
            {
              application: 'app',
              container: 'app',
              image: 'shop/app',
              tag: null,
              digest: null,
            },
          ],
        },
        health: 'Degraded',
        sync: { status: 'OutOfSync', by: 'stagecraft' },
      }),
      env('prod'),
    );

    expect(gates.map(g => [g.gate, g.passed, g.reason])).toEqual([
      [
        'source-has-version',
        false,
        'staging declares no image tag or digest to promote',
      ],
      ['source-healthy', false, 'staging is Degraded'],
      ['source-synced', false, 'staging is OutOfSync'],
    ]);
  });

  it('notes when no cluster reports the source at all', () => {
    const gates = evaluateGates(
      env('dev', {
        health: 'Unknown',
        clusters: [],
        sync: { status: 'Unknown' },
      }),
      env('staging'),
    );

    const note =
      ' (no cluster reports it; without clusters, set environments.promotions.defaults.requireLiveHealth: false to promote on Git alone)';
    expect(gates[1].reason).toBe(`dev is Unknown${note}`);
    expect(gates[2].reason).toBe(`dev is Unknown${note}`);
  });

  it('in Git-only mode, does not check health and sync where no cluster reports the source, and says so', () => {
    const policy = {
      method: 'pull-request' as const,
      sourceStableForMs: 0,
      freezeWindows: [],
      requireLiveHealth: false,
    };
    const unobserved = env('dev', {
      health: 'Unknown',
      clusters: [],
      sync: { status: 'Unknown' },
    });
    expect(
      evaluateGates(unobserved, env('staging'), { policy }).slice(1),
    ).toEqual([
      {
        gate: 'source-healthy',
        passed: true,
        reason:
          'not checked: no cluster reports dev (requireLiveHealth: false)',
      },
      {
        gate: 'source-synced',
        passed: true,
        reason:
          'not checked: no cluster reports dev (requireLiveHealth: false)',
      },
    ]);
    // A cluster that reports the source, down or unhealthy, still closes the gate.
    const down = env('dev', {
      health: 'Unknown',
      clusters: [{ cluster: 'eu', health: 'Unknown' }],
      sync: { status: 'Unknown' },
    });
    expect(
      evaluateGates(down, env('staging'), { policy })
        .slice(1)
        .map(g => g.passed),
    ).toEqual([false, false]);
  });

  it('applies the target’s policy: allowed sources, stable time and freeze windows', () => {
    const now = new Date('2026-12-25T12:00:00Z');
    const gates = evaluateGates(
      env('qa', { lastChangeTime: '2026-12-25T11:55:00Z' }),
      env('prod'),
      {
        now,
        policy: {
          method: 'pull-request',
          allowedSources: ['staging'],
          sourceStableForMs: 30 * 60_000,
          requireLiveHealth: true,
          freezeWindows: [
            {
              start: new Date('2026-12-24T00:00:00Z'),
              end: new Date('2026-12-27T00:00:00Z'),
              reason: 'Holidays',
            },
          ],
        },
      },
    );
    expect(gates.filter(g => !g.passed)).toEqual([
      {
        gate: 'allowed-source',
        passed: false,
        reason: 'prod takes versions only from staging',
      },
      {
        gate: 'source-healthy',
        passed: false,
        reason:
          'qa changed 5 minutes ago; it must be Healthy for 30 minutes first',
      },
      {
        gate: 'no-freeze',
        passed: false,
        reason: 'prod is frozen until 2026-12-27T00:00:00.000Z: Holidays',
      },
    ]);
  });

  it('checks only the version and the freeze for a rollback, whatever the health', () => {
    const gates = evaluateGates(
      env('prod', { health: 'Degraded' }),
      env('prod'),
      {
        policy: {
          method: 'pull-request',
          allowedSources: ['staging'],
          sourceStableForMs: 0,
          requireLiveHealth: true,
          freezeWindows: [],
        },
      },
    );
    expect(gates.map(g => [g.gate, g.passed])).toEqual([
      ['source-has-version', true],
    ]);
  });
});
