import { expect, test } from '@playwright/test';
import {
  declaredVersion,
  docsScreenshot,
  escapeRegExp,
  matrixCell,
  openEnvironmentsTab,
  startsWithVersion,
} from './demo';

test('promotes catalogue from dev to staging through the dialog', async ({
  page,
}, testInfo) => {
  // A pull request, a merge, an ~8 s rollout and the backend's 3 s tracker.
  test.setTimeout(180_000);
  const dev = declaredVersion('catalogue', 'dev');
  const staging = declaredVersion('catalogue', 'staging');
  const change = `catalogue: ${staging} → ${dev}`;

  await openEnvironmentsTab(page, 'catalogue');
  await page.getByRole('button', { name: 'Promote dev → staging' }).click();

  const dialog = page.getByRole('dialog');
  await expect(
    dialog.getByRole('heading', { name: 'Promote dev → staging' }),
  ).toBeVisible();
  // The dry run: what changes, the gates, how, and the diff.
  await expect(
    dialog.getByRole('region', { name: 'Version changes' }),
  ).toContainText(change);
  const gates = dialog.getByRole('region', { name: 'Gates' });
  await expect(gates.getByRole('listitem').first()).toBeVisible();
  await expect(
    gates.getByRole('listitem').filter({ hasText: 'Failed:' }),
  ).toHaveCount(0);
  await expect(dialog.getByText('Pull request into main')).toBeVisible();
  const diff = dialog.getByRole('region', {
    name: 'Changes to craftista/catalogue/overlays/staging/kustomization.yaml',
  });
  await expect(
    diff.getByText(new RegExp(`^\\+\\s+newTag: "?${escapeRegExp(dev)}"?$`)),
  ).toBeVisible();
  await expect(
    diff.getByText(new RegExp(`^-\\s+newTag: "?${escapeRegExp(staging)}"?$`)),
  ).toBeVisible();

  // A modal: the viewport, not the whole page.
  await docsScreenshot(page, testInfo, 'promote-dialog.png', {
    fullPage: false,
  });

  await dialog.getByRole('button', { name: 'Promote', exact: true }).click();

  // The lifecycle: a pull request waiting for review, then merged by us.
  const status = dialog.getByRole('status').filter({ hasText: 'Promotion of' });
  await expect(status).toHaveText('Promotion of staging: Pending review');
  await expect(
    dialog.getByRole('list', { name: 'Promotion progress' }),
  ).toBeVisible();
  await dialog.getByRole('button', { name: 'Merge' }).click();
  await expect(status).toHaveText('Promotion of staging: Completed', {
    timeout: 90_000,
  });

  // The footer's Close (the header has an icon button of the same name).
  await dialog.getByRole('button', { name: 'Close' }).last().click();
  await expect(dialog).toBeHidden();

  // The matrix and the history follow.
  await expect(matrixCell(page, 'catalogue', 'Version', 'staging')).toHaveText(
    startsWithVersion(dev),
  );
  const entry = page
    .getByRole('list', { name: 'Promotion history' })
    .getByRole('listitem')
    .filter({ hasText: change })
    .filter({ hasText: 'Completed' });
  await expect(entry.first()).toContainText('staging');
  await expect(entry.first()).toContainText('from dev');
});
