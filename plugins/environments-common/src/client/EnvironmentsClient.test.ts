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
});
