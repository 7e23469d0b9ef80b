/**
 * A refused browser is told why, by the hub over HTTP (`GET /api/session`), since it cannot read
 * an upgrade's 401/403: one screen per reason, with a field to paste another link, and a
 * permanent refusal stops the client for good. Each screen is kept as a screenshot.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { SignJWT } from 'jose';
import { TOKEN_AUDIENCE } from '../../hub/protocol/index.js';
import { ban, createInvite, revokeInvite, unban } from './support/admin-rest.js';
import { hubUrl } from './support/hub-env.js';
import { startHubProcess } from './support/hub-process.js';
import { openAs, screenshot, type Person } from './support/pages.js';
import { mint } from './support/tokens.js';

const ROOM = `dashboard:refusals-${Date.now().toString(36)}`;
const people: Person[] = [];

test.afterEach(async () => {
  for (const p of people.splice(0)) await p.context.close();
});

async function open(browser: Parameters<typeof openAs>[0], token: string | null, url?: string): Promise<Person> {
  const p = await openAs(browser, token, { url });
  people.push(p);
  return p;
}

/** The refusal screen for `reason`, with no client retrying behind it (stopped, or never started). */
async function expectRefused(page: Page, reason: string): Promise<void> {
  const ended = page.getByTestId('ended');
  await expect(ended).toHaveAttribute('data-kind', reason);
  await expect(ended).toHaveAttribute('data-link', /^(closed|idle)$/);
  await expect(page.getByLabel('Paste another join link')).toBeVisible();
  await expect(page.getByText(/Cannot reach the hub/)).toHaveCount(0);
}

async function redeem(page: Page, name: string): Promise<void> {
  await expect(page.getByTestId('invite-welcome')).toBeVisible();
  await page.getByLabel(/Your name/).fill(name);
  await page.getByLabel(/Your name/).press('Enter');
}

test('an expired link says so and takes another link in its place', async ({ browser }) => {
  const p = await open(browser, await mint({ sub: 'old-link', role: 'viewer', rooms: [ROOM], ttlSec: -120 }));
  await expectRefused(p.page, 'expired');
  await expect(p.page.getByRole('heading', { level: 1 })).toHaveText('Your link has expired');
  await screenshot(p.page, 'refusal-expired');

  // The way back: paste a working link, and the dashboard opens.
  const fresh = await mint({ sub: 'old-link', role: 'viewer', rooms: [ROOM] });
  await p.page.getByLabel('Paste another join link').fill(`${hubUrl()}/#token=${fresh}&room=${ROOM}`);
  await p.page.getByLabel('Paste another join link').press('Enter');
  await expect(p.page.getByTestId('dashboard-room')).toHaveText(ROOM);
  expect(p.problems).toEqual([]);
});

test('a banned user sees until when and why, also after a reload', async ({ browser }) => {
  await ban('banned-13', 60, 'Exported the whole customer list');
  try {
    const p = await open(browser, await mint({ sub: 'banned-13', role: 'viewer', rooms: [ROOM] }));
    await expectRefused(p.page, 'banned');
    await expect(p.page.getByTestId('ended-reason')).toHaveText('Exported the whole customer list');
    await expect(p.page.getByText(/The ban ends .*; this page reconnects then\./)).toBeVisible();
    await p.page.reload();
    await expectRefused(p.page, 'banned');
    await screenshot(p.page, 'refusal-banned');
  } finally {
    await unban('banned-13');
  }
});

test('a token from somewhere else is not valid here', async ({ browser }) => {
  const foreign = await new SignJWT({ role: 'viewer', rooms: [ROOM] })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('stranger')
    .setAudience(TOKEN_AUDIENCE)
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode('another-hub-secret-0123456789abcdef0123456789'));
  const p = await open(browser, foreign);
  await expectRefused(p.page, 'invalid');
  await screenshot(p.page, 'refusal-invalid');
});

test('a used-up link and a revoked one say so', async ({ browser }) => {
  const invite = await createInvite([ROOM], { maxUses: 1 });
  const first = await open(browser, null, invite.url);
  await redeem(first.page, 'Fay First');
  await expect(first.page.getByTestId('dashboard-room')).toHaveText(ROOM);

  // Asked before anyone types a name.
  const second = await open(browser, null, invite.url);
  await expectRefused(second.page, 'used_up');
  await expect(second.page.getByRole('heading', { level: 1 })).toHaveText('This link has been used up');
  await screenshot(second.page, 'refusal-used-up');

  // The first reloads: no second use, no name asked again.
  await first.page.reload();
  await expect(first.page.getByTestId('dashboard-room')).toHaveText(ROOM);
  await expect(first.page.getByTestId('invite-welcome')).toHaveCount(0);

  await revokeInvite(invite.jti);
  await expectRefused(first.page, 'revoked');
  await expect(first.page.getByRole('heading', { level: 1 })).toHaveText('Your link was revoked');
  // The revoked link itself, opened anew, says so too.
  const third = await open(browser, null, invite.url);
  await expectRefused(third.page, 'revoked');
  await screenshot(first.page, 'refusal-revoked');
  await first.page.reload();
  await expectRefused(first.page, 'revoked');
});

test('"Cannot reach the hub" only when the hub does not answer, and the tab comes back with it', async ({
  browser,
}) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'insight-hub-e2e-own-'));
  let hub = await startHubProcess({ dataDir });
  const port = Number(new URL(hub.url).port);
  const token = await mint({ sub: 'roamer', role: 'viewer', rooms: [ROOM] });
  const p = await openAs(browser, null, { url: `${hub.url}/#token=${token}&room=${ROOM}` });
  people.push(p);
  try {
    await expect(p.page.getByTestId('dashboard-room')).toHaveText(ROOM);
    await hub.stop();
    const banner = p.page.getByTestId('connection-banner');
    await expect(banner).toContainText('Connection lost: cannot reach the hub.');
    await screenshot(p.page, 'refusal-unreachable');
    hub = await startHubProcess({ dataDir, port });
    await expect(banner).toHaveCount(0, { timeout: 45_000 });
    await expect(p.page.getByTestId('dashboard-room')).toHaveText(ROOM);
  } finally {
    await hub.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
