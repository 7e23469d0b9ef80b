/**
 * A join link gives each person who opens it their own name and personal token (two colleagues on
 * one link are two people); the console lists who redeemed it, a reload or second tab reuses the
 * token, and revoking the link ends them all.
 */
import { expect, test, type Page } from '@playwright/test';
import { openAs, screenshot, type Person } from './support/pages.js';
import { adminToken } from './support/tokens.js';
import { createInvite } from './support/admin-rest.js';

const suffix = Date.now().toString(36);
const OPS = `dashboard:ops-${suffix}`;
const FINANCE = `dashboard:finance-${suffix}`;

let admin: Person;
const guests: Person[] = [];

test.beforeEach(async ({ browser }) => {
  admin = await openAs(browser, await adminToken(), { permissions: ['clipboard-read', 'clipboard-write'] });
});

test.afterEach(async () => {
  await admin?.context.close();
  for (const g of guests.splice(0)) await g.context.close();
});

async function join(page: Page, name: string | null): Promise<void> {
  const field = page.getByLabel(/Your name/);
  await expect(field).toBeFocused();
  if (name !== null) await field.fill(name);
  await field.press('Enter');
}

test('an invite link asks each colleague their name and makes them a person of their own; revoking it ends them all', async ({
  browser,
}) => {
  await admin.page.getByRole('link', { name: 'Invite' }).click();
  // The prefill is a prefix, not a room: the form says so and will not make the link.
  await expect(admin.page.getByLabel('Rooms')).toHaveValue('dashboard:');
  await expect(admin.page.getByText(/dashboard: names no room/)).toBeVisible();
  await expect(admin.page.getByRole('button', { name: 'Create link' })).toBeDisabled();

  await admin.page.getByLabel('Rooms').fill(`${OPS}, ${FINANCE}`);
  await admin.page.getByLabel('Role').selectOption('editor');
  await admin.page.getByRole('button', { name: 'Create link' }).click();

  const card = admin.page.getByTestId('invite-card').first();
  const url = await card.getByTestId('invite-url').inputValue();
  expect(url).toMatch(/\/#token=ey/);
  await expect(card.getByTestId('invite-qr')).toHaveAttribute('src', /^data:image\/png;base64,/);
  // This hub listens on 127.0.0.1: the link works only on this computer, and the card says so.
  await expect(card.getByTestId('invite-loopback')).toContainText('only this computer can open');
  await screenshot(admin.page, 'console-invite-card');
  await card.getByRole('button', { name: 'Copy link' }).click();
  await expect(card.getByRole('button', { name: 'Copied' })).toBeVisible();
  expect(await admin.page.evaluate(() => navigator.clipboard.readText())).toBe(url);
  await expect(admin.page.getByTestId('invite-row').filter({ hasText: OPS })).toHaveCount(1);

  const ann = await openAs(browser, null, { url });
  guests.push(ann);
  await expect(ann.page.getByTestId('invite-welcome')).toContainText(OPS);
  expect(new URL(ann.page.url()).hash).toBe('');
  await ann.page.getByLabel(/Your name/).fill('Ann Auditor');
  await screenshot(ann.page, 'invite-name-prompt');
  await join(ann.page, null);
  await expect(ann.page.getByTestId('dashboard-room')).toHaveText(OPS);
  await expect(ann.page.getByRole('navigation', { name: 'Dashboards' }).getByRole('button')).toHaveText([OPS, FINANCE]);
  await expect(ann.page.locator('.whoami')).toHaveText('Ann Auditor · editor');
  await expect(ann.page.getByText('This link does not name a dashboard room')).toHaveCount(0);
  const annSub = await ann.page.locator('[data-testid=member]').first().getAttribute('data-sub');
  expect(annSub).toMatch(/^guest-/);

  // A reload, and the same link in a second tab, reuse Ann's personal token: no name asked, same person.
  await ann.page.reload();
  await expect(ann.page.locator('.whoami')).toHaveText('Ann Auditor · editor');
  const secondTab = await ann.context.newPage();
  await secondTab.goto(url);
  await expect(secondTab.locator('.whoami')).toHaveText('Ann Auditor · editor');
  // One person with two tabs: one row that says so.
  await expect(secondTab.locator(`[data-testid=member][data-sub="${annSub}"]`)).toHaveCount(1);
  await expect(secondTab.locator(`[data-testid=member][data-sub="${annSub}"]`)).toHaveAttribute('data-tabs', '2');
  await expect(secondTab.locator(`[data-testid=member][data-sub="${annSub}"]`)).toContainText('(you)');

  // Bob, on the same link, is somebody else.
  const bob = await openAs(browser, null, { url });
  guests.push(bob);
  await join(bob.page, 'Bob Builder');
  await expect(bob.page.locator('.whoami')).toHaveText('Bob Builder · editor');
  // Ann (two tabs, one row) and Bob.
  await expect(bob.page.locator('[data-testid=member]')).toHaveCount(2);
  await expect(bob.page.locator(`[data-testid=member][data-sub="${annSub}"]`)).toHaveAttribute('data-tabs', '2');
  const bobSub = await bob.page.locator('[data-testid=member]').first().getAttribute('data-sub');
  expect(bobSub).not.toBe(annSub);

  // The console: who redeemed which link (the list is read when the page opens).
  await admin.page.getByRole('link', { name: 'Overview' }).click();
  await admin.page.getByRole('link', { name: 'Invite' }).click();
  const row = admin.page.getByTestId('invite-row').filter({ hasText: OPS });
  await expect(row.getByTestId('invite-redeemed')).toContainText('Ann Auditor');
  await expect(row.getByTestId('invite-redeemed')).toContainText('Bob Builder');
  await expect(row).toContainText('2');
  await screenshot(admin.page, 'console-invite');

  await row.getByRole('button', { name: /Revoke/ }).click();
  for (const page of [ann.page, secondTab, bob.page])
    await expect(page.getByTestId('ended')).toHaveAttribute('data-kind', 'revoked');
  await expect(admin.page.getByTestId('invite-row').filter({ hasText: OPS })).toHaveCount(0);
  expect(ann.problems).toEqual([]);
  expect(admin.problems).toEqual([]);

  // A new link in Ann's browser: her name is remembered.
  await admin.page.getByLabel('Rooms').fill(OPS);
  await admin.page.getByRole('button', { name: 'Create link' }).click();
  const next = await admin.page.getByTestId('invite-card').first().getByTestId('invite-url').inputValue();
  expect(next).not.toBe(url);
  const again = await ann.context.newPage();
  await again.goto(next);
  await expect(again.getByLabel(/Your name/)).toHaveValue('Ann Auditor');
});

test('a join link pasted into the address bar of an open tab is taken there, without a reload', async ({ browser }) => {
  const room = `dashboard:pasted-${suffix}`;
  const { url } = await createInvite([room]);
  // The tab already shows the hub (here its paste screen): only the fragment changes.
  const cy = await openAs(browser, null, { url: new URL('/', url).href });
  guests.push(cy);
  await expect(cy.page.getByLabel('Join link or token')).toBeVisible();
  await cy.page.evaluate((link) => {
    window.location.href = link;
  }, url);
  await join(cy.page, 'Cy Pasted');
  await expect(cy.page.getByTestId('dashboard-room')).toHaveText(room);
  // The token is gone from the address; the room it opened is kept there for reloads.
  expect(new URL(cy.page.url()).hash).toBe(`#room=${room}`);
  expect(cy.problems).toEqual([]);
});
