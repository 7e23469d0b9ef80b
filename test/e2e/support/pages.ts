/**
 * Browser helpers: a page per person in its own context (separate storage, as separate people
 * have), opened from a join link, watching for script errors, CSP violations and dialogs.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { hubUrl } from './hub-env.js';

/** Where screenshots go: `INSIGHT_HUB_SCREENSHOTS` to look at them elsewhere, else test-results. */
export const SCREENSHOT_DIR =
  process.env.INSIGHT_HUB_SCREENSHOTS?.replace(/\/?$/, '/') ??
  fileURLToPath(new URL('../../../test-results/screenshots/', import.meta.url));

export interface Person {
  context: BrowserContext;
  page: Page;
  /** Uncaught errors, CSP violations and any alert() a payload managed to run. */
  problems: string[];
  /** WebSocket connections the page opened, in order. */
  sockets: string[];
}

/** A person opening the hub with `token` (null: no token), or at `options.url` (an invite link). */
export async function openAs(
  browser: Browser,
  token: string | null,
  options: { permissions?: string[]; url?: string } = {},
): Promise<Person> {
  const context = await browser.newContext({ permissions: options.permissions });
  const page = await context.newPage();
  const person: Person = { context, page, problems: [], sockets: [] };
  page.on('pageerror', (err) => person.problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && /Content Security Policy|Refused to/i.test(msg.text()))
      person.problems.push(`csp: ${msg.text()}`);
  });
  page.on('dialog', (dialog) => {
    person.problems.push(`dialog: ${dialog.type()} ${dialog.message()}`);
    dialog.dismiss().catch((err: Error) => person.problems.push(`dialog not dismissed: ${err.message}`));
  });
  page.on('websocket', (ws) => person.sockets.push(ws.url()));
  await page.goto(options.url ?? (token ? `${hubUrl()}/#token=${token}` : `${hubUrl()}/`));
  return person;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = `${SCREENSHOT_DIR}${name}.png`;
  await page.screenshot({ path, fullPage: true });
  return path;
}
