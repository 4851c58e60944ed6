import {
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { EnvironmentMatrix } from '@stagecraft/plugin-environments-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { environmentsPlugin } from '../../plugin';
import { expectNoAxeViolations } from '../../__testUtils__/expectNoAxeViolations';
import {
  entityUrl,
  historyEntry,
  matrix,
  plan,
  step,
} from '../../__testUtils__/fixtures';
import { PromotionHistory } from './PromotionHistory';

const items = [
  // prod runs 1.3.2 already: nothing to roll back to.
  historyEntry(),
  historyEntry({
    id: 'c0ffee',
    kind: 'commit',
    state: undefined,
    from: undefined,
    changes: [
      {
        application: 'catalogue',
        container: 'catalogue',
        from: { image: 'craftista/catalogue', tag: '1.3.0', digest: null },
        to: { image: 'craftista/catalogue', tag: '1.3.1', digest: null },
      },
    ],
    by: 'Jane Doe',
    at: '2026-11-19T10:00:00.000Z',
    pullRequest: undefined,
    commit: { sha: 'c0ffee1234567', url: 'https://github.com/c/c0ffee' },
    leadTimeSeconds: undefined,
  }),
  historyEntry({
    id: 'promo-failed',
    environment: 'staging',
    from: 'dev',
    state: 'failed',
    reason: 'Branch protection refused the push',
    pullRequest: undefined,
    leadTimeSeconds: undefined,
  }),
  historyEntry({
    id: 'digest',
    kind: 'commit',
    environment: 'dev',
    state: undefined,
    changes: [
      {
        application: 'catalogue',
        container: 'catalogue',
        from: null,
        to: {
          image: 'craftista/catalogue',
          tag: null,
          digest: `sha256:1234567890ab${'c'.repeat(52)}`,
        },
      },
    ],
    pullRequest: undefined,
    leadTimeSeconds: undefined,
  }),
];

describe('PromotionHistory', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  function historyEndpoint(
    answer: (url: URL) => Response = () =>
      HttpResponse.json({
        entityRef: 'component:default/catalogue',
        items,
        problems: [],
      }),
  ) {
    const requests: URL[] = [];
    server.use(
      http.get(`${entityUrl}/promotions`, ({ request }) => {
        const url = new URL(request.url);
        requests.push(url);
        return answer(url);
      }),
    );
    return requests;
  }

  function renderHistory(m: EnvironmentMatrix = matrix()) {
    return renderInTestApp(<PromotionHistory matrix={m} />, {
      features: [environmentsPlugin],
    });
  }

  function entries() {
    return within(
      screen.getByRole('list', { name: 'Promotion history' }),
    ).getAllByRole('listitem');
  }

  it('shows each version change with who, when, links, lead time and reason', async () => {
    historyEndpoint();
    await renderHistory();

    await screen.findByRole('list', { name: 'Promotion history' });
    const [promoted, committed, failed, digest] = entries();

    expect(promoted).toHaveTextContent('prod');
    expect(promoted).toHaveTextContent('Completed');
    expect(promoted).toHaveTextContent('from staging');
    expect(promoted).toHaveTextContent('catalogue: 1.3.1 → 1.3.2');
    expect(promoted).toHaveTextContent('jane ·');
    expect(promoted).toHaveTextContent('live 3 min after merge');
    expect(
      within(promoted).getByRole('link', { name: 'Pull request #40' }),
    ).toHaveAttribute('href', 'https://github.com/acme/gitops/pull/40');
    const time = promoted.querySelector('time')!;
    expect(time).toHaveAttribute('dateTime', '2026-11-20T10:00:00.000Z');
    expect(time).toHaveAttribute('title', '2026-11-20T10:00:00.000Z');
    expect(
      within(promoted).queryByRole('button', { name: 'Roll back to this' }),
    ).not.toBeInTheDocument();

    expect(committed).toHaveTextContent('Git commit');
    expect(committed).toHaveTextContent('Jane Doe ·');
    expect(
      within(committed).getByRole('link', { name: 'Commit c0ffee1' }),
    ).toHaveAttribute('href', 'https://github.com/c/c0ffee');
    expect(
      within(committed).getByRole('button', { name: 'Roll back to this' }),
    ).toBeEnabled();

    expect(failed).toHaveTextContent('Failed');
    expect(failed).toHaveTextContent(
      'Reason: Branch protection refused the push',
    );
    expect(
      within(failed).queryByRole('button', { name: 'Roll back to this' }),
    ).not.toBeInTheDocument();

    expect(digest).toHaveTextContent('catalogue: — → sha256:1234567890ab');
    // No step promotes into dev.
    expect(
      within(digest).queryByRole('button', { name: 'Roll back to this' }),
    ).not.toBeInTheDocument();

    await expectNoAxeViolations();
  });

  it('narrows the history to one environment', async () => {
    const requests = historyEndpoint(url =>
      HttpResponse.json({
        entityRef: 'component:default/catalogue',
        items: items.filter(
          i =>
            !url.searchParams.get('environment') ||
            i.environment === url.searchParams.get('environment'),
        ),
        problems: [],
      }),
    );
    await renderHistory();
    await screen.findByRole('list', { name: 'Promotion history' });
    expect(entries()).toHaveLength(4);

    await userEvent.click(screen.getByRole('button', { name: /Environment/ }));
    await userEvent.click(
      await screen.findByRole('option', { name: 'staging' }),
    );

    await waitFor(() => expect(entries()).toHaveLength(1));
    expect(requests.map(r => r.searchParams.get('environment'))).toEqual([
      null,
      'staging',
    ]);
  });

  it('rolls an environment back to what an entry deployed', async () => {
    historyEndpoint();
    const dryRuns: unknown[] = [];
    server.use(
      http.post(`${entityUrl}/promotions`, async ({ request }) => {
        dryRuns.push(await request.json());
        return HttpResponse.json(plan({ from: 'prod', to: 'prod' }));
      }),
    );
    await renderHistory();
    await screen.findByRole('list', { name: 'Promotion history' });

    await userEvent.click(
      within(entries()[1]).getByRole('button', { name: 'Roll back to this' }),
    );

    expect(
      await screen.findByRole('dialog', { name: 'Roll back prod to 1.3.1' }),
    ).toBeVisible();
    await waitFor(() =>
      expect(dryRuns).toEqual([
        {
          from: 'prod',
          to: 'prod',
          version: {
            images: [
              {
                application: 'catalogue',
                container: 'catalogue',
                image: 'craftista/catalogue',
                tag: '1.3.1',
                digest: null,
              },
            ],
          },
          dryRun: true,
        },
      ]),
    );
  });

  it('offers no rollback where the viewer may not promote', async () => {
    historyEndpoint();
    await renderHistory(
      matrix({
        promotions: [
          step('dev', 'staging'),
          step('staging', 'prod', {
            permission: { allowed: false, reason: 'Only SREs' },
            available: false,
          }),
        ],
      }),
    );
    await screen.findByRole('list', { name: 'Promotion history' });
    expect(
      screen.queryByRole('button', { name: 'Roll back to this' }),
    ).not.toBeInTheDocument();
  });

  it('says when there is no history, and shows errors and problems', async () => {
    let calls = 0;
    historyEndpoint(() => {
      calls += 1;
      return calls === 1
        ? HttpResponse.json(
            {
              error: { name: 'Error', message: 'Database is down' },
              request: { method: 'GET', url: '/' },
              response: { statusCode: 500 },
            },
            { status: 500 },
          )
        : HttpResponse.json({
            entityRef: 'component:default/catalogue',
            items: [],
            problems: [{ message: 'The Git history could not be read' }],
          });
    });
    await renderHistory();

    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Could not load the history: Database is down',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(
      await screen.findByText('No promotions or version changes yet.'),
    ).toBeVisible();
    expect(screen.getByText('The Git history could not be read')).toBeVisible();
    await expectNoAxeViolations();
  });
});
