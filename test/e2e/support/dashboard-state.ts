/**
 * What a dashboard tab shows, read from its page: widgets and their refreshes, query tables
 * (headers, rows, status), annotations and the room's alerts. Presence and toasts are left out:
 * they are about who is here now, not about what the room holds.
 */
import type { Page } from '@playwright/test';

export interface DashboardState {
  room: string;
  widgets: string[][];
  queries: string[][][];
  annotations: string[];
  alerts: string[];
}

export function dashboardState(page: Page): Promise<DashboardState> {
  return page.evaluate(() => {
    const text = (el: Element | null): string => (el?.textContent ?? '').replace(/\s+/g, ' ').trim();
    const all = (root: ParentNode, selector: string): Element[] => [...root.querySelectorAll(selector)];
    return {
      room: document.querySelector('[data-testid=dashboard]')?.getAttribute('data-room') ?? '',
      widgets: all(document, '[data-testid=widget]').map((w) => [
        w.getAttribute('data-widget') ?? '',
        ...all(w, 'p').map(text),
      ]),
      queries: all(document, '[data-testid=query]').map((q) => [
        [q.getAttribute('data-query') ?? '', text(q.querySelector('[data-testid=query-status]'))],
        all(q, 'thead th').map(text),
        ...all(q, 'tbody tr').map((tr) => all(tr, 'td').map(text)),
      ]),
      annotations: all(document, '[data-testid=annotation]').map(text),
      alerts: all(document, '[data-testid=room-alert]').map(text),
    };
  });
}

/** Waits until the tab has folded in the room up to `seq` (the dashboard's `data-seq`). */
export async function waitForSeq(page: Page, seq: number): Promise<void> {
  await page.waitForFunction(
    (want) => Number(document.querySelector('[data-testid=dashboard]')?.getAttribute('data-seq') ?? -1) >= want,
    seq,
    { timeout: 30_000 },
  );
}
