import { ResponseError } from '@backstage/errors';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { EnvironmentsClient } from './EnvironmentsClient';

const server = setupServer();
const baseUrl = 'http://backstage.test/api/environments';
const discoveryApi = { getBaseUrl: async () => baseUrl };

describe('EnvironmentsClient', () => {
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());

  it('gets an entity’s environments, escaping the ref and sending the token', async () => {
    let authorization: string | null = null;
    server.use(
      http.get(
        `${baseUrl}/entities/component/default/my%20app`,
        ({ request }) => {
          authorization = request.headers.get('authorization');
          return HttpResponse.json({
            entityRef: 'component:default/my app',
            live: {},
          });
        },
      ),
    );
    const client = new EnvironmentsClient({ discoveryApi });

    await expect(
      client.getEnvironmentMatrix(
        { kind: 'component', namespace: 'default', name: 'my app' },
        { token: 'service-token' },
      ),
    ).resolves.toEqual({ entityRef: 'component:default/my app', live: {} });
    expect(authorization).toBe('Bearer service-token');
  });

  it('throws a ResponseError that carries the backend’s error', async () => {
    server.use(
      http.get(`${baseUrl}/entities/component/default/missing`, () =>
        HttpResponse.json(
          {
            error: { name: 'NotFoundError', message: 'No entity named x' },
            request: {
              method: 'GET',
              url: '/entities/component/default/missing',
            },
            response: { statusCode: 404 },
          },
          { status: 404 },
        ),
      ),
    );
    const client = new EnvironmentsClient({
      discoveryApi,
      fetchApi: { fetch: globalThis.fetch },
    });

    const error = await client
      .getEnvironmentMatrix({
        kind: 'component',
        namespace: 'default',
        name: 'missing',
      })
      .catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(404);
    expect(error.body.error.name).toBe('NotFoundError');
  });

  it('gets a portfolio page, sending only the query parameters given', async () => {
    let search = '';
    server.use(
      http.get(`${baseUrl}/entities`, ({ request }) => {
        search = new URL(request.url).search;
        return HttpResponse.json({ items: [], totalItems: 0 });
      }),
    );
    const client = new EnvironmentsClient({ discoveryApi });

    await expect(
      client.getPortfolio({
        owner: 'group:default/team a',
        cursor: undefined,
        limit: 50,
      }),
    ).resolves.toEqual({ items: [], totalItems: 0 });
    expect(search).toBe('?owner=group%3Adefault%2Fteam+a&limit=50');
  });

  it('plans with dryRun, executes with the Idempotency-Key, and follows a promotion', async () => {
    const bodies: unknown[] = [];
    const keys: Array<string | null> = [];
    server.use(
      http.post(
        `${baseUrl}/entities/component/default/catalogue/promotions`,
        async ({ request }) => {
          bodies.push(await request.json());
          keys.push(request.headers.get('idempotency-key'));
          return HttpResponse.json({ id: 'p1' }, { status: 201 });
        },
      ),
      http.get(`${baseUrl}/promotions/p1`, () =>
        HttpResponse.json({ id: 'p1', state: 'syncing' }),
      ),
      http.post(`${baseUrl}/promotions/p1/merge`, () =>
        HttpResponse.json({ id: 'p1', state: 'merged' }),
      ),
      http.get(
        `${baseUrl}/entities/component/default/catalogue/promotions`,
        ({ request }) =>
          HttpResponse.json({
            environment: new URL(request.url).searchParams.get('environment'),
          }),
      ),
    );
    const client = new EnvironmentsClient({ discoveryApi });
    const ref = { kind: 'component', namespace: 'default', name: 'catalogue' };

    await client.planPromotion(ref, { from: 'dev', to: 'staging' });
    await client.createPromotion(
      ref,
      { from: 'dev', to: 'staging', planId: 'plan-1' },
      { idempotencyKey: 'k-1' },
    );
    expect(bodies).toEqual([
      { from: 'dev', to: 'staging', dryRun: true },
      { from: 'dev', to: 'staging', planId: 'plan-1' },
    ]);
    expect(keys).toEqual([null, 'k-1']);
    await expect(client.getPromotion('p1')).resolves.toEqual({
      id: 'p1',
      state: 'syncing',
    });
    await expect(client.mergePromotion('p1')).resolves.toEqual({
      id: 'p1',
      state: 'merged',
    });
    await expect(
      client.getPromotionHistory(ref, { environment: 'prod' }),
    ).resolves.toEqual({ environment: 'prod' });
  });
});
