import fs from 'node:fs';

/** Removes the temporary folder (with the demo git repository) playwright.config.ts made. */
export default function globalTeardown() {
  const tempDir = process.env.STAGECRAFT_E2E_TEMP_DIR;
  if (tempDir) {
    fs.rmSync(tempDir, { recursive: true, force: true });
  }
}
