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
import {
  EnvironmentsService,
  environmentsServiceRef,
} from './environmentsService';

/** Discovery pointing at a fake environments backend. */
const fakeDiscovery = createServiceFactory({
  service: coreServices.discovery,
  deps: {},
  factory: () => ({
    getBaseUrl: async (pluginId: string) =>
      `http://environments.test/api/${pluginId}`,
    getExternalBaseUrl: async (pluginId: string) =>
      `http://environments.test/api/${pluginId}`,
  }),
});

/** Starts a backend with a plugin that runs `use` against the environments service. */
async function withEnvironmentsService<T>(
  use: (environments: EnvironmentsService) => Promise<T>,
): Promise<T> {
  let result: T | undefined;
  await startTestBackend({
    features: [
      fakeDiscovery,
      createBackendPlugin({
        pluginId: 'consumer',
        register(env) {
          env.registerInit({
            deps: { environments: environmentsServiceRef },
            async init({ environments }) {
              result = await use(environments);
            },
          });
        },
      }),
    ],
  });
  return result as T;
}

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

    const user = mockCredentials.user('user:default/ana');
    const results = await withEnvironmentsService(async environments => [
      await environments.getEnvironmentMatrix(
        { kind: 'component', namespace: 'default', name: 'catalogue' },
        { credentials: user },
      ),
      await environments.getPortfolio(
        { owner: 'group:default/team-a', limit: 10 },
        { credentials: user },
      ),
    ]);

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

  it('plans, creates and reads promotions on behalf of the caller', async () => {
    const seen: Array<{
      method: string;
      path: string;
      authorization: string | null;
      idempotencyKey: string | null;
      body: unknown;
    }> = [];
    server.use(
      http.all(
        'http://environments.test/api/environments/*',
        async ({ request }) => {
          const url = new URL(request.url);
          const body =
            request.method === 'POST'
              ? ((await request.json()) as { dryRun?: boolean })
              : undefined;
          seen.push({
            method: request.method,
            path: url.pathname,
            authorization: request.headers.get('authorization'),
            idempotencyKey: request.headers.get('idempotency-key'),
            body,
          });
          if (!body) {
            return HttpResponse.json({ id: 'p-1', state: 'pending-review' });
          }
          return body.dryRun
            ? HttpResponse.json({ planId: 'plan-1', executable: true })
            : HttpResponse.json(
                { id: 'p-1', state: 'planned' },
                { status: 201 },
              );
        },
      ),
    );

    const user = mockCredentials.user('user:default/ana');
    const entityRef = {
      kind: 'component',
      namespace: 'default',
      name: 'catalogue',
    };
    const results = await withEnvironmentsService(async environments => [
      await environments.planPromotion(
        entityRef,
        { from: 'staging', to: 'production' },
        { credentials: user },
      ),
      await environments.createPromotion(
        entityRef,
        { from: 'staging', to: 'production', planId: 'plan-1', note: 'go' },
        { credentials: user, idempotencyKey: 'task-1.promote' },
      ),
      await environments.getPromotion('p-1', { credentials: user }),
    ]);

    expect(results).toEqual([
      { planId: 'plan-1', executable: true },
      { id: 'p-1', state: 'planned' },
      { id: 'p-1', state: 'pending-review' },
    ]);
    expect(seen.map(({ authorization: _, ...rest }) => rest)).toEqual([
      {
        method: 'POST',
        path: '/api/environments/entities/component/default/catalogue/promotions',
        idempotencyKey: null,
        body: { from: 'staging', to: 'production', dryRun: true },
      },
      {
        method: 'POST',
        path: '/api/environments/entities/component/default/catalogue/promotions',
        idempotencyKey: 'task-1.promote',
        body: {
          from: 'staging',
          to: 'production',
          planId: 'plan-1',
          note: 'go',
        },
      },
      {
        method: 'GET',
        path: '/api/environments/promotions/p-1',
        idempotencyKey: null,
        body: undefined,
      },
    ]);
    for (const { authorization } of seen) {
      expect(authorization).toMatch(/^Bearer mock-service-token/);
      expect(authorization).toContain('user:default/ana');
    }
  });

  it('plans and creates environments on behalf of the caller', async () => {
    const seen: Array<{
      method: string;
      path: string;
      authorization: string | null;
      body: unknown;
    }> = [];
    const plan = {
      entityRef: 'component:default/catalogue',
      environment: 'qa',
      from: 'staging',
      files: [{ path: 'catalogue/overlays/qa/kustomization.yaml', diff: '+' }],
      changes: [{ field: 'replicas', value: '2' }],
      target: { repository: 'demo', branch: 'main', baseCommit: 'abc' },
    };
    server.use(
      http.post(
        'http://environments.test/api/environments/environments',
        async ({ request }) => {
          const body = (await request.json()) as { dryRun?: boolean };
          seen.push({
            method: request.method,
            path: new URL(request.url).pathname,
            authorization: request.headers.get('authorization'),
            body,
          });
          return body.dryRun
            ? HttpResponse.json(plan)
            : HttpResponse.json(
                {
                  ...plan,
                  branch: 'stagecraft/environment/catalogue-qa',
                  commit: { sha: 'f00' },
                },
                { status: 201 },
              );
        },
      ),
    );

    const user = mockCredentials.user('user:default/ana');
    const request = {
      entityRef: 'component:default/catalogue',
      name: 'qa',
      from: 'staging',
      replicas: 2,
      resources: { requests: { cpu: '100m', memory: '128Mi' } },
    };
    const results = await withEnvironmentsService(async environments => [
      await environments.createEnvironment(
        { ...request, dryRun: true },
        { credentials: user },
      ),
      await environments.createEnvironment(request, { credentials: user }),
    ]);

    expect(results).toEqual([
      plan,
      {
        ...plan,
        branch: 'stagecraft/environment/catalogue-qa',
        commit: { sha: 'f00' },
      },
    ]);
    expect(seen.map(({ authorization: _, ...rest }) => rest)).toEqual([
      {
        method: 'POST',
        path: '/api/environments/environments',
        body: { ...request, dryRun: true },
      },
      { method: 'POST', path: '/api/environments/environments', body: request },
    ]);
    for (const { authorization } of seen) {
      expect(authorization).toMatch(/^Bearer mock-service-token/);
      expect(authorization).toContain('user:default/ana');
    }
  });
});
