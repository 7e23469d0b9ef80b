/** How the global setup tells the specs where the hub is. */
export const E2E_ENV = { url: 'INSIGHT_HUB_E2E_URL', dataDir: 'INSIGHT_HUB_E2E_DATA_DIR' } as const;

/** The HS256 secret the e2e hub verifies with; the specs mint their tokens with it. */
export const E2E_SECRET = 'e2e-secret-for-browser-tests-only-0123456789abcdef';

export function hubUrl(): string {
  const url = process.env[E2E_ENV.url];
  if (!url) throw new Error('the e2e hub is not running (run through the Playwright config, which starts it)');
  return url;
}

export function hubWsUrl(): string {
  return `${hubUrl().replace(/^http/, 'ws')}/ws`;
}
