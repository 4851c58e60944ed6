import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { ClusterStandin, startClusterStandin } from './ClusterStandin';
import { createDemoRepository } from './__testUtils__/demoRepository';

const TOKEN = 'backstage-kubernetes-test-token';
const PROBE = resolve(__dirname, '__testUtils__/kubernetesBackendProbe.ts');

describe('the Backstage Kubernetes backend against the stand-in', () => {
  let repo: ReturnType<typeof createDemoRepository>;
  let standin: ClusterStandin;

  beforeAll(async () => {
    repo = createDemoRepository();
    standin = await startClusterStandin({
      token: TOKEN,
      repository: repo.dir,
      clusters: { nonprod: ['dev', 'staging'], prod: ['prod'] },
      pollIntervalMs: 100,
    });
  });

  afterAll(async () => {
    await standin?.close();
    repo?.remove();
  });

  const cluster = (
    name: string,
    url: string,
    extra: Record<string, unknown> = {},
  ) => ({
    name,
    url,
    authProvider: 'serviceAccount',
    serviceAccountToken: TOKEN,
    skipMetricsLookup: true,
    ...extra,
  });

  it('fetches an entity’s workloads per cluster through the standard kubernetes config (HTTP, HTTPS, wrong token)', async () => {
    const kubernetes = {
      serviceLocatorMethod: { type: 'multiTenant' },
      clusterLocatorMethods: [
        {
          type: 'config',
          clusters: [
            cluster('nonprod', standin.clusterUrl('nonprod')),
            cluster('prod', standin.clusterUrl('prod', { secure: true }), {
              caData: Buffer.from(standin.caCertificate).toString('base64'),
            }),
            cluster('prod-wrong-token', standin.clusterUrl('prod'), {
              serviceAccountToken: 'wrong',
            }),
          ],
        },
      ],
    };
    // A separate Node.js process: see the comment in the probe.
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        '--require',
        require.resolve('@backstage/cli/config/nodeTransform.cjs'),
        PROBE,
        JSON.stringify(kubernetes),
      ],
      { env: { ...process.env, NODE_ENV: 'test' }, timeout: 25000 },
    );
    const { status, body } = JSON.parse(stdout);
    expect(status).toBe(200);
    const byCluster = Object.fromEntries(
      body.items.map((item: any) => [item.cluster.name, item]),
    );
    expect(Object.keys(byCluster).sort()).toEqual([
      'nonprod',
      'prod',
      'prod-wrong-token',
    ]);
    expect(byCluster.nonprod.errors).toEqual([]);
    expect(byCluster.prod.errors).toEqual([]);
    expect(byCluster['prod-wrong-token'].errors[0]).toMatchObject({
      errorType: 'UNAUTHORIZED_ERROR',
      statusCode: 401,
    });

    const of = (name: string, type: string) =>
      byCluster[name].resources.find((r: any) => r.type === type)?.resources;
    expect(
      of('nonprod', 'deployments').map(
        (d: any) =>
          `${d.metadata.namespace}/${d.metadata.name} ${d.spec.template.spec.containers[0].image}`,
      ),
    ).toEqual([
      'craftista-dev/catalogue craftista/catalogue:1.4.0',
      'craftista-staging/catalogue craftista/catalogue:1.3.2',
    ]);
    expect(of('nonprod', 'replicasets')).toHaveLength(2);
    expect(of('nonprod', 'pods')).toHaveLength(3);
    expect(of('prod', 'deployments')).toHaveLength(1);
    expect(of('prod', 'pods')).toHaveLength(3);
    expect(of('prod', 'horizontalpodautoscalers')[0].spec).toMatchObject({
      minReplicas: 3,
      maxReplicas: 10,
    });
    expect(of('prod', 'services')).toHaveLength(1);
    expect(of('prod', 'ingresses')[0].spec.rules[0].host).toBe('craftista.com');
    for (const empty of [
      'configmaps',
      'limitranges',
      'resourcequotas',
      'jobs',
      'cronjobs',
      'statefulsets',
      'daemonsets',
    ]) {
      expect({ empty, resources: of('prod', empty) }).toEqual({
        empty,
        resources: [],
      });
    }
  }, 30000);
});
