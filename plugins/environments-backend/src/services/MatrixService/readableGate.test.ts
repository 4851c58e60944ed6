import {
  MatrixEnvironment,
  MatrixProblem,
} from '@stagecraft/plugin-environments-common';
import { readableGate } from './promotionGates';

function env(
  name: string,
  order: number,
  problems: MatrixProblem[] = [],
): MatrixEnvironment {
  return {
    name,
    order,
    version: { images: [] },
    workloads: [],
    health: 'Healthy',
    clusters: [],
    sync: { status: 'Synced' },
    problems,
  };
}

const broken: MatrixProblem = {
  severity: 'error',
  message: 'does not parse',
  file: 'overlays/staging/kustomization.yaml',
  line: 3,
};

describe('readableGate', () => {
  const environments = [
    env('dev', 0),
    env('staging', 1, [broken]),
    env('prod', 2),
    env('dr', 3, [broken]),
  ];

  it('passes when the source, the target and everything between were read', () => {
    expect(
      readableGate(environments, environments[0], environments[0], []),
    ).toMatchObject({ passed: true });
  });

  it('fails for an error in the target or between the source and the target', () => {
    const [dev, staging, prod] = environments;
    for (const [from, to] of [
      [dev, prod],
      [dev, staging],
      [prod, dev],
    ]) {
      const gate = readableGate(environments, from, to, []);
      expect(gate.passed).toBe(false);
      expect(gate.reason).toContain(
        'staging: overlays/staging/kustomization.yaml:3: does not parse',
      );
    }
  });

  it('ignores environments beyond the path, and warnings', () => {
    const [dev, , prod] = environments;
    const warned = env('dev', 0, [{ ...broken, severity: 'warning' }]);
    expect(readableGate(environments, warned, dev, []).passed).toBe(true);
    expect(readableGate([dev, env('prod', 1)], dev, prod, []).passed).toBe(
      true,
    );
  });

  it('fails for an error of the entity that no environment owns', () => {
    const [dev] = environments;
    const gate = readableGate([dev, env('prod', 1)], dev, env('prod', 1), [
      { ...broken, file: 'apps/values.yaml' },
    ]);
    expect(gate).toMatchObject({ gate: 'path-readable', passed: false });
    expect(gate.reason).toContain('apps/values.yaml:3');
  });
});
