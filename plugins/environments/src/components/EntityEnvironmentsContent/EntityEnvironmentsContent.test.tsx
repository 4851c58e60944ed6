import { Entity } from '@backstage/catalog-model';
import {
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { environmentsPlugin } from '../../plugin';
import { expectNoAxeViolations } from '../../__testUtils__/expectNoAxeViolations';
import {
  environment,
  historyEntry,
  matrix as matrixOf,
  plan,
  promotion,
  step,
} from '../../__testUtils__/fixtures';
import { mockSignalApi } from '../../__testUtils__/mockSignalApi';
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

function renderContent(apis: readonly any[] = []) {
  return renderInTestApp(
    <EntityProvider entity={entity}>
      <EntityEnvironmentsContent />
    </EntityProvider>,
    { features: [environmentsPlugin], apis: apis as any },
  );
}

const historyUrl =
  '*/api/environments/entities/component/default/catalogue/promotions';

describe('EntityEnvironmentsContent', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  beforeEach(() => {
    server.use(
      http.get(historyUrl, () =>
        HttpResponse.json({
          entityRef: 'component:default/catalogue',
          items: [historyEntry()],
          problems: [],
        }),
      ),
    );
  });

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

    expect(
      await screen.findByRole('list', { name: 'Promotion history' }),
    ).toHaveTextContent('catalogue: 1.3.1 → 1.3.2');
    await expectNoAxeViolations();
  }, 20_000);

  it('keeps the promote dialog open while the matrix reloads after a promotion', async () => {
    const matrices = [
      matrixOf(),
      matrixOf({
        environments: [
          environment('dev', 0, '1.4.0'),
          environment('staging', 1, '1.4.0'),
          environment('prod', 2, '1.3.2'),
        ],
        promotions: [
          step('dev', 'staging', {
            gates: [
              {
                gate: 'changes-something',
                passed: false,
                reason: 'staging already runs 1.4.0',
              },
            ],
            available: false,
          }),
          step('staging', 'prod'),
        ],
        generatedAt: '2026-11-22T20:05:00.000Z',
      }),
    ];
    let matrixRequests = 0;
    let historyRequests = 0;
    server.use(
      http.get(
        '*/api/environments/entities/component/default/catalogue',
        () => {
          matrixRequests += 1;
          return HttpResponse.json(matrices[Math.min(matrixRequests, 2) - 1]);
        },
      ),
      http.get(historyUrl, () => {
        historyRequests += 1;
        return HttpResponse.json({
          entityRef: 'component:default/catalogue',
          items: [],
          problems: [],
        });
      }),
      http.post(
        '*/api/environments/entities/component/default/catalogue/promotions',
        async ({ request }) => {
          const body = (await request.json()) as { dryRun?: boolean };
          return body.dryRun
            ? HttpResponse.json(plan())
            : HttpResponse.json(
                promotion({ state: 'completed', leadTimeSeconds: 60 }),
                { status: 201 },
              );
        },
      ),
    );
    await renderContent();

    await userEvent.click(
      await screen.findByRole('button', { name: 'Promote dev → staging' }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Promote dev → staging',
    });
    const submit = within(dialog).getByRole('button', { name: 'Promote' });
    await waitFor(() => expect(submit).toBeEnabled());
    await userEvent.click(submit);

    expect(
      await within(dialog).findByText('Promotion of staging: Completed'),
    ).toBeVisible();
    // The completed promotion reloads the matrix (and the history with it) …
    await waitFor(() => expect(matrixRequests).toBe(2));
    await waitFor(() => expect(historyRequests).toBe(2));
    await waitFor(() =>
      expect(
        screen.getByText('Blocked: staging already runs 1.4.0'),
      ).toBeInTheDocument(),
    );
    // … and the dialog stays open on the lifecycle.
    expect(dialog).toBeInTheDocument();
    expect(within(dialog).getByText('Live 1 min after merge')).toBeVisible();
    await expectNoAxeViolations();
  }, 20_000);

  it('reloads the matrix and the history once on each change the backend signals', async () => {
    const signals = mockSignalApi();
    let devTag = '1.4.0';
    let matrixRequests = 0;
    let historyRequests = 0;
    server.use(
      http.get(
        '*/api/environments/entities/component/default/catalogue',
        () => {
          matrixRequests += 1;
          return HttpResponse.json({
            ...matrix,
            environments: [
              column('dev', 0, devTag),
              column('prod', 1, '1.3.0'),
            ],
          });
        },
      ),
      http.get(historyUrl, () => {
        historyRequests += 1;
        return HttpResponse.json({
          entityRef: 'component:default/catalogue',
          items: [],
          problems: [],
        });
      }),
    );
    await renderContent([signals.apiPair]);
    const version = () =>
      within(
        screen.getByRole('grid', { name: 'Environments of catalogue' }),
      ).getByRole('row', { name: /Version/ });
    await waitFor(() =>
      expect(within(version()).getAllByRole('gridcell')[0]).toHaveTextContent(
        '1.4.0',
      ),
    );
    await waitFor(() => expect(historyRequests).toBe(1));
    expect(matrixRequests).toBe(1);

    devTag = '1.5.0';
    act(() => signals.emit('environments:component:default/catalogue'));
    await waitFor(() =>
      expect(within(version()).getAllByRole('gridcell')[0]).toHaveTextContent(
        '1.5.0',
      ),
    );
    await waitFor(() => expect(historyRequests).toBe(2));
    // No more than one request each, and another entity's signal changes nothing.
    act(() => signals.emit('environments:component:default/voting'));
    await new Promise(resolve => setTimeout(resolve, 200));
    expect(matrixRequests).toBe(2);
    expect(historyRequests).toBe(2);
  }, 20_000);

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
