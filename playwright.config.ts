/*
 * The browser tests (packages/app/e2e-tests): they start their own demo (scripts/demo.js) on
 * free ports with a fresh demo git repository, so a developer's `yarn start` (3000/7007/7100)
 * is left alone. `yarn test:browser` runs them with the system's Chromium.
 *
 * Environment:
 *   CHROMIUM_PATH      the browser (default /usr/bin/chromium)
 *   UPDATE_SCREENSHOTS=1  write docs/screenshots/*.png instead of test-results/browser
 *   STAGECRAFT_E2E_URL, STAGECRAFT_E2E_BACKEND_URL  test a demo that is already running
 */
import { defineConfig } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Free TCP ports, found by a child process (the config is loaded synchronously). */
function freePorts(count: number): number[] {
  const script = `
    const net = require('net');
    const servers = [];
    let left = ${count};
    for (let i = 0; i < ${count}; i++) {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        if (--left === 0) {
          console.log(servers.map(s => s.address().port).join(' '));
          servers.forEach(s => s.close());
        }
      });
      servers.push(s);
    }`;
  return execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })
    .trim()
    .split(' ')
    .map(Number);
}

// Playwright loads this file again in each worker: the runner's choice travels in the
// environment, which the workers inherit.
const externalDemo = !!process.env.STAGECRAFT_E2E_URL;
if (!externalDemo && !process.env.STAGECRAFT_E2E_APP_PORT) {
  const [app, backend, standin] = freePorts(3);
  process.env.STAGECRAFT_E2E_APP_PORT = String(app);
  process.env.STAGECRAFT_E2E_BACKEND_PORT = String(backend);
  process.env.STAGECRAFT_E2E_STANDIN_PORT = String(standin);
  // A fresh demo repository (the backend creates it); globalTeardown.ts removes the folder.
  process.env.STAGECRAFT_E2E_TEMP_DIR = path.join(
    os.tmpdir(),
    `stagecraft-e2e-${randomBytes(6).toString('hex')}`,
  );
  process.env.STAGECRAFT_E2E_DEMO_DIR = path.join(
    process.env.STAGECRAFT_E2E_TEMP_DIR,
    'demo-gitops',
  );
}

const appUrl =
  process.env.STAGECRAFT_E2E_URL ??
  `http://localhost:${process.env.STAGECRAFT_E2E_APP_PORT}`;
process.env.STAGECRAFT_E2E_BACKEND_URL ??= `http://localhost:${process.env.STAGECRAFT_E2E_BACKEND_PORT}`;

const resultsDir = 'test-results/browser';
// The demo's output (cluster stand-in, backend, frontend build) goes here.
const demoLog = `${resultsDir}/demo.log`;
if (!externalDemo) {
  fs.mkdirSync(resultsDir, { recursive: true });
}

export default defineConfig({
  testDir: 'packages/app/e2e-tests',
  outputDir: `${resultsDir}/artifacts`,
  globalSetup: './packages/app/e2e-tests/globalSetup.ts',
  globalTeardown: './packages/app/e2e-tests/globalTeardown.ts',
  timeout: 120_000,
  expect: { timeout: 30_000 },
  // The tests share one demo and change its state, in file order.
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 1 : 0,
  reporter: [
    ['list'],
    ['html', { open: 'never', outputFolder: `${resultsDir}/report` }],
  ],

  webServer: externalDemo
    ? undefined
    : {
        command: `node scripts/demo.js > ${demoLog} 2>&1`,
        url: appUrl,
        // The frontend's first build takes a while on small machines; see demoLog if it fails.
        timeout: 300_000,
        reuseExistingServer: false,
        gracefulShutdown: { signal: 'SIGTERM', timeout: 5_000 },
        env: {
          STAGECRAFT_APP_PORT: process.env.STAGECRAFT_E2E_APP_PORT!,
          STAGECRAFT_BACKEND_PORT: process.env.STAGECRAFT_E2E_BACKEND_PORT!,
          STAGECRAFT_STANDIN_PORT: process.env.STAGECRAFT_E2E_STANDIN_PORT!,
          STAGECRAFT_DEMO_DIR: process.env.STAGECRAFT_E2E_DEMO_DIR!,
          // Edits to the plugins must not restart the backend (and lose its state) mid-run.
          STAGECRAFT_DEMO_WATCH: '0',
          // The browser opens the portal, not a new tab.
          BROWSER: 'none',
        },
      },

  use: {
    baseURL: appUrl,
    browserName: 'chromium',
    viewport: { width: 1400, height: 1000 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
        '--disable-gpu',
      ],
    },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },
});
