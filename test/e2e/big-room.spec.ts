/**
 * A big room in the browser: 250 viewers from the test process and one colleague typing. The
 * dashboard shows the exact count and the people that matter, not 250 avatars; the console's room
 * page lists members a page at a time and loads more on request.
 */
import { expect, test } from '@playwright/test';
import { connectCrowd, type Crowd } from './support/crowd.js';
import { openAs, screenshot, type Person } from './support/pages.js';
import { adminToken, mint } from './support/tokens.js';

const PREFIX = `big${Date.now().toString(36)}`;
const ROOM = `${PREFIX}:room-0`;
const CROWD = 250;

let crowd: Crowd | undefined;
const people: Person[] = [];

test.afterAll(async () => {
  await crowd?.close();
  for (const p of people) await p.context.close();
});

test('the dashboard shows the count and who is active; the console pages the members', async ({ browser }) => {
  test.setTimeout(120_000);
  crowd = await connectCrowd(CROWD, { users: CROWD, rooms: 1, prefix: PREFIX });
  crowd.sockets[7]!.send(JSON.stringify({ type: 'presence', room: ROOM, state: { typing: true } }));

  const alice = await openAs(browser, await mint({ sub: 'alice', name: 'Alice Jones', role: 'editor', rooms: [ROOM] }));
  people.push(alice);
  await expect(alice.page.getByTestId('dashboard-room')).toHaveText(ROOM);
  const bar = alice.page.getByRole('region', { name: 'People on this dashboard' });
  await expect(bar.getByRole('heading')).toHaveText(`Here now · ${CROWD + 1}`);
  // Alice, the typist and five viewers; the rest are a number.
  await expect(bar.getByTestId('member')).toHaveCount(7);
  await expect(bar.locator('[data-testid=member][data-sub=alice]')).toContainText('(you)');
  await expect(bar.locator(`[data-testid=member][data-sub="${PREFIX}-7"]`).getByTestId('activity')).toHaveText(
    'typing…',
  );
  await expect(bar.getByTestId('presence-more')).toHaveText(`and ${CROWD + 1 - 7} more viewing`);
  await screenshot(alice.page, 'big-room-dashboard');

  // One viewer leaves: the count follows.
  crowd.sockets[0]!.close();
  await expect(bar.getByRole('heading')).toHaveText(`Here now · ${CROWD}`);

  const admin = await openAs(browser, await adminToken());
  people.push(admin);
  await admin.page.getByRole('link', { name: /Rooms/ }).click();
  await admin.page.getByLabel('Search rooms').fill(ROOM);
  await admin.page.locator(`[data-testid=room-row][data-room="${ROOM}"] a`).click();
  await expect(admin.page.getByTestId('room-member')).toHaveCount(100);
  await admin.page.getByTestId('more-members').click();
  await expect(admin.page.getByTestId('room-member')).toHaveCount(200);
  await admin.page.getByTestId('more-members').click();
  await expect(admin.page.getByTestId('room-member')).toHaveCount(CROWD);
  await expect(admin.page.getByTestId('more-members')).toHaveCount(0);
  await screenshot(admin.page, 'big-room-console-members');
  expect(alice.problems).toEqual([]);
  expect(admin.problems).toEqual([]);
});
