/**
 * The admin console and two colleagues in separate browser contexts on one dashboard: presence and
 * typing across them, InsightEngine's alerts, refreshes and query streams over REST, markup kept
 * as text, and the admin kicking a colleague who then sees why and stays disconnected.
 */
import { expect, test } from '@playwright/test';
import { openAs, screenshot, type Person } from './support/pages.js';
import { publish } from './support/publish.js';
import { adminToken, mint } from './support/tokens.js';

const ROOM = `dashboard:sales-${Date.now().toString(36)}`;
const MARKUP = '<img src=x onerror=alert(1)>';

test.describe.configure({ mode: 'serial' });

let admin: Person;
let alice: Person;
let bob: Person;

test.beforeAll(async ({ browser }) => {
  admin = await openAs(browser, await adminToken());
  alice = await openAs(browser, await mint({ sub: 'alice', name: 'Alice Jones', role: 'editor', rooms: [ROOM] }));
  bob = await openAs(browser, await mint({ sub: 'bob', name: 'Bob Smith', role: 'editor', rooms: [ROOM] }));
});

test.afterAll(async () => {
  for (const p of [admin, alice, bob]) await p?.context.close();
});

test('colleagues open the dashboard from their links, and the token leaves the address bar', async () => {
  for (const p of [alice, bob]) {
    await expect(p.page.getByTestId('dashboard-room')).toHaveText(ROOM);
    // The room they opened stays in the address (for reloads); the token does not.
    expect(new URL(p.page.url()).hash).toBe(`#room=${ROOM}`);
    expect(await p.page.evaluate(() => sessionStorage.getItem('insight-hub.token'))).toMatch(/^ey/);
  }
  await expect(admin.page.getByTestId('console')).toBeVisible();
});

test('each sees the other in presence, with what they are editing and typing', async () => {
  const bobOnAlice = alice.page.locator('[data-testid=member][data-sub=bob]');
  const aliceOnBob = bob.page.locator('[data-testid=member][data-sub=alice]');
  await expect(bobOnAlice).toContainText('Bob Smith');
  await expect(aliceOnBob).toContainText('Alice Jones');
  await expect(aliceOnBob.getByTestId('activity')).toHaveText('viewing');

  // A widget exists once InsightEngine refreshes it; then Alice claims it.
  await publish(ROOM, 'refresh', { widgets: ['revenue', 'pipeline'], reason: 'nightly load finished' });
  await alice.page.locator('[data-widget=revenue]').getByRole('button', { name: 'Edit' }).click();
  await expect(aliceOnBob.getByTestId('activity')).toHaveText('editing revenue');
  await expect(bob.page.locator('[data-widget=revenue]')).toContainText('Alice Jones editing');

  await alice.page.getByLabel('New annotation').fill('Q3 dip is the holiday week');
  await expect(aliceOnBob.getByTestId('activity')).toHaveText('editing revenue, typing…');
  await alice.page.getByRole('button', { name: 'Post' }).click();
  await expect(bob.page.getByTestId('annotation').first()).toContainText('Q3 dip is the holiday week');
  await expect(bob.page.locator('[data-widget=revenue]')).toContainText('Q3 dip is the holiday week');
  await expect(aliceOnBob.getByTestId('activity')).toHaveText('editing revenue');
});

test('a refresh marks the named widgets on every page', async () => {
  await publish(ROOM, 'refresh', { widgets: ['pipeline'], reason: 'CRM sync' });
  for (const p of [alice, bob]) {
    await expect(p.page.locator('[data-widget=pipeline] [data-testid=refresh-state]')).toContainText('2×');
    await expect(p.page.locator('[data-widget=revenue] [data-testid=refresh-state]')).toContainText('Refreshed');
  }
});

test('alerts to the dashboard and to one user arrive as toasts by severity', async () => {
  await publish(ROOM, 'alert', {
    id: 'a-room-1',
    severity: 'warning',
    title: 'Pipeline lagging',
    body: 'Ingest is 12 minutes behind',
  });
  await publish('user:bob', 'alert', {
    id: 'a-bob-1',
    severity: 'critical',
    title: 'Quota exceeded',
    body: 'Your workspace hit its query quota',
  });
  await expect(alice.page.locator('[data-testid=toast][data-severity=warning]')).toContainText('Pipeline lagging');
  const bobToasts = bob.page.getByTestId('toast');
  await expect(bob.page.locator('[data-testid=toast][data-severity=critical]')).toContainText('Quota exceeded');
  await expect(bob.page.locator('[data-testid=toast][data-severity=warning]')).toContainText(
    'Ingest is 12 minutes behind',
  );
  // Most severe first; Alice never gets Bob's personal alert.
  await expect(bobToasts.first()).toHaveAttribute('data-severity', 'critical');
  await expect(alice.page.getByText('Quota exceeded')).toHaveCount(0);
});

test('an alert a person publishes is shown as theirs, never as the system, whatever they are called', async () => {
  // An editor who named themselves like the system, publishing as the backend does.
  const impostor = await mint({ sub: 'mallory', name: 'InsightEngine', role: 'editor', rooms: [ROOM] });
  await publish(ROOM, 'alert', { id: 'a-fake', severity: 'critical', title: 'Fake outage' }, impostor);
  await publish(ROOM, 'alert', { id: 'a-real', severity: 'critical', title: 'Real outage' });
  for (const p of [alice, bob]) {
    const fake = p.page.locator('[data-testid=toast]', { hasText: 'Fake outage' });
    const real = p.page.locator('[data-testid=toast]', { hasText: 'Real outage' });
    await expect(fake).toHaveAttribute('data-sender', 'person');
    await expect(fake.getByTestId('alert-sender')).toHaveText('Person “InsightEngine”');
    await expect(real).toHaveAttribute('data-sender', 'system');
    await expect(real.getByTestId('alert-sender')).toHaveText('System InsightEngine');
    // The badges look different, not only read different.
    const badge = (l: typeof fake) =>
      l.locator('.sender-badge').evaluate((el) => {
        const s = getComputedStyle(el);
        return `${s.backgroundColor} ${s.borderTopStyle}`;
      });
    expect(await badge(fake)).not.toBe(await badge(real));
    const listed = p.page.locator('[data-testid=room-alert]', { hasText: 'Fake outage' });
    await expect(listed).toHaveAttribute('data-sender', 'person');
    await expect(listed.getByTestId('alert-sender')).toHaveText('Person “InsightEngine”');
    await expect(p.page.locator('[data-testid=room-alert]', { hasText: 'Real outage' })).toHaveAttribute(
      'data-sender',
      'system',
    );
  }
  await screenshot(bob.page, 'dashboard-alert-senders');
  for (const p of [alice, bob]) {
    for (const title of ['Fake outage', 'Real outage'])
      await p.page
        .locator('[data-testid=toast]', { hasText: title })
        .getByRole('button', { name: 'Dismiss alert' })
        .click();
  }
});

test('a streamed query fills the live table and reports when it is done', async () => {
  const columns = ['region', 'orders', 'revenue'];
  const regions = ['north', 'south', 'east', 'west', 'central'];
  for (let chunk = 0; chunk < 5; chunk++) {
    const rows = Array.from({ length: 20 }, (_, i) => [
      `${regions[chunk]}-${i}`,
      chunk * 20 + i,
      (chunk * 20 + i) * 10.5,
    ]);
    await publish(ROOM, 'query.rows', {
      queryId: 'q-revenue',
      chunk,
      columns: chunk === 0 ? columns : undefined,
      rows,
    } as never);
  }
  const table = bob.page.locator('[data-testid=query][data-query=q-revenue]');
  await expect(table.locator('tbody tr')).toHaveCount(100);
  await expect(table.getByTestId('query-status')).toContainText('Streaming · 100 rows in 5 chunks');
  await expect(table.locator('thead')).toContainText('revenue');
  await publish(ROOM, 'query.done', { queryId: 'q-revenue', rowCount: 100 });
  await expect(table).toHaveAttribute('data-status', 'done');
  await expect(table.getByTestId('query-status')).toHaveText('Done · 100 rows');
  await expect(alice.page.locator('[data-testid=query][data-query=q-revenue] tbody tr')).toHaveCount(100);
});

test('markup in a message is shown as text and never runs', async () => {
  await publish(ROOM, 'alert', {
    id: 'a-xss',
    severity: 'info',
    title: MARKUP,
    body: `${MARKUP} see https://example.com/report and javascript:alert(2)`,
  });
  await publish(ROOM, 'annotation', { id: 'n-xss', text: MARKUP });
  const toast = alice.page.locator('[data-testid=toast]', { hasText: 'see https://example.com/report' });
  await expect(toast).toContainText(MARKUP);
  await expect(alice.page.getByTestId('annotation').first()).toHaveText(new RegExp(escapeRegExp(MARKUP)));
  expect(await alice.page.locator('.toasts img, .annotations img').count()).toBe(0);
  const link = toast.getByRole('link', { name: 'https://example.com/report' });
  await expect(link).toHaveAttribute('rel', 'noopener noreferrer');
  await expect(link).toHaveAttribute('target', '_blank');
  await expect(toast.locator('a[href^="javascript:"]')).toHaveCount(0);
  expect(alice.problems).toEqual([]);
  expect(bob.problems).toEqual([]);
});

test('screenshots of the dashboard and the console', async () => {
  await screenshot(bob.page, 'dashboard');
  await admin.page.getByRole('link', { name: /Overview/ }).click();
  await expect(admin.page.getByTestId('total-connections')).not.toHaveText('—');
  await screenshot(admin.page, 'console-overview');
});

test('the admin kicks a colleague, who sees the reason and does not reconnect', async () => {
  const socketsBefore = bob.sockets.length;
  await admin.page.getByRole('link', { name: /Clients/ }).click();
  await admin.page.getByLabel('Search clients').fill('bob');
  const row = admin.page.locator('[data-testid=client-row][data-sub=bob]');
  await expect(row).toHaveCount(1);
  await row.getByRole('button', { name: 'Kick' }).click();
  const dialog = admin.page.getByRole('dialog');
  await expect(dialog.getByRole('button', { name: 'Kick' })).toBeDisabled();
  await dialog.getByLabel(/Reason/).fill('Sharing the dashboard outside the team');
  // From here bob's page runs on a paused clock: a reconnect would be one of its timers, and runs
  // only when the test moves that clock on.
  await bob.page.clock.install();
  await bob.page.clock.pauseAt(Date.now() + 1000);
  await dialog.getByRole('button', { name: 'Kick' }).click();

  await expect(bob.page.getByTestId('ended')).toHaveAttribute('data-kind', 'kicked');
  await expect(bob.page.getByTestId('ended-reason')).toHaveText('Sharing the dashboard outside the team');
  await expect(admin.page.locator('[data-testid=client-row][data-sub=bob]')).toHaveCount(0);
  await screenshot(bob.page, 'dashboard-kicked');

  // Every timer bob's page set for the next minute runs now (far past any reconnect delay); the
  // evaluate after it answers only once those have run. No new socket, and the hub has no bob.
  await bob.page.clock.runFor(60_000);
  await bob.page.evaluate(() => undefined);
  expect(bob.sockets).toHaveLength(socketsBefore);
  await expect(bob.page.getByTestId('ended')).toHaveAttribute('data-kind', 'kicked');
  await admin.page.getByLabel('Search clients').fill('alice');
  await expect(admin.page.locator('[data-testid=client-row][data-sub=alice]')).toHaveCount(1);
  await admin.page.getByLabel('Search clients').fill('bob');
  // The hub's answer to the search for bob: none.
  await expect(admin.page.getByTestId('clients-range')).toHaveText('No clients');
  await expect(admin.page.locator('[data-testid=client-row][data-sub=bob]')).toHaveCount(0);
  // Alice is unaffected.
  await expect(alice.page.locator('[data-testid=member][data-sub=bob]')).toHaveCount(0);
  await expect(alice.page.getByTestId('dashboard')).toBeVisible();
});

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
