import { Entity } from '@backstage/catalog-model';
import {
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { screen } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { environmentsPlugin } from '../../plugin';
import { EntityEnvironmentsContent } from './EntityEnvironmentsContent';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'catalogue',
    annotations: { 'stagecraft.io/gitops-location': 'demo:apps/catalogue' },
  },
  spec: { type: 'service', owner: 'team-a' },
};

function renderContent() {
  return renderInTestApp(
    <EntityProvider entity={entity}>
      <EntityEnvironmentsContent />
    </EntityProvider>,
    { features: [environmentsPlugin] },
  );
}

describe('EntityEnvironmentsContent', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('shows where the entity’s declared state lives', async () => {
    server.use(
      http.get('*/api/environments/entities/component/default/catalogue', () =>
        HttpResponse.json({
          entityRef: 'component:default/catalogue',
          source: {
            type: 'repository',
            repository: 'demo',
            path: 'apps/catalogue',
          },
          live: { kubernetesId: 'catalogue' },
          environmentNames: ['dev', 'staging', 'prod'],
        }),
      ),
    );

    await renderContent();

    expect(
      await screen.findByText(/apps\/catalogue in repository demo/),
    ).toBeInTheDocument();
    expect(screen.getByText(/dev → staging → prod/)).toBeInTheDocument();
    expect(
      screen.getByText(/Live objects labelled catalogue/),
    ).toBeInTheDocument();
  });

  it('shows the backend’s error', async () => {
    server.use(
      http.get('*/api/environments/entities/component/default/catalogue', () =>
        HttpResponse.json(
          {
            error: {
              name: 'NotAllowedError',
              message:
                'You may not read the environments of component:default/catalogue',
            },
            request: { method: 'GET', url: '/' },
            response: { statusCode: 403 },
          },
          { status: 403 },
        ),
      ),
    );

    await renderContent();

    expect(
      await screen.findByText(/You may not read the environments/),
    ).toBeInTheDocument();
  });
});
