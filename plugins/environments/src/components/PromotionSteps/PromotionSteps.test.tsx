import { renderInTestApp } from '@backstage/frontend-test-utils';
import { screen, within } from '@testing-library/react';
import { PromotionStep } from '@stagecraft/plugin-environments-common';
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
  it('lists each step with its gates as a checklist', async () => {
    await renderInTestApp(<PromotionSteps steps={steps} />);

    const blocked = screen.getByLabelText('staging to prod');
    expect(
      within(blocked).getByText(/Blocked: staging is Degraded/),
    ).toBeInTheDocument();
    expect(
      within(blocked)
        .getAllByRole('listitem')
        .map(li => li.textContent),
    ).toEqual(['✓ staging declares 1 image version', '✗ staging is Degraded']);
    expect(screen.getByLabelText('dev to staging')).toHaveTextContent(
      'Ready to promote',
    );
  });

  it('renders nothing without steps', async () => {
    await renderInTestApp(<PromotionSteps steps={[]} />);
    expect(screen.queryByText('Promotions')).not.toBeInTheDocument();
  });
});
