/**
 * The dashboard's connection banner in a real browser: going offline says so, and coming back
 * clears it and the dashboard carries on receiving.
 */
import { expect, test } from '@playwright/test';
import { openAs, type Person } from './support/pages.js';
import { publish } from './support/publish.js';
import { mint } from './support/tokens.js';

const ROOM = `dashboard:net-${Date.now().toString(36)}`;
let fay: Person;

test.afterEach(async () => {
  await fay?.context.close();
});

test('going offline shows a banner, and back online the dashboard carries on', async ({ browser }) => {
  test.setTimeout(120_000);
  fay = await openAs(browser, await mint({ sub: 'fay', name: 'Fay', role: 'viewer', rooms: [ROOM] }));
  await expect(fay.page.getByTestId('dashboard-room')).toHaveText(ROOM);
  await expect(fay.page.locator('[data-testid=member][data-sub=fay]')).toBeVisible();
  await expect(fay.page.getByTestId('connection-banner')).toHaveCount(0);

  await fay.context.setOffline(true);
  await expect(fay.page.getByTestId('connection-banner')).toContainText('You are offline');
  await fay.context.setOffline(false);
  await expect(fay.page.getByTestId('connection-banner')).toHaveCount(0, { timeout: 45_000 });

  await publish(ROOM, 'alert', { id: 'back-1', severity: 'info', title: 'Back online' });
  await expect(fay.page.getByTestId('toast')).toContainText('Back online');
  expect(fay.problems).toEqual([]);
});
