/**
 * The open dashboard is in the address: a reload reopens it, back and forward move between the
 * rooms opened, a room named in the address that the hub refuses (or no hub takes) says so, and
 * the token never comes back into the address. The console keeps its dashboard the same way.
 */
import { expect, test, type Page } from '@playwright/test';
import { hubUrl } from './support/hub-env.js';
import { openAs, screenshot, type Person } from './support/pages.js';
import { adminToken, mint } from './support/tokens.js';

const suffix = Date.now().toString(36);
const SALES = `dashboard:sales-${suffix}`;
const OPS = `dashboard:ops-${suffix}`;
const people: Person[] = [];

test.afterEach(async () => {
  for (const p of people.splice(0)) await p.context.close();
});

async function expectOpen(page: Page, room: string): Promise<void> {
  await expect(page.getByTestId('dashboard-room')).toHaveText(room);
  await expect(page.getByTestId('dashboard')).toHaveAttribute('data-room', room);
  await expect(page.getByTestId('dashboard')).toHaveAttribute('data-status', 'live');
  await expect(page.locator('[data-testid=member][data-sub]').first()).toBeVisible();
}

function hashOf(page: Page): string {
  return decodeURIComponent(new URL(page.url()).hash);
}

test('a reload reopens the room that was open, and back and forward move between rooms', async ({ browser }) => {
  const ida = await openAs(browser, await mint({ sub: 'ida', name: 'Ida', role: 'viewer', rooms: [SALES, OPS] }));
  people.push(ida);
  const { page } = ida;
  await expectOpen(page, SALES);
  await page.getByRole('navigation', { name: 'Dashboards' }).getByRole('button', { name: OPS }).click();
  await expectOpen(page, OPS);
  await page.reload();
  await expectOpen(page, OPS);
  expect(hashOf(page)).toBe(`#room=${OPS}`);
  expect(page.url()).not.toContain('token');
  await expect(page.locator('.whoami')).toHaveText('Ida · viewer');
  await screenshot(page, 'dashboard-reloaded-room');

  await page.goBack();
  await expectOpen(page, SALES);
  // The token's first room was written into the address in place of the join link.
  expect(hashOf(page)).toBe(`#room=${SALES}`);
  await page.goForward();
  await expectOpen(page, OPS);
  // One member: each switch left the room before.
  await expect(page.locator('[data-testid=member]')).toHaveCount(1);
  expect(ida.problems).toEqual([]);
});

test('a room named under a pattern stays open over a reload; back returns to none', async ({ browser }) => {
  const jo = await openAs(browser, await mint({ sub: 'jo', name: 'Jo', role: 'viewer', rooms: ['dashboard:*'] }));
  people.push(jo);
  const { page } = jo;
  await expect(page.getByTestId('dashboard-room')).toHaveText('No dashboard open');
  expect(new URL(page.url()).hash).toBe('');

  await page.getByLabel('Dashboard room').fill(OPS);
  await page.getByRole('button', { name: 'Open' }).click();
  await expectOpen(page, OPS);
  await page.reload();
  await expectOpen(page, OPS);
  expect(hashOf(page)).toBe(`#room=${OPS}`);

  await page.goBack();
  await expect(page.getByTestId('dashboard-room')).toHaveText('No dashboard open');
  await expect(page.getByText('Name a dashboard room above to open it.')).toBeVisible();
  await page.goForward();
  await expectOpen(page, OPS);
  expect(jo.problems).toEqual([]);
});

test('a room in the address that the hub refuses, or that is no room name, says why and breaks nothing', async ({
  browser,
}) => {
  // An editor, who could post into a room that opened.
  const kai = await openAs(browser, await mint({ sub: 'kai', name: 'Kai', role: 'editor', rooms: [SALES] }));
  people.push(kai);
  const { page } = kai;
  await expectOpen(page, SALES);
  const failed = page.getByTestId('room-failed');

  // Typed into the address bar of the open tab (only the fragment changes)…
  const secret = `dashboard:secret-${suffix}`;
  await page.goto(`${hubUrl()}/#room=${encodeURIComponent(secret)}`);
  await expect(failed).toContainText(`Could not open ${secret}: not allowed to join ${secret}`);
  await expect(page.getByTestId('dashboard-room')).toHaveText(secret);
  // …and after a reload, on a fresh page.
  await page.reload();
  await expect(failed).toContainText(`Could not open ${secret}: not allowed to join ${secret}`);
  // Nothing to post into a room that did not open (its composer used to stay, and then fail).
  await expect(page.locator('#annotation-draft')).toHaveCount(0);

  // A long name without spaces (past the 128 a room may have) wraps instead of pushing the page sideways.
  const long = `dashboard:${'x'.repeat(200)}`;
  await page.goto(`${hubUrl()}/#room=${encodeURIComponent(long)}`);
  await expect(failed).toContainText(`Could not open ${long}`);
  expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);

  await page.goto(`${hubUrl()}/#room=${encodeURIComponent('no such/room!')}`);
  await expect(failed).toContainText('Could not open no such/room!: a room name is 1-128 characters');
  await page.reload();
  await expect(failed).toContainText('Could not open no such/room!: a room name is 1-128 characters');
  await screenshot(page, 'dashboard-address-bad-room');

  await page.goto(`${hubUrl()}/#room=${encodeURIComponent('$admin')}`);
  await expect(failed).toContainText('Could not open $admin: rooms starting with $ belong to the hub');

  // The room the token opens still opens from the picker, and the address follows.
  await page.getByRole('navigation', { name: 'Dashboards' }).getByRole('button', { name: SALES }).click();
  await expectOpen(page, SALES);
  await expect(failed).toHaveCount(0);
  expect(hashOf(page)).toBe(`#room=${SALES}`);
  expect(kai.problems).toEqual([]);
});

test("a join link's room opens and stays in the address without the token", async ({ browser }) => {
  const token = await mint({ sub: 'lu', name: 'Lu', role: 'viewer', rooms: [SALES, OPS] });
  const lu = await openAs(browser, null, { url: `${hubUrl()}/#token=${token}&room=${encodeURIComponent(OPS)}` });
  people.push(lu);
  await expectOpen(lu.page, OPS);
  expect(hashOf(lu.page)).toBe(`#room=${OPS}`);
  expect(lu.page.url()).not.toContain(token.slice(0, 20));
  await lu.page.reload();
  await expectOpen(lu.page, OPS);
});

test("the console's dashboard keeps its room in the console route over a reload", async ({ browser }) => {
  const admin = await openAs(browser, await adminToken());
  people.push(admin);
  const { page } = admin;
  await page
    .getByRole('navigation', { name: 'Console' })
    .getByRole('link', { name: /^Open a dashboard/ })
    .click();
  await page.getByLabel('Dashboard room').fill(SALES);
  await page.getByRole('button', { name: 'Open' }).click();
  await expect(page.getByTestId('dashboard')).toHaveAttribute('data-room', SALES);
  await page.reload();
  await expect(page.getByTestId('dashboard')).toHaveAttribute('data-room', SALES);
  await expect(page.getByTestId('dashboard')).toHaveAttribute('data-status', 'live');
  expect(hashOf(page)).toBe(`#/dashboard/${SALES}`);
  await page.goBack();
  await expect(page.getByTestId('dashboard')).toHaveAttribute('data-room', '');
  expect(admin.problems).toEqual([]);
});
