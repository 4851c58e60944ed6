import { expect, test } from '@playwright/test';
import {
  declaredVersion,
  docsScreenshot,
  environments,
  matrix,
  matrixCell,
  openEnvironmentsTab,
  startsWithVersion,
} from './demo';

test('the Environments tab shows what runs where', async ({
  page,
}, testInfo) => {
  await openEnvironmentsTab(page, 'catalogue');

  await expect(matrix(page, 'catalogue').getByRole('columnheader')).toHaveText([
    'Field',
    ...environments,
  ]);

  const versions = environments.map(env => declaredVersion('catalogue', env));
  expect(new Set(versions).size).toBe(environments.length);
  for (const [index, env] of environments.entries()) {
    await expect(matrixCell(page, 'catalogue', 'Version', env)).toHaveText(
      startsWithVersion(versions[index]),
    );
    // Health comes from the cluster stand-in.
    await expect(matrixCell(page, 'catalogue', 'Health', env)).toHaveText(
      /^(Healthy|Progressing)$/,
    );
  }

  await expect(
    page.getByRole('list', { name: 'Promotion history' }),
  ).toBeVisible();
  await docsScreenshot(page, testInfo, 'environments-tab.png');
});
