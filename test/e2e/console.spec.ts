/**
 * What a first-time admin meets: a page without a token asks for a link, the console's status bar
 * and pages, the traffic inspector, the audit log, a room's members with their presence, and a ban
 * that the colleague sees and the admin can lift. Every page is checked for CSP violations.
 */
import { expect, test } from '@playwright/test';
import { hubUrl } from './support/hub-env.js';
import { openAs, screenshot, type Person } from './support/pages.js';
import { publish } from './support/publish.js';
import { adminToken, mint } from './support/tokens.js';

const ROOM = `dashboard:console-${Date.now().toString(36)}`;

let people: Person[] = [];

test.afterEach(async () => {
  for (const p of people) await p.context.close();
  people = [];
});

test('without a token the page asks for a join link, and a pasted link opens the console', async ({ browser }) => {
  const visitor = await openAs(browser, null);
  people.push(visitor);
  await expect(visitor.page.getByRole('heading', { name: 'Insight Hub' })).toBeVisible();
  await visitor.page.getByLabel('Join link or token').fill('not a link');
  await visitor.page.getByRole('button', { name: 'Join' }).click();
  await expect(visitor.page.getByText('That is neither a join link nor a token.')).toBeVisible();
  await screenshot(visitor.page, 'join-gate');

  await visitor.page.getByLabel('Join link or token').fill(`${hubUrl()}/#token=${await adminToken()}`);
  await visitor.page.getByRole('button', { name: 'Join' }).click();
  const status = visitor.page.getByTestId('statusbar');
  await expect(status.getByTestId('hub-address')).toHaveText(hubUrl());
  await expect(status.getByTestId('console-connection')).toHaveText('Connected');
  await expect(status.getByTestId('engine-state')).toHaveAttribute('data-state', 'up');
  await expect(status).toContainText('Ana Analyst · admin');
  await expect(visitor.page.getByTestId('memory')).not.toHaveText('—');
  await screenshot(visitor.page, 'console-first-open');

  // A reload keeps the tab signed in (sessionStorage), and the token never shows in the URL.
  await visitor.page.reload();
  await expect(visitor.page.getByTestId('console-connection')).toHaveText('Connected');
  expect(visitor.page.url()).not.toContain('token');
  await visitor.page.getByRole('button', { name: 'Sign out' }).click();
  await expect(visitor.page.getByLabel('Join link or token')).toBeVisible();
  expect(await visitor.page.evaluate(() => sessionStorage.getItem('insight-hub.token'))).toBeNull();
  expect(visitor.problems).toEqual([]);
});

test('every console page renders under the CSP', async ({ browser }) => {
  const admin = await openAs(browser, await adminToken());
  people.push(admin);
  for (const name of ['Overview', 'Rooms', 'Clients', 'Invite', 'Audit log', 'Traffic', 'Open a dashboard']) {
    await admin.page
      .getByRole('navigation', { name: 'Console' })
      .getByRole('link', { name: new RegExp(`^${name}`) })
      .click();
    await expect(admin.page.getByRole('navigation', { name: 'Console' }).locator('[aria-current=page]')).toContainText(
      name,
    );
    expect(admin.page.url()).toContain(
      `#/${{ 'Audit log': 'audit', 'Open a dashboard': 'dashboard' }[name] ?? name.toLowerCase()}`,
    );
  }
  await admin.page.goBack();
  await expect(admin.page.getByRole('navigation', { name: 'Console' }).locator('[aria-current=page]')).toContainText(
    'Traffic',
  );
  await expect(admin.page.getByTestId('chart')).toHaveCount(0);
  await admin.page.getByRole('link', { name: 'Overview' }).click();
  await expect(admin.page.getByTestId('chart')).toHaveCount(5);
  await expect(admin.page.locator('canvas')).toHaveCount(5);
  expect(admin.problems).toEqual([]);
});

test('the traffic inspector samples a room, pauses, filters and shows payloads; the audit log records it', async ({
  browser,
}) => {
  const admin = await openAs(browser, await adminToken());
  const viewer = await openAs(browser, await mint({ sub: 'carol', name: 'Carol', role: 'viewer', rooms: [ROOM] }));
  people.push(admin, viewer);
  await expect(viewer.page.getByTestId('dashboard-room')).toHaveText(ROOM);

  await admin.page.getByRole('link', { name: 'Traffic' }).click();
  await admin.page.getByTestId('inspect-toggle').click();
  await expect(admin.page.getByTestId('inspect-toggle')).toHaveText('Stop inspecting');
  await publish(ROOM, 'refresh', { widgets: ['w1'], reason: 'first' });
  await publish(ROOM, 'query.done', { queryId: 'q1', rowCount: 3 });
  const rows = admin.page.getByTestId('traffic-row');
  await expect(rows.filter({ hasText: 'refresh' })).toHaveCount(1);
  await expect(rows.filter({ hasText: 'query.done' })).toHaveCount(1);

  await admin.page.getByLabel('Filter by event').fill('query');
  await expect(rows).toHaveCount(1);
  await rows.first().click();
  await expect(admin.page.getByTestId('payload')).toContainText('"rowCount": 3');
  await admin.page.getByLabel('Filter by event').fill('');

  await admin.page.getByRole('button', { name: 'Pause' }).click();
  await publish(ROOM, 'refresh', { widgets: ['w1'], reason: 'while paused' });
  await expect(admin.page.getByText(/Paused · 1 sampled messages skipped/)).toBeVisible();
  await expect(rows.filter({ hasText: 'refresh' })).toHaveCount(1);
  await admin.page.getByRole('button', { name: 'Resume' }).click();
  await publish(ROOM, 'refresh', { widgets: ['w1'], reason: 'after resume' });
  await expect(rows.filter({ hasText: 'refresh' })).toHaveCount(2);
  await screenshot(admin.page, 'console-traffic');

  await admin.page.getByRole('link', { name: 'Audit log' }).click();
  await expect(admin.page.locator('[data-testid=audit-row][data-action=inspect]').first()).toContainText('Ana Analyst');
  expect(admin.problems).toEqual([]);

  // Inspection stayed on while another page was shown; it is switched off here, by hand.
  await admin.page.getByRole('link', { name: 'Traffic' }).click();
  await expect(admin.page.getByTestId('inspect-toggle')).toHaveText('Stop inspecting');
  await admin.page.getByTestId('inspect-toggle').click();
  await expect(admin.page.getByTestId('inspect-toggle')).toHaveText('Inspect all rooms');

  // A console opened later reads the same entry from the hub's audit log.
  const later = await openAs(browser, await adminToken());
  people.push(later);
  await later.page.getByRole('link', { name: 'Audit log' }).click();
  // Inspection on, then off: both written before this console came.
  await expect
    .poll(() => later.page.locator('[data-testid=audit-row][data-action=inspect]').count())
    .toBeGreaterThanOrEqual(2);
  await expect(later.page.locator('[data-testid=audit-row][data-action=inspect]').first()).toContainText('Ana Analyst');
});

test("a room's page shows its members and what each is doing", async ({ browser }) => {
  const admin = await openAs(browser, await adminToken());
  const dora = await openAs(browser, await mint({ sub: 'dora', name: 'Dora Diaz', role: 'editor', rooms: [ROOM] }));
  people.push(admin, dora);
  await publish(ROOM, 'refresh', { widgets: ['margin'] });
  await dora.page.locator('[data-widget=margin]').getByRole('button', { name: 'Edit' }).click();

  await admin.page.getByRole('link', { name: /Rooms/ }).click();
  await admin.page.getByLabel('Search rooms').fill(ROOM);
  await admin.page.locator(`[data-testid=room-row][data-room="${ROOM}"] a`).click();
  const member = admin.page.locator('[data-testid=room-member][data-sub=dora]');
  await expect(member).toContainText('Dora Diaz');
  await expect(member).toContainText('editing margin');
  // The console watches without joining: it is nobody's presence.
  await expect(dora.page.locator('[data-testid=member]')).toHaveCount(1);

  // Recent traffic of this room while inspecting it.
  await admin.page.getByTestId('inspect-toggle').click();
  await expect(admin.page.getByTestId('inspect-toggle')).toHaveText('Stop inspecting');
  await dora.page.getByLabel('New annotation').fill('margin looks off in March');
  await dora.page.getByRole('button', { name: 'Post' }).click();
  const row = admin.page.getByTestId('traffic-row').filter({ hasText: 'annotation' });
  await expect(row).toContainText('Dora Diaz');
  await row.click();
  await expect(admin.page.getByTestId('payload')).toContainText('margin looks off in March');
  await screenshot(admin.page, 'console-room');

  // The admin opens the same dashboard from the console, and leaves it with the page.
  await admin.page.getByRole('link', { name: 'Open a dashboard' }).click();
  await admin.page.getByLabel('Dashboard room').fill(ROOM);
  await admin.page.getByRole('button', { name: 'Open' }).click();
  await expect(admin.page.locator('[data-testid=member][data-sub=dora]')).toContainText('editing margin');
  await expect(dora.page.locator('[data-testid=member][data-sub=analyst]')).toBeVisible();
  await admin.page.getByRole('link', { name: 'Overview' }).click();
  await expect(dora.page.locator('[data-testid=member][data-sub=analyst]')).toHaveCount(0);
});

test('a ban closes the colleague with the reason until the admin lifts it', async ({ browser }) => {
  const admin = await openAs(browser, await adminToken());
  const eve = await openAs(browser, await mint({ sub: 'eve', name: 'Eve', role: 'viewer', rooms: [ROOM] }));
  people.push(admin, eve);
  await expect(eve.page.getByTestId('dashboard-room')).toHaveText(ROOM);

  await admin.page.getByRole('link', { name: /Clients/ }).click();
  await admin.page.getByLabel('Search clients').fill('eve');
  await admin.page.locator('[data-testid=client-row][data-sub=eve]').getByRole('button', { name: 'Ban' }).click();
  const dialog = admin.page.getByRole('dialog');
  await dialog.getByLabel('Duration').selectOption({ label: '1 hour' });
  await dialog.getByLabel(/Reason/).fill('Too many exports');
  await dialog.getByRole('button', { name: 'Ban' }).click();

  await expect(eve.page.getByTestId('ended')).toHaveAttribute('data-kind', 'banned');
  await expect(eve.page.getByTestId('ended-reason')).toHaveText('Too many exports');
  await expect(eve.page.getByText(/The ban ends/)).toBeVisible();
  const ban = admin.page.locator('[data-testid=ban-row][data-sub=eve]');
  await expect(ban).toContainText('Too many exports');
  await ban.getByRole('button', { name: 'Unban' }).click();
  await expect(ban).toHaveCount(0);

  // Lifted: the same link works again.
  const back = await openAs(browser, await mint({ sub: 'eve', name: 'Eve', role: 'viewer', rooms: [ROOM] }));
  people.push(back);
  await expect(back.page.getByTestId('dashboard-room')).toHaveText(ROOM);
});
