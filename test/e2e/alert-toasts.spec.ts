/**
 * Alerts of any size keep the toast area usable in Chromium: a toast's title and body are bounded
 * and scroll inside it, the stack never grows past the window, long words wrap, and every dismiss
 * button stays on screen and takes a click.
 */
import { AxeBuilder } from '@axe-core/playwright';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { openAs, screenshot, type Person } from './support/pages.js';
import { publish } from './support/publish.js';
import { mint } from './support/tokens.js';

const ROOM = `dashboard:toasts-${Date.now().toString(36)}`;
let viewer: Person;

test.afterEach(async () => {
  await viewer?.context.close();
});

/** The box of `locator` lies wholly inside the window. */
async function expectInViewport(page: Page, locator: Locator, what: string): Promise<void> {
  const box = await locator.boundingBox();
  const size = page.viewportSize()!;
  expect(box, `${what} is laid out`).not.toBeNull();
  const { x, y, width, height } = box!;
  expect(
    { left: x >= 0, top: y >= 0, right: x + width <= size.width, bottom: y + height <= size.height },
    `${what} at ${JSON.stringify(box)} in ${size.width}×${size.height}`,
  ).toEqual({ left: true, top: true, right: true, bottom: true });
}

test('an alert with a huge title or body stays inside the window, and its dismiss button clears it', async ({
  browser,
}) => {
  viewer = await openAs(browser, await mint({ sub: 'tess', name: 'Tess', role: 'viewer', rooms: [ROOM] }));
  await viewer.page.setViewportSize({ width: 1280, height: 720 });
  const { page } = viewer;
  await expect(page.getByTestId('dashboard-room')).toHaveText(ROOM);

  // Critical: these never leave by themselves, so only the button can clear them.
  const words = 'Replica lag is above the threshold on every shard. '.repeat(160); // ~8,000 characters
  const oneWord = 'x'.repeat(8000);
  await publish(ROOM, 'alert', { id: 'huge-body', severity: 'critical', title: 'Lag everywhere', body: words });
  await publish(ROOM, 'alert', { id: 'huge-word', severity: 'critical', title: 'T'.repeat(8000), body: oneWord });
  await publish(ROOM, 'alert', { id: 'small', severity: 'critical', title: 'Disk almost full', body: 'db-3: 97 %' });
  const toasts = page.getByTestId('toast');
  await expect(toasts).toHaveCount(3);
  await screenshot(page, 'dashboard-huge-alerts');

  const stack = page.locator('.toasts');
  await expectInViewport(page, stack, 'the toast stack');
  // Nothing wider than the stack: long words wrap instead of pushing the button sideways.
  expect(await stack.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
  for (const t of await toasts.all()) {
    expect(await t.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    // Bounded: a long alert is a scroll box, not a toast taller than the window.
    expect((await t.boundingBox())!.height).toBeLessThan(page.viewportSize()!.height / 2);
  }
  // The long text scrolls inside its toast, and so can be reached by the keyboard.
  const longText = page.locator('[data-testid=toast]', { hasText: 'Lag everywhere' }).getByTestId('toast-text');
  expect(await longText.evaluate((el) => el.scrollHeight > el.clientHeight)).toBe(true);
  await expect(longText).toHaveAttribute('tabindex', '0');
  const shortText = page.locator('[data-testid=toast]', { hasText: 'Disk almost full' }).getByTestId('toast-text');
  await expect(shortText).not.toHaveAttribute('tabindex', /.*/);

  const axe = await new AxeBuilder({ page })
    .include('.toasts')
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);

  // Each dismiss button is on screen and takes the click (a real one: Playwright checks that
  // nothing covers it), until no toast is left.
  await dismissEach(page, toasts, 'first', 3);
  expect(viewer.problems).toEqual([]);
});

test('a window too short for every toast scrolls the stack; the buttons stay reachable', async ({ browser }) => {
  viewer = await openAs(browser, await mint({ sub: 'tom', name: 'Tom', role: 'viewer', rooms: [ROOM] }));
  await viewer.page.setViewportSize({ width: 480, height: 400 });
  const { page } = viewer;
  await expect(page.getByTestId('dashboard-room')).toHaveText(ROOM);
  for (let i = 0; i < 6; i++)
    await publish(ROOM, 'alert', {
      id: `many-${i}`,
      severity: 'critical',
      title: `Alert ${i}`,
      body: `Line of detail ${i}. `.repeat(400),
    });
  const toasts = page.getByTestId('toast');
  await expect(toasts).toHaveCount(6);
  await expectInViewport(page, page.locator('.toasts'), 'the toast stack');
  await screenshot(page, 'dashboard-many-alerts-short-window');
  // The last one each time: at the bottom of the stack, scrolled to.
  await dismissEach(page, toasts, 'last', 6);
});

/** Dismisses `count` toasts one by one (the first or the last each time), each button on screen when clicked. */
async function dismissEach(page: Page, toasts: Locator, which: 'first' | 'last', count: number): Promise<void> {
  for (let left = count; left > 0; left--) {
    const button = toasts[which]().getByRole('button', { name: 'Dismiss alert' });
    await button.scrollIntoViewIfNeeded();
    await expectInViewport(page, button, `dismiss button with ${left} toasts`);
    await button.click();
    await expect(toasts).toHaveCount(left - 1);
  }
}
