import {
  mockApis,
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { environmentsPlugin } from '../../plugin';
import { mockSignalApi } from '../../__testUtils__/mockSignalApi';
import { PortfolioPage } from './PortfolioPage';

function matrix(name: string, versions: Record<string, string>) {
  return {
    entityRef: `component:default/${name}`,
    live: {},
    environments: Object.entries(versions).map(([env, tag], order) => ({
      name: env,
      order,
      version: {
        images: [
          {
            application: name,
            container: name,
            image: `craftista/${name}`,
            tag,
            digest: null,
          },
        ],
      },
      workloads: [],
      health: env === 'prod' ? 'Degraded' : 'Healthy',
      clusters: [],
      sync: { status: 'Synced' },
      problems: [],
    })),
    promotions: [],
    problems: [],
    generatedAt: '2026-11-22T20:00:00Z',
  };
}

describe('PortfolioPage', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('shows my team’s services by environment, all services on demand, and more pages', async () => {
    const requests: URLSearchParams[] = [];
    server.use(
      http.get('*/api/environments/entities', ({ request }) => {
        const query = new URL(request.url).searchParams;
        requests.push(query);
        if (query.get('cursor') === 'page-2') {
          return HttpResponse.json({
            items: [matrix('voting', { dev: '0.9.1', prod: '0.8.7' })],
            totalItems: 3,
          });
        }
        return HttpResponse.json(
          query.get('owner')
            ? {
                items: [
                  matrix('catalogue', {
                    dev: '1.4.0',
                    staging: '1.3.2',
                    prod: '1.3.0',
                  }),
                ],
                totalItems: 1,
              }
            : {
                items: [
                  matrix('catalogue', {
                    dev: '1.4.0',
                    staging: '1.3.2',
                    prod: '1.3.0',
                  }),
                  matrix('frontend', { dev: '2.1.0', prod: '2.0.3' }),
                ],
                totalItems: 3,
                nextCursor: 'page-2',
              },
        );
      }),
    );

    await renderInTestApp(<PortfolioPage />, {
      features: [environmentsPlugin],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      apis: [
        mockApis.identity({
          userEntityRef: 'user:default/guest',
          ownershipEntityRefs: [
            'user:default/guest',
            'group:default/team-craft',
          ],
        }),
      ],
    });

    const table = await screen.findByRole('grid', {
      name: 'Services by environment',
    });
    expect(requests[0].get('owner')).toBe('group:default/team-craft');
    expect(screen.getByRole('button', { name: 'team-craft' })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
    expect(
      within(table)
        .getAllByRole('columnheader')
        .map(h => h.textContent),
    ).toEqual(['Service', 'dev', 'staging', 'prod']);
    expect(within(table).getByText('1.3.0 · Degraded')).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'All services' }));
    await waitFor(() => expect(screen.getAllByRole('row')).toHaveLength(3));
    expect(requests[requests.length - 1].get('owner')).toBeNull();

    await userEvent.click(
      await screen.findByRole('button', { name: 'Load more' }),
    );
    expect(await screen.findByText('0.8.7 · Degraded')).toBeInTheDocument();
    expect(requests[requests.length - 1].get('cursor')).toBe('page-2');
    expect(
      screen.queryByRole('button', { name: 'Load more' }),
    ).not.toBeInTheDocument();
  });

  it('reloads what it shows when the backend signals a change of a service shown', async () => {
    const signals = mockSignalApi();
    const requests: URLSearchParams[] = [];
    let dev = '1.4.0';
    server.use(
      http.get('*/api/environments/entities', ({ request }) => {
        requests.push(new URL(request.url).searchParams);
        return HttpResponse.json({
          items: [
            matrix('catalogue', { dev, prod: '1.3.0' }),
            matrix('frontend', { dev: '2.1.0', prod: '2.0.3' }),
          ],
          totalItems: 2,
        });
      }),
    );
    await renderInTestApp(<PortfolioPage />, {
      features: [environmentsPlugin],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      apis: [
        mockApis.identity({ userEntityRef: 'user:default/guest' }),
        signals.apiPair,
      ],
    });
    expect(await screen.findByText('1.4.0 · Healthy')).toBeInTheDocument();
    expect(requests).toHaveLength(1);

    act(() => signals.emit('environments:component:default/voting'));
    dev = '1.5.0';
    act(() => signals.emit('environments:component:default/catalogue'));
    expect(await screen.findByText('1.5.0 · Healthy')).toBeInTheDocument();
    expect(requests).toHaveLength(2);
    expect(requests[1].get('cursor')).toBeNull();
  });
});
