import { Entity } from '@backstage/catalog-model';
import {
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { act, screen } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { environmentsPlugin } from '../../plugin';
import { mockSignalApi } from '../../__testUtils__/mockSignalApi';
import { EntityEnvironmentsCard } from './EntityEnvironmentsCard';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'voting',
    annotations: { 'stagecraft.io/gitops-location': 'demo:craftista/voting' },
  },
  spec: { type: 'service', owner: 'team-a' },
};

function environment(name: string, order: number, tag: string) {
  return {
    name,
    order,
    version: {
      images: [
        {
          application: 'voting',
          container: 'voting',
          image: 'craftista/voting',
          tag,
          digest: null,
        },
      ],
    },
    workloads: [],
    health: order === 0 ? 'Healthy' : 'Unknown',
    sync: { status: 'Unknown' },
    problems: [],
  };
}

describe('EntityEnvironmentsCard', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  function render(apis: readonly any[] = []) {
    return renderInTestApp(
      <EntityProvider entity={entity}>
        <EntityEnvironmentsCard />
      </EntityProvider>,
      { features: [environmentsPlugin], apis: apis as any },
    );
  }

  it('lists each environment’s version and health in order', async () => {
    server.use(
      http.get('*/api/environments/entities/component/default/voting', () =>
        HttpResponse.json({
          entityRef: 'component:default/voting',
          live: {},
          environments: [
            environment('dev', 0, '0.9.1'),
            environment('prod', 1, '0.8.7'),
          ],
          problems: [],
          generatedAt: '2026-11-22T20:00:00.000Z',
        }),
      ),
    );

    await render();

    expect(await screen.findByText('0.9.1')).toBeInTheDocument();
    expect(screen.getByText('0.8.7')).toBeInTheDocument();
    expect(screen.getByText('Healthy')).toBeInTheDocument();
    const names = screen.getAllByText(/^(dev|prod)$/).map(e => e.textContent);
    expect(names).toEqual(['dev', 'prod']);
  });

  it('says why there are no environments', async () => {
    server.use(
      http.get('*/api/environments/entities/component/default/voting', () =>
        HttpResponse.json({
          entityRef: 'component:default/voting',
          live: {},
          environments: [],
          problems: [
            {
              severity: 'error',
              message: "Repository 'demo' is not configured",
            },
          ],
          generatedAt: '2026-11-22T20:00:00.000Z',
        }),
      ),
    );

    await render();

    expect(
      await screen.findByText("Repository 'demo' is not configured"),
    ).toBeInTheDocument();
  });

  it('follows the changes the backend signals, keeping the versions on screen while it reloads', async () => {
    const signals = mockSignalApi();
    let dev = '0.9.1';
    let answer: () => void = () => {};
    let requests = 0;
    server.use(
      http.get(
        '*/api/environments/entities/component/default/voting',
        async () => {
          requests += 1;
          if (requests > 1) {
            await new Promise<void>(resolve => {
              answer = resolve;
            });
          }
          return HttpResponse.json({
            entityRef: 'component:default/voting',
            live: {},
            environments: [
              environment('dev', 0, dev),
              environment('prod', 1, '0.8.7'),
            ],
            problems: [],
            generatedAt: '2026-11-22T20:00:00.000Z',
          });
        },
      ),
    );

    await render([signals.apiPair]);
    expect(await screen.findByText('0.9.1')).toBeInTheDocument();

    dev = '0.9.2';
    act(() => signals.emit('environments:component:default/voting'));
    await new Promise(resolve => setTimeout(resolve, 100));
    expect(requests).toBe(2);
    expect(screen.getByText('0.9.1')).toBeInTheDocument();
    expect(screen.queryByTestId('progress')).not.toBeInTheDocument();

    act(() => answer());
    expect(await screen.findByText('0.9.2')).toBeInTheDocument();
  });
});
