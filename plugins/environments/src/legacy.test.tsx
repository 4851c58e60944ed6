import { Entity } from '@backstage/catalog-model';
import {
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { screen } from '@testing-library/react';
import { EnvironmentsClient } from '@stagecraft/plugin-environments-common';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { environmentsApiRef } from './api';
import { EntityEnvironmentsCard, legacyEnvironmentsPlugin } from './legacy';

describe('legacy exports', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('provide the environments API to legacy apps', () => {
    const [factory] = [...legacyEnvironmentsPlugin.getApis()];
    expect(factory.api.id).toBe(environmentsApiRef.id);
    const api = factory.factory({
      discoveryApi: { getBaseUrl: async () => 'http://x/api/environments' },
      fetchApi: { fetch },
    });
    expect(api).toBeInstanceOf(EnvironmentsClient);
  });

  it('render the card as an extension', async () => {
    server.use(
      http.get('*/api/environments/entities/component/default/voting', () =>
        HttpResponse.json({
          entityRef: 'component:default/voting',
          live: {},
          environments: [
            {
              name: 'dev',
              order: 0,
              version: {
                images: [
                  {
                    application: 'voting',
                    container: 'voting',
                    image: 'craftista/voting',
                    tag: '0.9.1',
                    digest: null,
                  },
                ],
              },
              workloads: [],
              health: 'Healthy',
              clusters: [],
              sync: { status: 'Synced' },
              problems: [],
            },
          ],
          promotions: [],
          problems: [],
          generatedAt: '2026-11-22T20:00:00Z',
        }),
      ),
    );
    const entity: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'voting' },
      spec: {},
    };

    await renderInTestApp(
      <EntityProvider entity={entity}>
        <EntityEnvironmentsCard />
      </EntityProvider>,
      {
        apis: [
          [
            environmentsApiRef,
            new EnvironmentsClient({
              discoveryApi: {
                getBaseUrl: async () =>
                  'http://backstage.test/api/environments',
              },
            }),
          ],
        ],
      },
    );

    expect(await screen.findByText('0.9.1')).toBeInTheDocument();
  });
});
