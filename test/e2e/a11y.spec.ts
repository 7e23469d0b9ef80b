/**
 * Every console and dashboard page, checked by axe in Chromium: no serious or critical
 * violations (WCAG 2.1 A/AA rules), with content on the page (widgets, a query table, notes,
 * alerts, an invite card, a dialog) rather than empty states only.
 */
import { AxeBuilder } from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { createInvite } from './support/admin-rest.js';
import { hubUrl } from './support/hub-env.js';
import { openAs, type Person } from './support/pages.js';
import { publish } from './support/publish.js';
import { adminToken, mint } from './support/tokens.js';

// Each test runs axe on many pages, and every axe run is CPU-bound: on a busy machine one run
// can take tens of seconds, so these tests get more than the suite's 90 s.
test.describe.configure({ timeout: 300_000 });

const ROOM = `dashboard:a11y-${Date.now().toString(36)}`;
const people: Person[] = [];

test.afterEach(async () => {
  for (const p of people.splice(0)) await p.context.close();
});

/** Serious and critical violations on the page as it is now, one line each (rule, where). */
async function problems(page: Page, what: string): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${what}: ${v.id} (${v.impact}) at ${n.target.join(' ')}: ${v.help}`));
}

test('the dashboard, the join page, the name prompt and a refusal screen have no serious accessibility problems', async ({
  browser,
}) => {
  await publish(ROOM, 'refresh', { widgets: ['revenue', 'pipeline'], reason: 'nightly load' });
  await publish(ROOM, 'query.rows', {
    queryId: 'q-sales',
    chunk: 0,
    columns: ['region', 'amount'],
    rows: [
      ['north', 12],
      ['south', 7],
    ],
  });
  await publish(ROOM, 'query.done', { queryId: 'q-sales', rowCount: 2 });
  await publish(ROOM, 'annotation', { id: 'n1', text: 'Q3 dip is the holiday week', widget: 'revenue' });
  await publish(ROOM, 'alert', { id: 'a1', severity: 'warning', title: 'Pipeline below target' });
  const found: string[] = [];

  const editor = await openAs(browser, await mint({ sub: 'axe-editor', name: 'Edda', role: 'editor', rooms: [ROOM] }));
  people.push(editor);
  await expect(editor.page.getByTestId('room-alert')).toHaveCount(1);
  await expect(editor.page.getByTestId('query')).toHaveCount(1);
  found.push(...(await problems(editor.page, 'dashboard')));

  const stranger = await openAs(browser, null);
  people.push(stranger);
  await expect(stranger.page.getByLabel('Join link or token')).toBeVisible();
  found.push(...(await problems(stranger.page, 'join page')));

  const invite = await createInvite([ROOM]);
  const guest = await openAs(browser, null, { url: invite.url });
  people.push(guest);
  await expect(guest.page.getByTestId('invite-welcome')).toBeVisible();
  found.push(...(await problems(guest.page, 'name prompt')));

  const expired = await openAs(browser, await mint({ sub: 'axe-old', role: 'viewer', rooms: [ROOM], ttlSec: -120 }));
  people.push(expired);
  await expect(expired.page.getByTestId('ended')).toHaveAttribute('data-kind', 'expired');
  found.push(...(await problems(expired.page, 'refusal')));
  expect(found).toEqual([]);
});

test('every console page has no serious accessibility problems', async ({ browser }) => {
  const admin = await openAs(browser, await adminToken());
  const viewer = await openAs(browser, await mint({ sub: 'axe-viewer', name: 'Vic', role: 'viewer', rooms: [ROOM] }));
  people.push(admin, viewer);
  await expect(viewer.page.getByTestId('dashboard-room')).toHaveText(ROOM);
  const found: string[] = [];
  const visit = async (hash: string, ready: () => Promise<void>): Promise<void> => {
    await admin.page.goto(`${hubUrl()}/#/${hash}`);
    await ready();
    found.push(...(await problems(admin.page, hash)));
  };

  await visit('overview', () => expect(admin.page.getByTestId('chart')).toHaveCount(5));
  await visit('rooms', () => expect(admin.page.locator('[data-testid=room-row]').first()).toBeVisible());
  await visit(`rooms/${encodeURIComponent(ROOM)}`, () =>
    expect(admin.page.locator('[data-testid=room-member]')).toHaveCount(1),
  );
  await visit('clients', () => expect(admin.page.locator('[data-testid=client-row]').first()).toBeVisible());
  await admin.page
    .locator('[data-testid=client-row][data-sub=axe-viewer]')
    .getByRole('button', { name: 'Kick' })
    .click();
  await expect(admin.page.getByRole('dialog')).toBeVisible();
  found.push(...(await problems(admin.page, 'kick dialog')));
  await admin.page.keyboard.press('Escape');
  await visit('invite', () => expect(admin.page.getByLabel('Rooms')).toBeVisible());
  await admin.page.getByLabel('Rooms').fill(ROOM);
  await admin.page.getByRole('button', { name: 'Create link' }).click();
  await expect(admin.page.getByTestId('invite-qr')).toBeVisible();
  found.push(...(await problems(admin.page, 'invite with a link')));
  await visit('audit', () => expect(admin.page.locator('[data-testid=audit-row]').first()).toBeVisible());
  await visit('traffic', () => expect(admin.page.getByTestId('inspect-toggle')).toBeVisible());
  await visit('dashboard', () => expect(admin.page.getByLabel('Dashboard room')).toBeVisible());
  await admin.page.getByLabel('Dashboard room').fill(ROOM);
  await admin.page.getByRole('button', { name: 'Open' }).click();
  await expect(admin.page.locator('[data-testid=member][data-sub=axe-viewer]')).toBeVisible();
  found.push(...(await problems(admin.page, 'dashboard in the console')));
  expect(found).toEqual([]);
});
