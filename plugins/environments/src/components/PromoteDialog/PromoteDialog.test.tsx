import {
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { Promotion } from '@stagecraft/plugin-environments-common';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { environmentsPlugin } from '../../plugin';
import { expectNoAxeViolations } from '../../__testUtils__/expectNoAxeViolations';
import {
  entityRef,
  entityUrl,
  image,
  plan,
  promotion,
} from '../../__testUtils__/fixtures';
import { mockSignalApi } from '../../__testUtils__/mockSignalApi';
import { PromoteDialog } from './PromoteDialog';
import { PromotionTarget } from './usePromotionPlan';

const promotionsUrl = `${entityUrl}/promotions`;
const promotionUrl = (id: string) => `*/api/environments/promotions/${id}`;

function errorResponse(status: number, name: string, message: string) {
  return HttpResponse.json(
    {
      error: { name, message },
      request: { method: 'POST', url: '/' },
      response: { statusCode: status },
    },
    { status },
  );
}

type Posted = { body: any; idempotencyKey: string | null };

describe('PromoteDialog', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  /** Answers dry runs with `plans` in turn and executions with `executions` in turn. */
  function promotionsEndpoint(options: {
    plans?: Array<ReturnType<typeof plan>>;
    executions?: Array<() => Response>;
  }) {
    const dryRuns: Posted[] = [];
    const executions: Posted[] = [];
    const plans = [...(options.plans ?? [plan()])];
    const answers = [...(options.executions ?? [])];
    server.use(
      http.post(promotionsUrl, async ({ request }) => {
        const body = (await request.json()) as any;
        const posted = {
          body,
          idempotencyKey: request.headers.get('Idempotency-Key'),
        };
        if (body.dryRun) {
          dryRuns.push(posted);
          return HttpResponse.json(plans.length > 1 ? plans.shift() : plans[0]);
        }
        executions.push(posted);
        const answer = answers.length > 1 ? answers.shift()! : answers[0];
        return answer
          ? answer()
          : HttpResponse.json(promotion(), { status: 201 });
      }),
    );
    return { dryRuns, executions };
  }

  /** Answers `GET /promotions/:id` with `states` in turn, the last one forever. */
  function pollEndpoint(
    id: string,
    states: Array<Partial<Promotion>> | (() => Partial<Promotion>),
  ) {
    const polls: string[] = [];
    server.use(
      http.get(promotionUrl(id), () => {
        polls.push(id);
        let next: Partial<Promotion>;
        if (typeof states === 'function') {
          next = states();
        } else {
          next = states.length > 1 ? states.shift()! : states[0];
        }
        return HttpResponse.json(promotion({ id, ...next }));
      }),
    );
    return polls;
  }

  function renderDialog(
    target: PromotionTarget = { from: 'dev', to: 'staging' },
    props: { onFinal?: (p: Promotion) => void; onClose?: () => void } = {},
    apis: readonly any[] = [],
  ) {
    return renderInTestApp(
      <PromoteDialog
        entityRef={entityRef}
        target={target}
        onClose={props.onClose ?? jest.fn()}
        onFinal={props.onFinal}
        pollIntervalMs={10}
      />,
      { features: [environmentsPlugin], apis: apis as any },
    );
  }

  async function promote() {
    await userEvent.click(
      await screen.findByRole('button', { name: 'Promote' }),
    );
  }

  it('plans the promotion and shows the changes, diff, gates and method', async () => {
    const { dryRuns } = promotionsEndpoint({});
    await renderDialog();

    const dialog = await screen.findByRole('dialog', {
      name: 'Promote dev → staging',
    });
    expect(within(dialog).getByText(/Planning the promotion/)).toBeVisible();
    expect(
      await within(dialog).findByText('catalogue: 1.3.2 → 1.4.0'),
    ).toBeInTheDocument();
    expect(dryRuns.map(r => r.body)).toEqual([
      { from: 'dev', to: 'staging', dryRun: true },
    ]);

    const diff = within(dialog).getByRole('region', {
      name: 'Changes to craftista/catalogue/overlays/staging/kustomization.yaml',
    });
    expect(within(diff).getByText(/^\+\s+newTag: 1\.4\.0$/)).toHaveAttribute(
      'data-diff',
      'added',
    );
    expect(within(diff).getByText(/^-\s+newTag: 1\.3\.2$/)).toHaveAttribute(
      'data-diff',
      'removed',
    );
    expect(
      within(within(dialog).getByRole('region', { name: 'Gates' }))
        .getAllByRole('listitem')
        .map(li => li.textContent),
    ).toEqual(['✓ Passed: dev is Healthy', '✓ Passed: dev is Synced']);
    expect(within(dialog).getByText('Pull request into main')).toBeVisible();
    expect(
      within(dialog).getByText(
        'Repository github.com/acme/gitops at main@0123456',
      ),
    ).toBeVisible();
    expect(
      within(dialog).getByRole('button', { name: 'Promote' }),
    ).toBeEnabled();
    await expectNoAxeViolations();
  });

  it('explains why a plan cannot be carried out and keeps Promote disabled', async () => {
    promotionsEndpoint({
      plans: [
        plan({
          executable: false,
          permission: { allowed: true },
          gates: [
            {
              gate: 'source-healthy',
              passed: false,
              reason: 'dev is Degraded',
            },
          ],
          refusals: [
            {
              application: 'catalogue',
              container: 'sidecar',
              reason: 'not declared in staging',
            },
          ],
          method: 'direct-commit',
        }),
      ],
    });
    await renderDialog();

    const button = await screen.findByRole('button', { name: 'Promote' });
    await waitFor(() => expect(button).toBeDisabled());
    expect(button).toHaveAccessibleDescription('Blocked: dev is Degraded');
    expect(screen.getByText('Direct commit to main')).toBeVisible();
    expect(
      screen.getByText('sidecar: not declared in staging'),
    ).toBeInTheDocument();
  });

  it('executes the plan with its planId and one idempotency key, then follows it to completed', async () => {
    const { executions } = promotionsEndpoint({
      executions: [
        () => errorResponse(503, 'ServiceUnavailableError', 'Try later'),
        () =>
          HttpResponse.json(promotion({ state: 'pending-review' }), {
            status: 201,
          }),
      ],
    });
    const polls = pollEndpoint('promo-1', [
      { state: 'pending-review' },
      {
        state: 'merged',
        events: [
          ...promotion().events,
          { state: 'merged', at: '2026-11-22T20:01:00.000Z' },
        ],
      },
      { state: 'syncing' },
      {
        state: 'completed',
        leadTimeSeconds: 180,
        completedAt: '2026-11-22T20:04:00.000Z',
      },
    ]);
    const onFinal = jest.fn();
    await renderDialog(undefined, { onFinal });

    await userEvent.type(
      await screen.findByRole('textbox', { name: 'Note' }),
      'Ship it',
    );
    await promote();
    expect(await screen.findByRole('alert')).toHaveTextContent('Try later');
    await promote();

    expect(
      await screen.findByText('Promotion of staging: Pending review'),
    ).toHaveAttribute('aria-live', 'polite');
    expect(executions.map(e => e.body)).toEqual([
      { from: 'dev', to: 'staging', note: 'Ship it', planId: 'plan-1' },
      { from: 'dev', to: 'staging', note: 'Ship it', planId: 'plan-1' },
    ]);
    expect(executions[0].idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
    expect(executions[1].idempotencyKey).toBe(executions[0].idempotencyKey);
    expect(
      screen.getByRole('link', { name: 'Pull request #42' }),
    ).toHaveAttribute('href', 'https://github.com/acme/gitops/pull/42');
    expect(screen.getByRole('link', { name: 'Commit fedcba9' })).toBeVisible();
    await expectNoAxeViolations();

    expect(
      await screen.findByText('Promotion of staging: Completed'),
    ).toBeVisible();
    expect(screen.getByText('Live 3 min after merge')).toBeVisible();
    const progress = screen.getByRole('list', { name: 'Promotion progress' });
    expect(
      within(progress)
        .getAllByRole('listitem')
        .map(li => li.textContent),
    ).toEqual([
      '✓ Planned (done)',
      '✓ Pending review (done)',
      '✓ Merged (done)',
      '✓ Syncing (done)',
      '● Completed',
    ]);
    expect(onFinal).toHaveBeenCalledTimes(1);
    expect(onFinal.mock.calls[0][0]).toMatchObject({ state: 'completed' });

    // Final: polling stopped.
    const count = polls.length;
    await new Promise(resolve => setTimeout(resolve, 100));
    expect(polls.length).toBe(count);
    expect(
      screen.queryByRole('button', { name: 'Cancel promotion' }),
    ).not.toBeInTheDocument();
  });

  it('stops polling when closed', async () => {
    promotionsEndpoint({});
    const polls = pollEndpoint('promo-1', [{ state: 'pending-review' }]);
    const { unmount } = await renderDialog();
    await promote();
    await waitFor(() => expect(polls.length).toBeGreaterThan(1));
    unmount();
    const count = polls.length;
    await new Promise(resolve => setTimeout(resolve, 100));
    expect(polls.length).toBe(count);
  });

  it('with signals, reloads the promotion on each signal of its entity instead of polling', async () => {
    promotionsEndpoint({});
    const polls = pollEndpoint('promo-1', [
      { state: 'merged' },
      { state: 'completed', completedAt: '2026-11-22T20:04:00.000Z' },
    ]);
    const signals = mockSignalApi();
    const channel = 'environments:component:default/catalogue';
    await renderDialog(undefined, {}, [signals.apiPair]);
    await promote();
    const status = await screen.findByText(
      'Promotion of staging: Pending review',
    );
    expect(signals.subscribers(channel)).toBeGreaterThan(0);
    // Without signals it polls every 10 ms here.
    await new Promise(resolve => setTimeout(resolve, 200));
    expect(polls).toHaveLength(0);

    act(() => signals.emit(channel));
    await waitFor(() =>
      expect(status).toHaveTextContent('Promotion of staging: Merged'),
    );
    expect(polls).toHaveLength(1);

    // The gap between reloads (1 s) passes before the next signal is answered at once.
    await new Promise(resolve => setTimeout(resolve, 1_100));
    act(() => signals.emit(channel));
    await waitFor(() =>
      expect(status).toHaveTextContent('Promotion of staging: Completed'),
    );
    expect(polls).toHaveLength(2);
    // Final: it stops listening.
    await waitFor(() => expect(signals.subscribers(channel)).toBe(0));
  });

  it('shows a failed promotion with its reason, and retries it as a new one', async () => {
    promotionsEndpoint({
      executions: [
        () =>
          HttpResponse.json(
            promotion({
              state: 'failed',
              reason: 'Branch protection refused the push',
              pullRequest: undefined,
            }),
            { status: 201 },
          ),
      ],
    });
    const retries: Array<string | null> = [];
    server.use(
      http.post(`${promotionUrl('promo-1')}/retry`, ({ request }) => {
        retries.push(request.headers.get('Idempotency-Key'));
        return HttpResponse.json(promotion({ id: 'promo-2' }), {
          status: 201,
        });
      }),
    );
    const polls = pollEndpoint('promo-2', [{ state: 'merged' }]);
    await renderDialog();
    await promote();

    expect(
      await screen.findByText('Promotion of staging: Failed'),
    ).toBeVisible();
    expect(
      screen.getByText('Reason: Branch protection refused the push'),
    ).toBeVisible();
    expect(
      screen.queryByRole('button', { name: 'Merge' }),
    ).not.toBeInTheDocument();
    await expectNoAxeViolations();

    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(
      await screen.findByText('Promotion of staging: Merged'),
    ).toBeVisible();
    expect(retries).toEqual([expect.stringMatching(/^[0-9a-f-]{36}$/)]);
    expect(polls.length).toBeGreaterThan(0);
  });

  it('offers Merge only for a mergeable promotion pending review', async () => {
    promotionsEndpoint({
      executions: [
        () =>
          HttpResponse.json(promotion({ mergeable: true }), { status: 201 }),
      ],
    });
    const merges: string[] = [];
    pollEndpoint('promo-1', () =>
      merges.length ? { state: 'merged' } : { mergeable: true },
    );
    server.use(
      http.post(`${promotionUrl('promo-1')}/merge`, () => {
        merges.push('promo-1');
        return HttpResponse.json(promotion({ state: 'merged' }));
      }),
    );
    await renderDialog();
    await promote();

    await userEvent.click(await screen.findByRole('button', { name: 'Merge' }));
    expect(
      await screen.findByText('Promotion of staging: Merged'),
    ).toBeVisible();
    expect(merges).toEqual(['promo-1']);
    expect(
      screen.queryByRole('button', { name: 'Merge' }),
    ).not.toBeInTheDocument();
  });

  it('shows no Merge button when the repository does not allow merging here', async () => {
    promotionsEndpoint({});
    pollEndpoint('promo-1', [{ mergeable: false }]);
    await renderDialog();
    await promote();

    expect(
      await screen.findByRole('button', { name: 'Cancel promotion' }),
    ).toBeVisible();
    expect(
      screen.queryByRole('button', { name: 'Merge' }),
    ).not.toBeInTheDocument();
  });

  it('cancels a promotion, and shows errors of actions inline', async () => {
    promotionsEndpoint({});
    let cancels = 0;
    pollEndpoint('promo-1', () => (cancels > 1 ? { state: 'cancelled' } : {}));
    server.use(
      http.post(`${promotionUrl('promo-1')}/cancel`, () => {
        cancels += 1;
        return cancels === 1
          ? errorResponse(403, 'NotAllowedError', 'You may not cancel it')
          : HttpResponse.json(
              promotion({ state: 'cancelled', reason: 'Cancelled by jane' }),
            );
      }),
    );
    await renderDialog();
    await promote();

    const cancel = await screen.findByRole('button', {
      name: 'Cancel promotion',
    });
    await userEvent.click(cancel);
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'You may not cancel it',
    );
    await userEvent.click(cancel);
    expect(
      await screen.findByText('Promotion of staging: Cancelled'),
    ).toBeVisible();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Retry' })).toBeVisible();
  });

  it('offers to re-plan when the plan changed, and executes the new plan with a new key', async () => {
    const { dryRuns, executions } = promotionsEndpoint({
      plans: [plan(), plan({ planId: 'plan-2' })],
      executions: [
        () =>
          errorResponse(
            409,
            'ConflictError',
            'The plan changed since it was previewed (main is now at 999999999999): re-plan',
          ),
        () => HttpResponse.json(promotion(), { status: 201 }),
      ],
    });
    pollEndpoint('promo-1', [{}]);
    await renderDialog();
    await promote();

    expect(await screen.findByRole('alert')).toHaveTextContent(
      'The plan changed since it was previewed',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Re-plan' }));
    await waitFor(() => expect(dryRuns).toHaveLength(2));
    await waitFor(() =>
      expect(screen.queryByRole('alert')).not.toBeInTheDocument(),
    );
    await promote();

    expect(
      await screen.findByText('Promotion of staging: Pending review'),
    ).toBeVisible();
    expect(executions.map(e => e.body.planId)).toEqual(['plan-1', 'plan-2']);
    expect(executions[1].idempotencyKey).not.toBe(executions[0].idempotencyKey);
  });

  it('rolls back an environment to a given version', async () => {
    const version = { images: [image('1.3.1')] };
    const { dryRuns } = promotionsEndpoint({
      plans: [plan({ from: 'prod', to: 'prod', version })],
    });
    await renderDialog({ from: 'prod', to: 'prod', version });

    expect(
      await screen.findByRole('dialog', { name: 'Roll back prod to 1.3.1' }),
    ).toBeVisible();
    await waitFor(() =>
      expect(dryRuns.map(r => r.body)).toEqual([
        { from: 'prod', to: 'prod', version, dryRun: true },
      ]),
    );
  });

  it('shows the planning error with Re-plan', async () => {
    let calls = 0;
    server.use(
      http.post(promotionsUrl, () => {
        calls += 1;
        return calls === 1
          ? errorResponse(403, 'NotAllowedError', 'You may not read it')
          : HttpResponse.json(plan());
      }),
    );
    await renderDialog();

    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Could not plan the promotion: You may not read it',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Re-plan' }));
    expect(
      await screen.findByText('catalogue: 1.3.2 → 1.4.0'),
    ).toBeInTheDocument();
  });

  describe.each(['light', 'dark'])('in the %s theme', mode => {
    const original = window.matchMedia;
    beforeEach(() => {
      // The app picks its light or dark theme (@backstage/theme's UnifiedThemeProvider with
      // themes.light or themes.dark) from the system's preference.
      window.matchMedia = jest.fn().mockImplementation((query: string) => ({
        matches: mode === 'dark' && query.includes('dark'),
        media: query,
        addListener: jest.fn(),
        removeListener: jest.fn(),
        addEventListener: jest.fn(),
        removeEventListener: jest.fn(),
      }));
    });
    afterEach(() => {
      window.matchMedia = original;
    });

    it('renders with diff colours from theme tokens', async () => {
      promotionsEndpoint({});
      await renderDialog();

      const added = await screen.findByText(/^\+\s+newTag: 1\.4\.0$/);
      expect(document.body).toHaveAttribute('data-theme-mode', mode);
      expect(added.style.color).toBe('var(--bui-positive-fg-subdued)');
      expect(added.style.backgroundColor).toBe(
        'var(--bui-positive-bg-subdued)',
      );
      expect(screen.getByText(/^-\s+newTag: 1\.3\.2$/).style.color).toBe(
        'var(--bui-negative-fg-subdued)',
      );
      await expectNoAxeViolations();
    });
  });
});
