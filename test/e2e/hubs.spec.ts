/**
 * Two hubs sharing one Redis: the console lists both hubs (from the `$admin` stats' `hubs`) and
 * shows on which hub each client is (`node`). The hubs and the Redis are this spec's own.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { startRedisServer, type RedisServerHandle } from '../support/redis-server.js';
import { startHubProcess, type HubProcess } from './support/hub-process.js';
import { openAs, screenshot, type Person } from './support/pages.js';
import { adminToken, mint } from './support/tokens.js';

const ROOM = `dashboard:hubs-${Date.now().toString(36)}`;
let redis: RedisServerHandle;
const hubs: HubProcess[] = [];
const dirs: string[] = [];
const people: Person[] = [];

test.beforeAll(async () => {
  redis = await startRedisServer();
  for (let i = 0; i < 2; i++) {
    const dataDir = mkdtempSync(join(tmpdir(), `insight-hub-e2e-redis-${i}-`));
    dirs.push(dataDir);
    hubs.push(await startHubProcess({ dataDir, redis: redis.url }));
  }
});

test.afterAll(async () => {
  for (const p of people.splice(0)) await p.context.close();
  for (const h of hubs) await h.stop();
  await redis?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test('the console lists the hubs sharing its Redis and shows each client on its hub', async ({ browser }) => {
  const [a, b] = hubs as [HubProcess, HubProcess];
  const token = await adminToken();
  const admin = await openAs(browser, null, { url: `${a.url}/#token=${token}` });
  const here = await openAs(browser, null, {
    url: `${a.url}/#token=${await mint({ sub: 'on-a', name: 'Ada on A', role: 'viewer', rooms: [ROOM] })}`,
  });
  const there = await openAs(browser, null, {
    url: `${b.url}/#token=${await mint({ sub: 'on-b', name: 'Bo on B', role: 'viewer', rooms: [ROOM] })}`,
  });
  people.push(admin, here, there);
  for (const p of [here, there]) await expect(p.page.getByTestId('dashboard-room')).toHaveText(ROOM);

  const cards = admin.page.getByTestId('hub');
  await expect(cards).toHaveCount(2);
  await expect(cards.first()).toContainText('this hub');
  const [self, other] = [await cards.nth(0).getAttribute('data-node'), await cards.nth(1).getAttribute('data-node')];
  expect(self).not.toBe(other);
  await screenshot(admin.page, 'console-hubs');

  await admin.page.getByRole('link', { name: /Clients/ }).click();
  await admin.page.getByLabel('Room', { exact: true }).fill(ROOM);
  await expect(admin.page.locator('[data-testid=client-row]')).toHaveCount(2);
  await expect(admin.page.locator('[data-testid=client-row][data-sub=on-a] [data-testid=client-hub]')).toHaveText(
    `${self} (this hub)`,
  );
  await expect(admin.page.locator('[data-testid=client-row][data-sub=on-b] [data-testid=client-hub]')).toHaveText(
    other!,
  );
  await screenshot(admin.page, 'console-clients-hubs');
});
