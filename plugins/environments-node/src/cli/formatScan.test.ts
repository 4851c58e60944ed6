import { DeclaredModel, DeclaredWorkload } from '../engine/types';
import {
  formatCell,
  formatProblems,
  formatScan,
  formatTable,
  toScanJson,
} from './formatScan';

function workload(over: Partial<DeclaredWorkload>): DeclaredWorkload {
  return {
    application: 'api',
    environment: 'dev',
    kind: 'Deployment',
    name: 'api',
    namespace: null,
    replicas: 1,
    containers: [
      {
        name: 'api',
        image: 'acme/api',
        tag: '1.0',
        digest: null,
        resources: null,
        source: null,
      },
    ],
    autoscaling: null,
    ingressHosts: [],
    env: {},
    managedBy: 'kustomize',
    root: 'overlays/dev',
    provenance: {},
    ...over,
  };
}

const model: DeclaredModel = {
  environments: [
    { name: 'dev', order: 0, paths: ['overlays/dev'] },
    { name: 'prod', order: 1, paths: ['overlays/prod'] },
  ],
  workloads: [
    workload({}),
    workload({
      environment: 'prod',
      replicas: null,
      autoscaling: {
        kind: 'HorizontalPodAutoscaler',
        name: 'api',
        minReplicas: 2,
        maxReplicas: 6,
        targets: [],
      },
      containers: [
        {
          name: 'api',
          image: 'acme/api',
          tag: '0.9',
          digest: null,
          resources: null,
          source: null,
        },
      ],
    }),
    workload({
      application: 'worker',
      name: 'worker',
      kind: 'CronJob',
      replicas: null,
      containers: [],
    }),
  ],
  problems: [
    {
      file: 'overlays/prod/bad.yaml',
      message: 'YAML syntax error',
      severity: 'error',
      line: 3,
    },
  ],
};

describe('formatScan', () => {
  it('prints one row per workload and one column per environment', () => {
    expect(formatTable(model).split('\n')).toEqual([
      'WORKLOAD          dev     prod',
      '----------------  ------  --------',
      'api (Deployment)  1.0 x1  0.9 x2-6',
      'worker (CronJob)  (none)  -',
    ]);
  });

  it('formats cells for untagged and digest-pinned images', () => {
    expect(formatCell([])).toBe('-');
    expect(
      formatCell([
        workload({
          containers: [
            {
              name: 'a',
              image: 'a',
              tag: null,
              digest: null,
              resources: null,
              source: null,
            },
          ],
        }),
      ]),
    ).toBe('(untagged) x1');
    expect(
      formatCell([
        workload({
          replicas: null,
          containers: [
            {
              name: 'a',
              image: 'a',
              tag: null,
              digest: 'sha256:0123456789abcdef',
              resources: null,
              source: null,
            },
          ],
        }),
      ]),
    ).toBe('@sha256:0123456789ab');
  });

  it('prints problems with file and line', () => {
    expect(formatProblems(model)).toBe(
      '1 problem(s):\n  ERROR   overlays/prod/bad.yaml:3  YAML syntax error',
    );
    expect(formatProblems({ ...model, problems: [] })).toBe('No problems.');
    expect(formatScan(model)).toContain('api (Deployment)');
  });

  it('keeps the JSON contract', () => {
    const json = toScanJson(model) as any;
    expect(Object.keys(json)).toEqual([
      'environments',
      'workloads',
      'problems',
    ]);
    expect(Object.keys(json.workloads[0])).toEqual(
      expect.arrayContaining([
        'application',
        'environment',
        'kind',
        'name',
        'namespace',
        'replicas',
        'containers',
        'autoscaling',
        'ingressHosts',
        'env',
        'managedBy',
        'provenance',
      ]),
    );
    expect(Object.keys(json.workloads[0].containers[0])).toEqual([
      'name',
      'image',
      'tag',
      'digest',
      'resources',
      'source',
    ]);
    expect(json.problems[0]).toEqual({
      file: 'overlays/prod/bad.yaml',
      message: 'YAML syntax error',
      severity: 'error',
      line: 3,
    });
  });
});
