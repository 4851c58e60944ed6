import {
  coreServices,
  createBackendPlugin,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  registerMswTestHooks,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { environmentsServiceRef } from './environmentsService';

describe('environmentsServiceRef', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('calls the environments backend over HTTP with a token for the caller', async () => {
    const seen: Array<{ path: string; authorization: string | null }> = [];
    server.use(
      http.get('http://environments.test/api/environments/*', ({ request }) => {
        const url = new URL(request.url);
        seen.push({
          path: `${url.pathname}${url.search}`,
          authorization: request.headers.get('authorization'),
        });
        return url.pathname.endsWith('/entities')
          ? HttpResponse.json({ items: [], totalItems: 0 })
          : HttpResponse.json({ entityRef: 'component:default/catalogue' });
      }),
    );

    let results: unknown[] = [];
    const user = mockCredentials.user('user:default/ana');
    await startTestBackend({
      features: [
        // Point discovery at a fake environments backend.
        createServiceFactory({
          service: coreServices.discovery,
          deps: {},
          factory: () => ({
            getBaseUrl: async (pluginId: string) =>
              `http://environments.test/api/${pluginId}`,
            getExternalBaseUrl: async (pluginId: string) =>
              `http://environments.test/api/${pluginId}`,
          }),
        }),
        createBackendPlugin({
          pluginId: 'consumer',
          register(env) {
            env.registerInit({
              deps: { environments: environmentsServiceRef },
              async init({ environments }) {
                results = [
                  await environments.getEnvironmentMatrix(
                    {
                      kind: 'component',
                      namespace: 'default',
                      name: 'catalogue',
                    },
                    { credentials: user },
                  ),
                  await environments.getPortfolio(
                    { owner: 'group:default/team-a', limit: 10 },
                    { credentials: user },
                  ),
                ];
              },
            });
          },
        }),
      ],
    });

    expect(results).toEqual([
      { entityRef: 'component:default/catalogue' },
      { items: [], totalItems: 0 },
    ]);
    expect(seen.map(s => s.path)).toEqual([
      '/api/environments/entities/component/default/catalogue',
      '/api/environments/entities?owner=group%3Adefault%2Fteam-a&limit=10',
    ]);
    // A service token on behalf of the user, never the user's own token.
    for (const { authorization } of seen) {
      expect(authorization).toMatch(/^Bearer mock-service-token/);
      expect(authorization).toContain('user:default/ana');
    }
  });
});
