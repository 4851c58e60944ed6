import {
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { PromotionStep } from '@stagecraft/plugin-environments-common';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { environmentsPlugin } from '../../plugin';
import { expectNoAxeViolations } from '../../__testUtils__/expectNoAxeViolations';
import {
  entityRef,
  entityUrl,
  plan,
  promotion,
} from '../../__testUtils__/fixtures';
import { PromotionSteps, stepStatus } from './PromotionSteps';

const gates = (healthy: boolean) => [
  {
    gate: 'source-has-version',
    passed: true,
    reason: 'staging declares 1 image version',
  },
  {
    gate: 'source-healthy',
    passed: healthy,
    reason: healthy ? 'staging is Healthy' : 'staging is Degraded',
  },
];

const steps: PromotionStep[] = [
  {
    from: 'dev',
    to: 'staging',
    gates: gates(true),
    permission: { allowed: true },
    available: true,
  },
  {
    from: 'staging',
    to: 'prod',
    gates: gates(false),
    permission: { allowed: true },
    available: false,
  },
  {
    from: 'prod',
    to: 'prod-eu',
    gates: gates(true),
    permission: {
      allowed: false,
      reason: 'You may not promote voting to prod-eu',
    },
    available: false,
  },
];

describe('stepStatus', () => {
  it('says ready, blocked with the failing gates, or not allowed with the reason', () => {
    expect(steps.map(stepStatus)).toEqual([
      'Ready to promote',
      'Blocked: staging is Degraded',
      'Not allowed: You may not promote voting to prod-eu',
    ]);
  });
});

describe('PromotionSteps', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  function renderSteps() {
    return renderInTestApp(
      <PromotionSteps steps={steps} entityRef={entityRef} />,
      { features: [environmentsPlugin] },
    );
  }

  it('lists each step with its gates as a checklist', async () => {
    await renderSteps();

    const blocked = screen.getByLabelText('staging to prod');
    expect(
      within(blocked).getByText(/Blocked: staging is Degraded/),
    ).toBeInTheDocument();
    expect(
      within(blocked)
        .getAllByRole('listitem')
        .map(li => li.textContent),
    ).toEqual([
      '✓ Passed: staging declares 1 image version',
      '✗ Failed: staging is Degraded',
    ]);
    expect(screen.getByLabelText('dev to staging')).toHaveTextContent(
      'Ready to promote',
    );
    await expectNoAxeViolations();
  });

  it('disables the steps that may not be taken, with the reason as description', async () => {
    await renderSteps();

    expect(
      screen.getByRole('button', { name: 'Promote dev → staging' }),
    ).toBeEnabled();
    const blocked = screen.getByRole('button', {
      name: 'Promote staging → prod',
    });
    expect(blocked).toBeDisabled();
    expect(blocked).toHaveAccessibleDescription('Blocked: staging is Degraded');
    const refused = screen.getByRole('button', {
      name: 'Promote prod → prod-eu',
    });
    expect(refused).toBeDisabled();
    expect(refused).toHaveAccessibleDescription(
      'Not allowed: You may not promote voting to prod-eu',
    );
  });

  it('promotes with the keyboard only: open the dialog, reach Promote, press Enter', async () => {
    const executed: unknown[] = [];
    server.use(
      http.post(`${entityUrl}/promotions`, async ({ request }) => {
        const body = (await request.json()) as { dryRun?: boolean };
        if (body.dryRun) {
          return HttpResponse.json(plan());
        }
        executed.push(body);
        return HttpResponse.json(promotion(), { status: 201 });
      }),
      http.get('*/api/environments/promotions/promo-1', () =>
        HttpResponse.json(promotion()),
      ),
    );
    const user = userEvent.setup();
    await renderSteps();

    const open = screen.getByRole('button', { name: 'Promote dev → staging' });
    await user.tab();
    expect(open).toHaveFocus();
    await user.keyboard('{Enter}');

    const dialog = await screen.findByRole('dialog', {
      name: 'Promote dev → staging',
    });
    const submit = within(dialog).getByRole('button', { name: 'Promote' });
    await waitFor(() => expect(submit).toBeEnabled());
    for (let i = 0; i < 20 && document.activeElement !== submit; i++) {
      await user.tab();
    }
    expect(submit).toHaveFocus();
    await user.keyboard('{Enter}');

    expect(
      await within(dialog).findByText('Promotion of staging: Pending review'),
    ).toBeVisible();
    expect(executed).toEqual([
      { from: 'dev', to: 'staging', planId: 'plan-1' },
    ]);

    await user.keyboard('{Escape}');
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    await waitFor(() => expect(open).toHaveFocus());
  });

  it('renders nothing without steps', async () => {
    await renderInTestApp(<PromotionSteps steps={[]} entityRef={entityRef} />);
    expect(screen.queryByText('Promotions')).not.toBeInTheDocument();
  });
});
