/**
 * Browser tests in Debian's Chromium against a real hub: the global setup builds the web client
 * and starts `insight-hub serve` on a free port; every spec talks to that hub over real sockets.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from '@playwright/test';
import { CHROMIUM } from '../support/chromium.js';

const resultsDir = fileURLToPath(new URL('../../test-results/', import.meta.url));

export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  globalSetup: './global-setup.ts',
  outputDir: `${resultsDir}playwright-artifacts`,
  // One hub, one browser at a time: the specs share the hub and the machine has two cores.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  forbidOnly: !!process.env.CI,
  reporter: [['list'], ['json', { outputFile: `${resultsDir}playwright.json` }]],
  use: {
    browserName: 'chromium',
    headless: true,
    viewport: { width: 1440, height: 900 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      ...CHROMIUM,
    },
  },
});
