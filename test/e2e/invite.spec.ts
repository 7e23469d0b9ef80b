/**
 * The admin makes a join link in the console; opened in another browser it lands on the
 * dashboard with exactly the invited rooms, and revoking it ends that session.
 */
import { expect, test } from '@playwright/test';
import { openAs, screenshot, type Person } from './support/pages.js';
import { adminToken } from './support/tokens.js';

const suffix = Date.now().toString(36);
const OPS = `dashboard:ops-${suffix}`;
const FINANCE = `dashboard:finance-${suffix}`;

let admin: Person;
let guest: Person | undefined;

test.beforeEach(async ({ browser }) => {
  admin = await openAs(browser, await adminToken(), { permissions: ['clipboard-read', 'clipboard-write'] });
});

test.afterEach(async () => {
  await admin?.context.close();
  await guest?.context.close();
});

test('an invite link opens the dashboard with the invited rooms, and revoking it ends the session', async ({ browser }) => {
  await admin.page.getByRole('link', { name: 'Invite' }).click();
  await admin.page.getByLabel('Rooms').fill(`${OPS}, ${FINANCE}`);
  await admin.page.getByLabel('Role').selectOption('editor');
  await admin.page.getByLabel(/Name shown/).fill('Visiting auditor');
  await admin.page.getByRole('button', { name: 'Create link' }).click();

  const card = admin.page.getByTestId('invite-card').first();
  const url = await card.getByTestId('invite-url').inputValue();
  expect(url).toMatch(/\/#token=ey/);
  await expect(card.getByTestId('invite-qr')).toHaveAttribute('src', /^data:image\/png;base64,/);
  await card.getByRole('button', { name: 'Copy link' }).click();
  await expect(card.getByRole('button', { name: 'Copied' })).toBeVisible();
  expect(await admin.page.evaluate(() => navigator.clipboard.readText())).toBe(url);
  await expect(admin.page.getByTestId('invite-row').filter({ hasText: OPS })).toHaveCount(1);
  await screenshot(admin.page, 'console-invite');

  const context = await browser.newContext();
  const page = await context.newPage();
  guest = { context, page, problems: [], sockets: [] };
  page.on('pageerror', (err) => guest!.problems.push(err.message));
  await page.goto(url);
  await expect(page.getByTestId('dashboard-room')).toHaveText(OPS);
  await expect(page.getByRole('navigation', { name: 'Dashboards' }).getByRole('button')).toHaveText([OPS, FINANCE]);
  await expect(page.locator('.whoami')).toHaveText('Visiting auditor · editor');
  expect(new URL(page.url()).hash).toBe('');
  await page.getByRole('button', { name: FINANCE }).click();
  await expect(page.getByTestId('dashboard-room')).toHaveText(FINANCE);
  await expect(page.locator('[data-testid=member]')).toHaveCount(1);

  await admin.page.getByTestId('invite-card').first().getByRole('button', { name: 'Revoke' }).click();
  await expect(page.getByTestId('ended')).toHaveAttribute('data-kind', 'expired');
  await expect(page.getByTestId('ended-reason')).toHaveText('token revoked');
  await expect(admin.page.getByTestId('invite-row').filter({ hasText: OPS })).toHaveCount(0);
  expect(guest.problems).toEqual([]);
  expect(admin.problems).toEqual([]);
});
