import { expect, test } from '@playwright/test';
import {
  backendUrl,
  guestToken,
  matrixCell,
  openEnvironmentsTab,
} from './demo';

// A tag the cluster stand-in's registry (examples/standin/config.yaml) does not have.
const missingTag = '9.9.9-missing';

test('a promotion of an image that does not exist fails with its reason', async ({
  page,
}) => {
  // The stand-in gives up on a stuck rollout after 30 s.
  test.setTimeout(180_000);
  await openEnvironmentsTab(page, 'catalogue');
  const headers = { Authorization: `Bearer ${await guestToken(page)}` };

  // dev takes direct commits; the dialog offers no version to choose, so use the API.
  const created = await page.request.post(
    `${backendUrl}/api/environments/entities/component/default/catalogue/promotions`,
    {
      headers,
      data: {
        from: 'dev',
        to: 'dev',
        version: {
          images: [
            {
              application: 'catalogue',
              container: 'catalogue',
              image: 'craftista/catalogue',
              tag: missingTag,
              digest: null,
            },
          ],
        },
        note: 'browser test: an image that does not exist',
      },
    },
  );
  expect(created.status(), await created.text()).toBe(201);
  const { id } = await created.json();

  let promotion: { state: string; reason?: string } = { state: 'unknown' };
  await expect
    .poll(
      async () => {
        const res = await page.request.get(
          `${backendUrl}/api/environments/promotions/${id}`,
          { headers },
        );
        promotion = await res.json();
        return promotion.state;
      },
      { timeout: 120_000, intervals: [2_000] },
    )
    .toBe('failed');
  expect(promotion.reason).toMatch(/ImagePullBackOff/);

  // The UI shows it too: dev is Degraded, and the history has the failure and its reason.
  await page.reload();
  await expect(matrixCell(page, 'catalogue', 'Health', 'dev')).toHaveText(
    'Degraded',
  );
  const entry = page
    .getByRole('list', { name: 'Promotion history' })
    .getByRole('listitem')
    .filter({ hasText: `→ ${missingTag}` });
  await expect(entry.first()).toContainText('Failed');
  await expect(entry.first()).toContainText(/Reason: .*ImagePullBackOff/);
});
