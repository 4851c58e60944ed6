import { expect, Locator, Page, TestInfo } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';

/** The repository's root (this file is in packages/app/e2e-tests). */
export const repoRoot = path.resolve(__dirname, '../../..');

/** The demo's backend, set by playwright.config.ts. */
export const backendUrl = process.env.STAGECRAFT_E2E_BACKEND_URL!;

/** The environments, in promotion order. */
export const environments = ['dev', 'staging', 'prod'];

/**
 * The version of a Craftista service an overlay of examples/gitops declares: the tag
 * the demo repository starts with.
 */
export function declaredVersion(service: string, environment: string): string {
  const file = path.join(
    repoRoot,
    'examples/gitops/craftista',
    service,
    'overlays',
    environment,
    'kustomization.yaml',
  );
  const match = /^\s*newTag:\s*["']?([^"'\s]+)/m.exec(
    fs.readFileSync(file, 'utf8'),
  );
  if (!match) {
    throw new Error(`No newTag in ${file}`);
  }
  return match[1];
}

/** Matches a matrix cell's text that starts with a version (then e.g. " (changed)"). */
export function startsWithVersion(version: string): RegExp {
  return new RegExp(`^${escapeRegExp(version)}\\b`);
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Opens a component's Environments tab, signing in as the guest on the way. */
export async function openEnvironmentsTab(page: Page, component: string) {
  await page.goto(`/catalog/default/component/${component}/environments`);
  const enter = page.getByRole('button', { name: 'Enter' });
  const table = matrix(page, component);
  await expect(enter.or(table)).toBeVisible({ timeout: 60_000 });
  if (await enter.isVisible()) {
    await enter.click();
  }
  await expect(table).toBeVisible({ timeout: 60_000 });
}

/** The environment matrix of a component. */
export function matrix(page: Page, component: string): Locator {
  return page.getByRole('grid', { name: `Environments of ${component}` });
}

/** The matrix's cell for a field (a row such as Version or Health) in one environment. */
export function matrixCell(
  page: Page,
  component: string,
  field: string,
  environment: string,
): Locator {
  return matrix(page, component)
    .getByRole('row', { name: field, exact: true })
    .getByRole('gridcell')
    .nth(environments.indexOf(environment));
}

/** The guest's Backstage token, as the frontend gets it. */
export async function guestToken(page: Page): Promise<string> {
  const body = await page.evaluate(async url => {
    const res = await fetch(`${url}/api/auth/guest/refresh`, {
      credentials: 'include',
      headers: { 'X-Requested-With': 'XMLHttpRequest' },
    });
    return res.json();
  }, backendUrl);
  const token = body?.backstageIdentity?.token;
  if (!token) {
    throw new Error(`No guest token in ${JSON.stringify(body)}`);
  }
  return token;
}

/**
 * A screenshot for the docs: into docs/screenshots with UPDATE_SCREENSHOTS=1, else into the
 * test's artefacts (so the docs only change on purpose).
 */
export async function docsScreenshot(
  page: Page,
  testInfo: TestInfo,
  name: string,
  { fullPage = true }: { fullPage?: boolean } = {},
) {
  const file = process.env.UPDATE_SCREENSHOTS
    ? path.join(repoRoot, 'docs/screenshots', name)
    : testInfo.outputPath(name);
  await page.screenshot({ path: file, fullPage });
  await testInfo.attach(name, { path: file, contentType: 'image/png' });
}
