/**
 * The console's details hold, measured in the page and kept as screenshots: one presence row per
 * person, controls in line with their labels and rows, a search field that fits its placeholder,
 * inspection kept across pages, and keyboard use.
 */
import { expect, test, type Page } from '@playwright/test';
import { hubUrl } from './support/hub-env.js';
import { openAs, screenshot, type Person } from './support/pages.js';
import { publish } from './support/publish.js';
import { adminToken, mint } from './support/tokens.js';

const ROOM = `dashboard:details-${Date.now().toString(36)}`;
const people: Person[] = [];

test.afterEach(async () => {
  for (const p of people.splice(0)) await p.context.close();
});

async function openTabs(person: Person, token: string, count: number): Promise<void> {
  for (let i = 1; i < count; i++) {
    const page = await person.context.newPage();
    await page.goto(`${hubUrl()}/#token=${token}`);
    await expect(page.getByTestId('dashboard-room')).toHaveText(ROOM);
  }
}

test('a room lists each person once, with how many tabs they have open', async ({ browser }) => {
  const admin = await openAs(browser, await adminToken());
  const anaToken = await mint({ sub: 'ana-13', name: 'Ana Analyst 13', role: 'viewer', rooms: [ROOM] });
  const ana = await openAs(browser, anaToken);
  const ben = await openAs(browser, await mint({ sub: 'ben-13', name: 'Ben', role: 'viewer', rooms: [ROOM] }));
  people.push(admin, ana, ben);
  await expect(ana.page.getByTestId('dashboard-room')).toHaveText(ROOM);
  await openTabs(ana, anaToken, 3);

  await admin.page.goto(`${hubUrl()}/#/rooms/${encodeURIComponent(ROOM)}`);
  const anaRow = admin.page.locator('[data-testid=room-member][data-sub=ana-13]');
  await expect(anaRow).toHaveAttribute('data-tabs', '3');
  await expect(anaRow.getByTestId('member-tabs')).toHaveText('3 tabs');
  await expect(admin.page.locator('[data-testid=room-member]')).toHaveCount(2);
  await expect(admin.page.locator('[data-testid=room-member][data-sub=ben-13]')).toHaveAttribute('data-tabs', '1');
  await screenshot(admin.page, 'console-presence-per-person');
});

test('the clients table keeps Kick/Ban in its rows, shows its search placeholder whole, and the kick dialog works by keyboard', async ({
  browser,
}) => {
  const admin = await openAs(browser, await adminToken());
  const cy = await openAs(browser, await mint({ sub: 'cy-13', name: 'Cy', role: 'viewer', rooms: [ROOM] }));
  const dee = await openAs(browser, await mint({ sub: 'dee-13', name: 'Dee', role: 'viewer', rooms: [ROOM] }));
  people.push(admin, cy, dee);
  await expect(dee.page.getByTestId('dashboard-room')).toHaveText(ROOM);
  await admin.page.getByRole('link', { name: /Clients/ }).click();
  await admin.page.getByLabel('Room', { exact: true }).fill(ROOM);
  const rows = admin.page.locator('[data-testid=client-row]');
  await expect(rows).toHaveCount(2);

  // Each row's action cell is a table cell: same top and height as the row's first cell.
  const cells = await rows.evaluateAll((trs) =>
    trs.map((tr) => {
      const first = tr.querySelector('td')!.getBoundingClientRect();
      const actions = tr.querySelector('td.actions')!.getBoundingClientRect();
      return {
        dy: Math.abs(first.top - actions.top),
        dh: Math.abs(first.height - actions.height),
        display: getComputedStyle(tr.querySelector('td.actions')!).display,
      };
    }),
  );
  for (const c of cells) expect(c).toEqual({ dy: 0, dh: 0, display: 'table-cell' });

  expect(await placeholderFits(admin.page, '#client-search')).toBe(true);
  await screenshot(admin.page, 'console-clients-table');

  // Keyboard only: Tab reaches the Kick button with a visible focus ring, Enter opens the
  // dialog, whose checkbox sits beside its label; Esc closes it, Enter in the reason submits.
  const kick = rows.filter({ hasText: 'Dee' }).getByRole('button', { name: 'Kick' });
  await kick.focus();
  // Reached by the keyboard (a focus set by script after a click does not draw the ring).
  await admin.page.keyboard.press('Shift+Tab');
  await admin.page.keyboard.press('Tab');
  await expect(kick).toBeFocused();
  expect(await focusRing(admin.page)).toBe(true);
  await admin.page.keyboard.press('Enter');
  const dialog = admin.page.getByRole('dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog.getByLabel(/Reason/)).toBeFocused();
  const gap = await dialog.locator('label.check').evaluate((label) => {
    const box = label.querySelector('input')!.getBoundingClientRect();
    const text = [...label.childNodes].find((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim())!;
    const range = document.createRange();
    range.selectNodeContents(text);
    const words = range.getBoundingClientRect();
    return {
      gap: words.left - box.right,
      sameLine: Math.abs(words.top + words.height / 2 - (box.top + box.height / 2)) < 6,
    };
  });
  expect(gap.sameLine).toBe(true);
  expect(gap.gap).toBeGreaterThanOrEqual(0);
  expect(gap.gap).toBeLessThan(16);
  await dialog.getByLabel(/Reason/).fill('Screenshot of the dialog');
  await screenshot(admin.page, 'console-kick-dialog');
  await admin.page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);

  await kick.click();
  await dialog.getByLabel(/Reason/).fill('Time for lunch');
  await dialog.getByLabel(/Reason/).press('Enter');
  await expect(dee.page.getByTestId('ended')).toHaveAttribute('data-kind', 'kicked');
  await expect(dee.page.getByTestId('ended-reason')).toHaveText('Time for lunch');
  await expect(rows).toHaveCount(1);
});

test('traffic inspection stays on while other console pages are shown', async ({ browser }) => {
  const admin = await openAs(browser, await adminToken());
  // The hub samples what it delivers: somebody has to be in the room.
  const eli = await openAs(browser, await mint({ sub: 'eli-13', name: 'Eli', role: 'viewer', rooms: [ROOM] }));
  people.push(admin, eli);
  await expect(eli.page.getByTestId('dashboard-room')).toHaveText(ROOM);
  await admin.page.getByRole('link', { name: 'Traffic' }).click();
  await admin.page.getByTestId('inspect-toggle').click();
  await expect(admin.page.getByTestId('inspect-toggle')).toHaveAttribute('aria-pressed', 'true');

  await admin.page.getByRole('link', { name: 'Overview' }).click();
  await expect(admin.page.getByTestId('total-connections')).toBeVisible();
  // Published while the traffic page is not shown: still sampled.
  await publish(ROOM, 'refresh', { widgets: ['away'], reason: 'published while away' });
  await admin.page.getByRole('link', { name: 'Traffic' }).click();
  await expect(admin.page.getByTestId('inspect-toggle')).toHaveAttribute('aria-pressed', 'true');
  await expect(admin.page.getByTestId('traffic-row').filter({ hasText: ROOM })).toHaveCount(1);
  await admin.page.getByTestId('inspect-toggle').click();
  await expect(admin.page.getByTestId('inspect-toggle')).toHaveAttribute('aria-pressed', 'false');
});

test('the console is usable by keyboard: every navigation link in order, each with a visible focus ring', async ({
  browser,
}) => {
  const admin = await openAs(browser, await adminToken());
  people.push(admin);
  await expect(admin.page.getByTestId('console')).toBeVisible();
  // A link's label without its live count badge (the counts change while the test runs).
  const labels = () =>
    admin.page.locator('nav.sidenav a').evaluateAll((as) =>
      as.map((a) =>
        [...a.childNodes]
          .filter((n) => !(n instanceof Element && n.classList.contains('count')))
          .map((n) => n.textContent)
          .join('')
          .trim(),
      ),
    );
  const links = await labels();
  await admin.page.locator('nav.sidenav a').first().focus();
  const seen: string[] = [];
  for (let i = 0; i < links.length; i++) {
    expect(await focusRing(admin.page)).toBe(true);
    seen.push(
      await admin.page.evaluate(() => {
        const a = document.activeElement;
        return a
          ? [...a.childNodes]
              .filter((n) => !(n instanceof Element && n.classList.contains('count')))
              .map((n) => n.textContent)
              .join('')
              .trim()
          : '';
      }),
    );
    await admin.page.keyboard.press('Tab');
  }
  expect(seen).toEqual(links);
  // Enter follows a focused link.
  await admin.page.locator('nav.sidenav a', { hasText: 'Invite' }).focus();
  await admin.page.keyboard.press('Enter');
  await expect(admin.page.getByLabel('Rooms')).toBeVisible();
});

/** The placeholder's text, in the field's own font, fits inside the field. */
function placeholderFits(page: Page, selector: string): Promise<boolean> {
  return page.locator(selector).evaluate((el) => {
    const input = el as HTMLInputElement;
    const style = getComputedStyle(input);
    const ctx = document.createElement('canvas').getContext('2d')!;
    ctx.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    // A search field keeps room for its clear button.
    return ctx.measureText(input.placeholder).width <= room - 16;
  });
}

/** The focused element draws an outline (or a box shadow) you can see. */
function focusRing(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return false;
    const s = getComputedStyle(el);
    return (
      (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) || (s.boxShadow !== 'none' && s.boxShadow !== '')
    );
  });
}
