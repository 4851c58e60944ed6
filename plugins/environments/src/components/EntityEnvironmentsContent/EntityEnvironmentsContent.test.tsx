import { Entity } from '@backstage/catalog-model';
import {
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { screen, within } from '@testing-library/react';
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

function column(name: string, order: number, tag: string) {
  return {
    name,
    order,
    version: { images: [] },
    health: 'Unknown',
    clusters: [],
    sync: { status: 'Unknown' },
    problems:
      name === 'prod'
        ? [{ severity: 'warning', message: 'patch not applied' }]
        : [],
    workloads: [
      {
        application: 'catalogue',
        kind: 'Deployment',
        name: 'catalogue',
        namespace: `craftista-${name}`,
        declared: {
          replicas: 1,
          containers: [
            {
              name: 'catalogue',
              image: 'craftista/catalogue',
              tag,
              digest: null,
              resources: null,
              source: {
                file: `craftista/catalogue/overlays/${name}/kustomization.yaml`,
                path: 'images[0].newTag',
                line: 9,
              },
            },
          ],
          autoscaling: null,
          ingressHosts: [],
          env: {},
          managedBy: 'kustomize',
          provenance: {},
        },
        live: [],
        drift: [],
        health: 'Unknown',
      },
    ],
  };
}

const matrix = {
  entityRef: 'component:default/catalogue',
  source: {
    type: 'repository',
    repository: 'demo',
    path: 'craftista/catalogue',
  },
  live: {},
  revision: { repository: 'demo', branch: 'main', commit: 'abc1234def' },
  environments: [column('dev', 0, '1.4.0'), column('prod', 1, '1.3.0')],
  problems: [],
  generatedAt: '2026-11-22T20:00:00.000Z',
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

  it('shows the environments as columns, with each field’s values', async () => {
    server.use(
      http.get('*/api/environments/entities/component/default/catalogue', () =>
        HttpResponse.json(matrix),
      ),
    );

    await renderContent();

    const table = await screen.findByRole('grid', {
      name: 'Environments of catalogue',
    });
    const headers = within(table).getAllByRole('columnheader');
    expect(headers.map(h => h.textContent)).toEqual(['Field', 'dev', 'prod']);
    const version = within(table).getByRole('row', { name: /Version/ });
    expect(
      within(version)
        .getAllByRole('gridcell')
        .map(c => c.textContent),
    ).toEqual(['1.4.0', '1.3.0 (changed)']);
    expect(within(version).getByText('1.3.0')).toHaveAttribute(
      'title',
      'Declared in craftista/catalogue/overlays/prod/kustomization.yaml:9 (images[0].newTag)',
    );
    expect(
      screen.getByText(/Declared state of repository demo at main@abc1234/),
    ).toBeInTheDocument();
    expect(screen.getByText(/prod: patch not applied/)).toBeInTheDocument();
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
