/*
 * One test backend holding both plugins that read the clusters: ours (environmentsPlugin) and the
 * Backstage Kubernetes backend, configured through the one standard `kubernetes:` block that
 * points at the counting stand-in. It listens on a real port.
 *
 * Auth and permissions are in the path of every request: the mock httpAuth validates the
 * `Authorization` token of each request, and the route asks the permissions service
 * (`environments.entity.read`, then `environments.promotion.create` for every promotion step).
 * The scheduler and the cache are the production ones from @backstage/backend-defaults.
 */
import { cacheServiceFactory } from '@backstage/backend-defaults/cache';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { AddressInfo } from 'node:net';
import { environmentsPlugin } from '../../src/plugin';

export type BenchBackend = {
  baseUrl: string;
  /** `Authorization` header of a signed-in user. */
  authorization: string;
  stop(): Promise<void>;
};

export async function startBenchBackend(options: {
  entity: Entity;
  standinUrl: string;
  token: string;
  clusters: string[];
  repository: string;
  cacheDir: string;
}): Promise<BenchBackend> {
  const kubernetesPlugin = (
    await import('@backstage/plugin-kubernetes-backend')
  ).default;
  const backend = await startTestBackend({
    features: [
      environmentsPlugin,
      kubernetesPlugin,
      catalogServiceMock.factory({ entities: [options.entity] }),
      mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
      // The real scheduler and cache: the mock scheduler never repeats a task, so the background
      // refresh (our steady-state upstream calls) would not run; the memory cache is what serves
      // every warm request.
      schedulerServiceFactory,
      cacheServiceFactory,
      mockServices.rootConfig.factory({
        data: {
          environments: {
            repositories: { bench: { url: options.repository } },
            cacheDirectory: options.cacheDir,
            // The defaults, spelled out: they set our upstream call rate.
            refreshInterval: { seconds: 15 },
            clusters: { cacheTtl: { seconds: 10 }, timeout: { seconds: 5 } },
          },
          kubernetes: {
            serviceLocatorMethod: { type: 'multiTenant' },
            clusterLocatorMethods: [
              {
                type: 'config',
                clusters: options.clusters.map(name => ({
                  name,
                  url: `${options.standinUrl}/clusters/${name}`,
                  authProvider: 'serviceAccount',
                  serviceAccountToken: options.token,
                  // As the stand-in's README configures it: it serves no metrics API.
                  skipMetricsLookup: true,
                })),
              },
            ],
          },
        },
      }),
    ],
  });
  const { port } = backend.server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    authorization: mockCredentials.user.header('user:default/bench-viewer'),
    stop: () => backend.stop(),
  };
}
