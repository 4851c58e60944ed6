import { expect, test } from '@playwright/test';
import { openEnvironmentsTab } from './demo';

// The guest is in team-craft, which owns catalogue; team-votes owns voting. The demo's
// permission policy lets only owners promote to prod.
test('prod promotions are only offered to owners', async ({ page }) => {
  await openEnvironmentsTab(page, 'voting');
  const votingToProd = page.getByRole('button', {
    name: 'Promote staging → prod',
  });
  await expect(votingToProd).toBeDisabled();
  await expect(votingToProd).toHaveAccessibleDescription(
    /You may not promote component:default\/voting to prod/,
  );
  await expect(
    page.getByRole('button', { name: 'Promote dev → staging' }),
  ).toBeEnabled();

  await openEnvironmentsTab(page, 'catalogue');
  const catalogueToProd = page.getByRole('button', {
    name: 'Promote staging → prod',
  });
  await expect(catalogueToProd).toBeVisible();
  await expect(catalogueToProd).not.toHaveAccessibleDescription(
    /Not allowed|You may not/,
  );
});
