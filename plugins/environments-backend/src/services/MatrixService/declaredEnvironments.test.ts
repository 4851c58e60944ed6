import {
  DeclaredModel,
  DeclaredWorkload,
} from '@stagecraft/plugin-environments-node';
import { declaredEnvironments } from './declaredEnvironments';

function workload(
  environment: string,
  tag: string,
  extra: Partial<DeclaredWorkload> = {},
): DeclaredWorkload {
  return {
    application: 'catalogue',
    environment,
    kind: 'Deployment',
    name: 'catalogue',
    namespace: `shop-${environment}`,
    replicas: 1,
    containers: [
      {
        name: 'catalogue',
        image: 'shop/catalogue',
        tag,
        digest: null,
        resources: null,
        source: {
          file: `overlays/${environment}/kustomization.yaml`,
          path: 'images[0].newTag',
          line: 4,
        },
      },
      {
        name: 'migrate',
        image: 'shop/migrate',
        tag,
        digest: null,
        init: true,
        resources: null,
        source: null,
      },
    ],
    autoscaling: null,
    ingressHosts: [],
    env: {},
    managedBy: 'kustomize',
    root: `overlays/${environment}`,
    provenance: {},
    ...extra,
  };
}

const model: DeclaredModel = {
  environments: [
    { name: 'dev', order: 0, paths: ['overlays/dev'] },
    { name: 'staging', order: 1, paths: ['overlays/staging'] },
    { name: 'prod', order: 2, paths: ['overlays/prod'] },
  ],
  workloads: [
    workload('prod', '1.0.0'),
    workload('dev', '1.2.0'),
    workload('staging', '1.1.0'),
  ],
  problems: [
    {
      file: 'overlays/staging/patch.yaml',
      message: 'bad patch',
      severity: 'error',
      line: 3,
    },
    { file: 'base/deployment.yaml', message: 'odd base', severity: 'warning' },
  ],
};

describe('declaredEnvironments', () => {
  it('orders environments, with their workloads and versions (init containers left out)', () => {
    const { environments } = declaredEnvironments(model);

    expect(environments.map(e => [e.name, e.order])).toEqual([
      ['dev', 0],
      ['staging', 1],
      ['prod', 2],
    ]);
    expect(environments.map(e => e.version.images)).toEqual([
      [
        {
          application: 'catalogue',
          container: 'catalogue',
          image: 'shop/catalogue',
          tag: '1.2.0',
          digest: null,
        },
      ],
      [
        {
          application: 'catalogue',
          container: 'catalogue',
          image: 'shop/catalogue',
          tag: '1.1.0',
          digest: null,
        },
      ],
      [
        {
          application: 'catalogue',
          container: 'catalogue',
          image: 'shop/catalogue',
          tag: '1.0.0',
          digest: null,
        },
      ],
    ]);
    expect(environments[0]).toMatchObject({
      health: 'Unknown',
      sync: { status: 'Unknown' },
    });
  });

  it('leaves Jobs and CronJobs out of the version, and keeps them as workloads', () => {
    const { environments } = declaredEnvironments({
      ...model,
      workloads: [
        workload('dev', '1.2.0'),
        workload('dev', '9.9.9', { kind: 'CronJob', name: 'cleanup' }),
        workload('dev', '9.9.8', { kind: 'Job', name: 'migrate-db' }),
      ],
    });
    const dev = environments.find(e => e.name === 'dev')!;
    expect(dev.workloads.map(w => w.kind).sort()).toEqual([
      'CronJob',
      'Deployment',
      'Job',
    ]);
    expect(dev.version.images.map(i => i.tag)).toEqual(['1.2.0']);
  });

  it('attaches a problem to the environment whose folder holds the file, others to the entity', () => {
    const { environments, problems } = declaredEnvironments(model);

    expect(environments[1].problems).toEqual([
      {
        file: 'overlays/staging/patch.yaml',
        message: 'bad patch',
        severity: 'error',
        line: 3,
      },
    ]);
    expect(environments[0].problems).toEqual([]);
    expect(problems).toEqual([
      {
        file: 'base/deployment.yaml',
        message: 'odd base',
        severity: 'warning',
      },
    ]);
  });

  it('narrows and orders the environments as the entity names them', () => {
    const { environments, problems } = declaredEnvironments(model, {
      environmentNames: ['prod', 'dev'],
    });

    expect(environments.map(e => [e.name, e.order])).toEqual([
      ['prod', 0],
      ['dev', 1],
    ]);
    // A problem of an environment that is not shown is not the entity's either.
    expect(problems.map(p => p.message)).toEqual(['odd base']);
  });
});
