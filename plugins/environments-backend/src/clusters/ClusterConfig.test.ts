import { mockServices } from '@backstage/backend-test-utils';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readClusterConfigs } from './ClusterConfig';

function read(data: object, inClusterTokenPath?: string) {
  const logger = mockServices.logger.mock();
  const clusters = readClusterConfigs({
    config: mockServices.rootConfig({ data }),
    logger,
    inClusterTokenPath,
  });
  return { clusters, logger };
}

describe('readClusterConfigs', () => {
  it('reads serviceAccount clusters of the config locator', async () => {
    const { clusters, logger } = read({
      kubernetes: {
        clusterLocatorMethods: [
          {
            type: 'config',
            clusters: [
              {
                name: 'prod',
                url: 'https://prod.example.com/',
                authProvider: 'serviceAccount',
                serviceAccountToken: 'secret-token-1',
                skipTLSVerify: true,
                caData: Buffer.from('PEM').toString('base64'),
              },
            ],
          },
        ],
      },
    });
    expect(clusters).toHaveLength(1);
    const [prod] = clusters;
    expect(prod).toMatchObject({
      name: 'prod',
      url: 'https://prod.example.com',
      authProvider: 'serviceAccount',
      skipTLSVerify: true,
    });
    await expect(prod.getBearerToken()).resolves.toBe('secret-token-1');
    await expect(prod.getCa()).resolves.toBe('PEM');
    // The token is not a property: logging or serialising the cluster does not leak it.
    expect(JSON.stringify(prod)).not.toContain('secret-token-1');
    expect(logger.warn).not.toHaveBeenCalled();
  });

  it("falls back to the pod's mounted token (and the CA next to it)", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sa-'));
    writeFileSync(join(dir, 'token'), 'mounted-token\n');
    writeFileSync(join(dir, 'ca.crt'), 'MOUNTED-CA');
    const { clusters } = read(
      {
        kubernetes: {
          clusterLocatorMethods: [
            {
              type: 'config',
              clusters: [
                {
                  name: 'in-cluster',
                  url: 'https://kubernetes.default.svc',
                  authMetadata: {
                    'kubernetes.io/auth-provider': 'serviceAccount',
                  },
                },
              ],
            },
          ],
        },
      },
      join(dir, 'token'),
    );
    await expect(clusters[0].getBearerToken()).resolves.toBe('mounted-token');
    await expect(clusters[0].getCa()).resolves.toBe('MOUNTED-CA');
  });

  it('skips unsupported auth providers and locators with a warning naming them', () => {
    const { clusters, logger } = read({
      kubernetes: {
        clusterLocatorMethods: [
          {
            type: 'config',
            clusters: [
              { name: 'gke', url: 'https://gke', authProvider: 'google' },
              { name: 'open', url: 'http://open', authProvider: 'anonymous' },
              {
                name: 'eks',
                url: 'https://eks',
                authProvider: 'aws',
                serviceAccountToken: 'aws-secret',
              },
            ],
          },
          { type: 'catalog' },
          { type: 'localKubectlProxy' },
        ],
      },
    });
    expect(clusters.map(c => c.name)).toEqual(['open', 'local']);
    const warnings = logger.warn.mock.calls.map(args => String(args[0]));
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toMatch(/'gke'.*'google'/);
    expect(warnings[1]).toMatch(/'eks'.*'aws'/);
    expect(warnings[2]).toMatch(/locator 'catalog'/);
    expect(warnings.join('\n')).not.toContain('aws-secret');
  });

  it('reads nothing when there is no kubernetes block', () => {
    expect(read({}).clusters).toEqual([]);
  });

  it('sends no token for anonymous clusters', async () => {
    const { clusters } = read({
      kubernetes: {
        clusterLocatorMethods: [
          {
            type: 'config',
            clusters: [
              {
                name: 'kind',
                url: 'http://127.0.0.1:6443',
                authProvider: 'anonymous',
              },
            ],
          },
        ],
      },
    });
    await expect(clusters[0].getBearerToken()).resolves.toBeUndefined();
  });
});
