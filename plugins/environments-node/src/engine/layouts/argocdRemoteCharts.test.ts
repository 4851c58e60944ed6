import { MemoryFiles } from '../files/memoryFiles';
import { scanRepository } from '../scan';

const app = (
  env: string,
  version: string,
  values = '',
) => `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: podinfo-${env}}
spec:
  source:
    repoURL: https://stefanprodan.github.io/podinfo
    chart: podinfo
    targetRevision: ${version}
    helm:
      valuesObject: {${values}}
  destination: {namespace: podinfo}
`;

describe('argocd: a remote chart whose values name no image', () => {
  it('is a workload of kind Application, versioned by its chart', async () => {
    const model = await scanRepository(
      new MemoryFiles({
        'apps/podinfo-dev.yaml': app('dev', '6.5.0', 'replicaCount: 2'),
        'apps/podinfo-prod.yaml': app('prod', '6.4.0'),
      }),
    );
    expect(
      model.workloads.map(w => [
        w.environment,
        w.kind,
        w.name,
        w.namespace,
        w.replicas,
        w.containers,
        w.helm?.chart,
        w.helm?.chartVersion,
      ]),
    ).toEqual([
      [
        'dev',
        'Application',
        'podinfo-dev',
        'podinfo',
        2,
        [],
        'podinfo',
        '6.5.0',
      ],
      [
        'prod',
        'Application',
        'podinfo-prod',
        'podinfo',
        null,
        [],
        'podinfo',
        '6.4.0',
      ],
    ]);
    expect(model.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          file: 'apps/podinfo-dev.yaml',
          severity: 'info',
          message:
            'Application "podinfo-dev": image from chart defaults; live state shows it',
        }),
      ]),
    );
  });
});
