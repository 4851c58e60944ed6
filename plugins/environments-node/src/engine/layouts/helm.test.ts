import * as path from 'path';
import { MemoryFiles } from '../files/memoryFiles';
import { scanDirectory, scanRepository } from '../scan';
import { DeclaredModel } from '../types';

const FIXTURES = path.resolve(__dirname, '../../../fixtures');

function row(model: DeclaredModel, application: string, environment: string) {
  const found = model.workloads.filter(
    w => w.application === application && w.environment === environment,
  );
  expect(found).toHaveLength(1);
  return found[0];
}

describe('helm layout: tbyte (values-<env>.yaml beside the chart)', () => {
  let model: DeclaredModel;
  beforeAll(async () => {
    model = await scanDirectory(path.join(FIXTURES, 'tbyte'));
  });

  it('finds dev, staging and prod from the values files', () => {
    expect(model.environments.map(e => e.name)).toEqual([
      'dev',
      'staging',
      'prod',
    ]);
  });

  it('layers chart values, common values and the environment file', () => {
    const rows = model.workloads.map(w => [
      w.environment,
      w.application,
      w.managedBy,
      `${w.containers[0].image}:${w.containers[0].tag}`,
      w.replicas,
      w.containers[0].source?.file,
      w.containers[0].source?.path,
    ]);
    expect(rows).toEqual([
      [
        'dev',
        'frontend',
        'helm',
        'ghcr.io/tbyte/frontend:1.5.0-rc.2',
        1,
        'values-dev.yaml',
        'frontend.image.tag',
      ],
      [
        'staging',
        'frontend',
        'helm',
        'ghcr.io/tbyte/frontend:1.4.0',
        1,
        'apps/tbyte-microservices/values.yaml',
        'frontend.image.tag',
      ],
      [
        'prod',
        'frontend',
        'helm',
        'ghcr.io/tbyte/frontend:1.4.0',
        1,
        'apps/tbyte-microservices/values.yaml',
        'frontend.image.tag',
      ],
      [
        'dev',
        'tbyte-microservices',
        'helm',
        'ghcr.io/tbyte/api:2.4.0-rc.1',
        1,
        'values-dev.yaml',
        'image.tag',
      ],
      [
        'staging',
        'tbyte-microservices',
        'helm',
        'ghcr.io/tbyte/api:2.3.1',
        2,
        'values-staging.yaml',
        'image.tag',
      ],
      [
        'prod',
        'tbyte-microservices',
        'helm',
        'ghcr.io/tbyte/api:2.3.0',
        3,
        'apps/tbyte-microservices/Chart.yaml',
        'appVersion',
      ],
    ]);
    expect(row(model, 'tbyte-microservices', 'prod').helm).toEqual({
      chart: 'tbyte-microservices',
      chartVersion: null,
      layers: [
        { file: 'apps/tbyte-microservices/values.yaml', path: '' },
        { file: 'values-common.yaml', path: '' },
        { file: 'values-prod.yaml', path: '' },
      ],
      images: {
        'tbyte-microservices': {
          tag: 'image.tag',
          repository: 'image.repository',
        },
        frontend: {
          tag: 'frontend.image.tag',
          repository: 'frontend.image.repository',
        },
      },
    });
  });

  it('reads resources, autoscaling and ingress with provenance', () => {
    const prod = row(model, 'tbyte-microservices', 'prod');
    expect(prod.containers[0].resources).toEqual({
      requests: { cpu: '200m', memory: '256Mi' },
      limits: { cpu: '1', memory: '1Gi' },
    });
    expect(prod.autoscaling).toEqual({
      kind: 'HorizontalPodAutoscaler',
      name: 'tbyte-microservices',
      minReplicas: 2,
      maxReplicas: 5,
      targets: [{ name: 'cpu', type: 'Resource', averageUtilization: 70 }],
    });
    expect(prod.provenance['autoscaling.maxReplicas']).toEqual({
      file: 'apps/tbyte-microservices/values.yaml',
      path: 'autoscaling.maxReplicas',
      line: 20,
    });
    expect(prod.provenance.replicas).toEqual({
      file: 'values-prod.yaml',
      path: 'replicaCount',
      line: 2,
    });
    expect(prod.ingressHosts).toEqual(['tbyte.local']);
    expect(row(model, 'tbyte-microservices', 'dev').autoscaling).toBeNull();
    expect(row(model, 'tbyte-microservices', 'dev').ingressHosts).toEqual([
      'dev.tbyte.local',
    ]);
  });

  it('says where a value only exists after rendering', () => {
    expect(model.problems).toEqual([
      {
        file: 'apps/tbyte-microservices/values.yaml',
        line: 4,
        severity: 'info',
        message:
          'image.tag is empty; Helm templates are not rendered, so the tag is taken from Chart.yaml appVersion (the usual default)',
      },
    ]);
  });
});

describe('helm layout: other shapes', () => {
  const chart = 'apiVersion: v2\nname: web\nversion: 1.0.0\nappVersion: "9"\n';

  it('reads <env>/values.yaml and values.<env>.yaml inside the chart', async () => {
    const model = await scanRepository(
      new MemoryFiles({
        'charts/web/Chart.yaml': chart,
        'charts/web/values.yaml': 'image:\n  repository: r/web\n  tag: "1"\n',
        'charts/web/env/dev/values.yaml': 'replicaCount: 1\n',
        'charts/web/env/prod/values.yaml':
          'replicaCount: 3\nimage: {tag: "0.9"}\n',
        'charts/web/values.qa.yaml': 'image:\n  tag: "2"\n',
        'charts/web/values-aws.yaml': 'replicaCount: 7\n',
        'charts/web/templates/sts.yaml': 'kind: StatefulSet\n',
      }),
    );
    expect(model.environments.map(e => e.name)).toEqual(['dev', 'qa', 'prod']);
    expect(
      model.workloads.map(w => [
        w.environment,
        w.kind,
        w.containers[0].tag,
        w.replicas,
      ]),
    ).toEqual([
      ['dev', 'StatefulSet', '1', 1],
      ['qa', 'StatefulSet', '2', null],
      ['prod', 'StatefulSet', '0.9', 3],
    ]);
    expect(model.problems).toEqual([]);
  });

  it('reads per-component imageVersion, image strings, hpa blocks and null deletions', async () => {
    const model = await scanRepository(
      new MemoryFiles({
        'Chart.yaml': chart,
        'values.yaml':
          'api:\n  imageVersion: "3.1"\n  image:\n    repository: r/api\n  hpa:\n    min: 2\n    max: 4\n    cpu: 80\nworker:\n  image: r/worker:5\n  replicas: 2\nredis:\n  enabled: false\n  image: {repository: redis}\n',
        'values/dev.yaml': 'worker:\n  image: r/worker:6\napi:\n  hpa: null\n',
        'values/staging.yaml': 'api:\n  imageVersion: "3.0"\n',
      }),
    );
    const table = model.workloads.map(w => [
      w.environment,
      w.application,
      `${w.containers[0].image}:${w.containers[0].tag}`,
      w.replicas,
      w.autoscaling
        ? `${w.autoscaling.minReplicas}-${w.autoscaling.maxReplicas}`
        : null,
      w.containers[0].source?.path,
    ]);
    expect(table).toEqual([
      ['dev', 'api', 'r/api:3.1', null, null, 'api.imageVersion'],
      ['staging', 'api', 'r/api:3.0', null, '2-4', 'api.imageVersion'],
      ['dev', 'worker', 'r/worker:6', 2, null, 'worker.image'],
      ['staging', 'worker', 'r/worker:5', 2, null, 'worker.image'],
    ]);
  });

  it('uses per-entity value paths for unusual charts', async () => {
    const files = new MemoryFiles({
      'c/Chart.yaml': chart,
      'c/values.yaml':
        'app:\n  container:\n    registry: r/x\n    version: "1"\n  scale: 2\n',
      'c/values-dev.yaml': 'app:\n  container:\n    version: "2"\n',
    });
    const plain = await scanRepository(files, { environmentOrder: ['dev'] });
    expect(plain.workloads).toEqual([]);
    const model = await scanRepository(files, {
      environmentOrder: ['dev'],
      helm: {
        paths: {
          repository: ['app.container.registry'],
          tag: ['app.container.version'],
          replicas: ['app.scale'],
        },
      },
    });
    expect(
      model.workloads.map(w => [
        w.environment,
        w.containers[0].image,
        w.containers[0].tag,
        w.replicas,
      ]),
    ).toEqual([['dev', 'r/x', '2', 2]]);
  });

  it('marks templated values and leaves charts without environment files alone', async () => {
    const model = await scanRepository(
      new MemoryFiles({
        'a/Chart.yaml': chart,
        'a/values.yaml':
          'image:\n  repository: r/a\n  tag: "{{ .Values.global.tag }}"\n',
        'a/values-prod.yaml': 'replicaCount: 2\n',
        'a/values-dev.yaml': 'replicaCount: 1\n',
        'b/Chart.yaml': 'name: b\n',
        'b/values.yaml': 'image: {repository: r/b, tag: "1"}\n',
      }),
    );
    expect(model.workloads.map(w => [w.application, w.environment])).toEqual([
      ['web', 'dev'],
      ['web', 'prod'],
    ]);
    expect(model.problems).toEqual([
      expect.objectContaining({
        file: 'a/values.yaml',
        line: 3,
        message:
          'tag is a Helm template; its value only exists after rendering',
      }),
    ]);
  });

  it('makes a lone values file that nothing references a note, not an environment', async () => {
    const lone = {
      'c/Chart.yaml': chart,
      'c/values.yaml': 'image: {repository: r/c, tag: "1"}\n',
      'c/values-production.yaml': 'replicaCount: 3\n',
    };
    const model = await scanRepository(new MemoryFiles(lone));
    expect(model.environments).toEqual([]);
    expect(model.problems).toEqual([
      {
        file: 'c/values-production.yaml',
        severity: 'info',
        message:
          'values-production.yaml is referenced by nothing (no Application or HelmRelease names it); not an environment',
      },
    ]);
    // an Application that names it makes it an environment, even one that
    // is still a Helm template (app of apps)
    const application = (repoURL: string) =>
      `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: c}\nspec:\n  source:\n    repoURL: ${repoURL}\n    path: c\n    helm: {valueFiles: [values-production.yaml]}\n`;
    for (const [file, repoURL] of [
      ['deploy/app.yaml', 'https://example.com/r.git'],
      ['apps/templates/c.yaml', '{{ .Values.repo | quote }}'],
    ]) {
      const referenced = await scanRepository(
        new MemoryFiles({ ...lone, [file]: application(repoURL) }),
      );
      expect(referenced.environments.map(e => e.name)).toEqual(['production']);
    }
    // so does the entity naming it
    const declared = await scanRepository(new MemoryFiles(lone), {
      environmentOrder: ['production'],
    });
    expect(declared.workloads.map(w => [w.environment, w.replicas])).toEqual([
      ['production', 3],
    ]);
  });

  it('keeps the kind of a chart of Jobs: not a Deployment, not a versioned workload', async () => {
    const job = (hook: string) =>
      `apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\n  annotations: {"helm.sh/hook": ${hook}}\n`;
    const files = (templates: Record<string, string>) =>
      new MemoryFiles({
        'c/Chart.yaml': chart,
        'c/values.yaml': 'image: {repository: r/c, tag: "1"}\n',
        'c/values-dev.yaml': 'image: {tag: "2"}\n',
        'c/values-prod.yaml': 'image: {tag: "3"}\n',
        ...templates,
      });
    const jobs = await scanRepository(
      files({ 'c/templates/job.yaml': job('pre-install') }),
    );
    expect(jobs.workloads).toEqual([]);
    const withDeployment = await scanRepository(
      files({
        'c/templates/job.yaml': job('pre-upgrade'),
        'c/templates/deploy.yaml':
          'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: c}\n',
      }),
    );
    expect(withDeployment.workloads.map(w => [w.kind, w.environment])).toEqual([
      ['Deployment', 'dev'],
      ['Deployment', 'prod'],
    ]);
  });
});
