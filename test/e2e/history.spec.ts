/**
 * A late joiner and a reloaded tab see what a tab there from the start sees: for random sequences
 * of refreshes, query streams, annotations and alerts (fast-check picks them and the moment of the
 * reload), the three dashboards stay equal.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type BrowserContext, type Page, type Request } from '@playwright/test';
import fc from 'fast-check';
import type { Json } from '../../hub/protocol/index.js';
import { dashboardState, waitForSeq } from './support/dashboard-state.js';
import { hubUrl } from './support/hub-env.js';
import { startHubProcess } from './support/hub-process.js';
import { screenshot } from './support/pages.js';
import { publish } from './support/publish.js';
import { mint, serviceToken } from './support/tokens.js';

const WIDGETS = ['revenue', 'pipeline', 'churn', 'nps'];

type Op =
  | { kind: 'refresh'; widgets?: string[]; reason?: string }
  | { kind: 'query'; queryId: string; columns: string[]; chunks: number[][][]; end: 'done' | 'error' | 'open' }
  | { kind: 'annotation'; text: string; widget?: string }
  | { kind: 'alert'; severity: 'info' | 'warning' | 'critical'; title: string };

const words = fc.stringMatching(/^[A-Za-z][A-Za-z0-9 ]{0,15}$/);
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('refresh' as const),
    widgets: fc.option(fc.subarray(WIDGETS, { minLength: 1 }), { nil: undefined }),
    reason: fc.option(words, { nil: undefined }),
  }),
  fc.integer({ min: 1, max: 4 }).chain((width) =>
    fc.record({
      kind: fc.constant('query' as const),
      queryId: fc.constantFrom('q-sales', 'q-ops'),
      columns: fc.constant(['region', 'amount', 'count', 'share'].slice(0, width)),
      chunks: fc.array(
        fc.array(fc.array(fc.integer({ min: 0, max: 999 }), { minLength: width, maxLength: width }), {
          minLength: 1,
          maxLength: 3,
        }),
        { minLength: 1, maxLength: 3 },
      ),
      end: fc.constantFrom('done' as const, 'error' as const, 'open' as const),
    }),
  ),
  fc.record({
    kind: fc.constant('annotation' as const),
    text: words,
    widget: fc.option(fc.constantFrom(...WIDGETS), { nil: undefined }),
  }),
  fc.record({
    kind: fc.constant('alert' as const),
    severity: fc.constantFrom('info' as const, 'warning' as const, 'critical' as const),
    title: words,
  }),
);

/** Publishes one op as InsightEngine would; returns the seq of its last message. */
async function publishOp(room: string, o: Op, n: number): Promise<number> {
  const send = async (event: string, data: Json): Promise<number> => (await publish(room, event, data)).seq;
  switch (o.kind) {
    case 'refresh': {
      const data: Record<string, Json> = {};
      if (o.widgets) data.widgets = o.widgets;
      if (o.reason) data.reason = o.reason;
      return send('refresh', data);
    }
    case 'query': {
      let seq = 0;
      for (const [chunk, rows] of o.chunks.entries()) {
        // Column names travel with the first chunk only: a tab that missed it shows "#1 #2".
        seq = await send(
          'query.rows',
          chunk === 0 ? { queryId: o.queryId, chunk, columns: o.columns, rows } : { queryId: o.queryId, chunk, rows },
        );
      }
      if (o.end === 'done') seq = await send('query.done', { queryId: o.queryId, rowCount: o.chunks.flat().length });
      if (o.end === 'error') seq = await send('query.error', { queryId: o.queryId, message: 'warehouse timed out' });
      return seq;
    }
    case 'annotation':
      return send(
        'annotation',
        o.widget ? { id: `n${n}`, text: o.text, widget: o.widget } : { id: `n${n}`, text: o.text },
      );
    case 'alert':
      return send('alert', { id: `a${n}-${Date.now().toString(36)}`, severity: o.severity, title: o.title });
  }
}

let early: BrowserContext;
let late: BrowserContext;
let reloaded: BrowserContext;

test.beforeAll(async ({ browser }) => {
  [early, late, reloaded] = await Promise.all([browser.newContext(), browser.newContext(), browser.newContext()]);
});
test.afterAll(async () => {
  for (const c of [early, late, reloaded]) await c?.close();
});

async function openDashboard(context: BrowserContext, sub: string, room: string): Promise<Page> {
  const page = await context.newPage();
  const token = await mint({ sub, name: sub, role: 'viewer', rooms: [room] });
  await page.goto(`${hubUrl()}/#token=${token}&room=${encodeURIComponent(room)}`);
  await expect(page.locator('[data-testid=dashboard][data-status=live]')).toBeVisible();
  return page;
}

let run = 0;

test('a late joiner and a reloaded tab show what the tab that was there from the start shows', async () => {
  test.setTimeout(600_000);
  await fc.assert(
    fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 10 }), fc.nat(), async (ops, reloadAt) => {
      const room = `dashboard:prop-${Date.now().toString(36)}-${run++}`;
      const first = await openDashboard(early, 'early', room);
      const second = await openDashboard(reloaded, 'reloader', room);
      const pages = [first, second];
      try {
        let seq = 0;
        const reloadIndex = reloadAt % (ops.length + 1);
        for (const [i, o] of ops.entries()) {
          if (i === reloadIndex) await second.reload();
          seq = await publishOp(room, o, i);
        }
        if (reloadIndex === ops.length) await second.reload();
        const third = await openDashboard(late, 'late', room);
        pages.push(third);
        await waitForSeq(first, seq);
        const expected = await dashboardState(first);
        expect(expected.room).toBe(room);
        await waitForSeq(second, seq);
        await waitForSeq(third, seq);
        // Everything has arrived: the pages must already agree (the poll only covers a render).
        await expect.poll(() => dashboardState(second)).toEqual(expected);
        await expect.poll(() => dashboardState(third)).toEqual(expected);
      } finally {
        for (const p of pages) await p.close();
      }
    }),
    { numRuns: 6, endOnFailure: true },
  );
});

test('a late joiner sees a whole streamed query with its column names, the widgets, notes and alerts', async () => {
  const room = `dashboard:late-${Date.now().toString(36)}`;
  const ops: Op[] = [
    { kind: 'refresh', widgets: ['revenue', 'pipeline'], reason: 'nightly load finished' },
    {
      kind: 'query',
      queryId: 'q-sales',
      columns: ['region', 'amount', 'count'],
      chunks: [
        [
          [1, 120, 4],
          [2, 80, 3],
        ],
        [
          [3, 45, 1],
          [4, 300, 9],
        ],
      ],
      end: 'done',
    },
    { kind: 'annotation', text: 'Q3 dip is the holiday week', widget: 'revenue' },
    { kind: 'alert', severity: 'critical', title: 'Pipeline below target' },
    { kind: 'refresh', widgets: ['revenue'] },
  ];
  for (const [i, o] of ops.entries()) await publishOp(room, o, i);
  // The history comes with the subscribe: the page asks no REST route of the room.
  const roomCalls: string[] = [];
  const record = (r: Request): void => {
    const path = new URL(r.url()).pathname;
    if (path.startsWith('/api/rooms/')) roomCalls.push(path);
  };
  late.on('request', record);
  const page = await openDashboard(late, 'late-joiner', room);
  try {
    const query = page.locator('[data-testid=query][data-query=q-sales]');
    await expect(query.locator('thead th')).toHaveText(['region', 'amount', 'count']);
    await expect(query.locator('tbody tr')).toHaveCount(4);
    await expect(query.getByTestId('query-status')).toHaveText('Done · 4 rows');
    await expect(page.locator('[data-widget=revenue] [data-testid=refresh-state]')).toContainText('2×');
    await expect(page.locator('[data-widget=revenue]')).toContainText('Q3 dip is the holiday week');
    await expect(page.getByTestId('room-alert')).toContainText('Pipeline below target');
    await screenshot(page, 'dashboard-late-joiner');
    expect(roomCalls).toEqual([]);
  } finally {
    late.off('request', record);
    await page.close();
  }
});

test('an alert published right after a hub restart, before the tab is back, is on the dashboard', async ({
  browser,
}) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'insight-hub-e2e-restart-'));
  // History in memory: the restarted hub starts a new epoch (a sqlite hub would resume the old one).
  let hub = await startHubProcess({ dataDir, history: 'memory' });
  const port = Number(new URL(hub.url).port);
  const room = `dashboard:restart-${Date.now().toString(36)}`;
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const token = await mint({ sub: 'stayer', role: 'viewer', rooms: [room] });
    await page.goto(`${hub.url}/#token=${token}&room=${encodeURIComponent(room)}`);
    await expect(page.locator('[data-testid=dashboard][data-status=live]')).toBeVisible();
    await publishTo(hub.url, room, 'refresh', { widgets: ['before'] });
    await expect(page.locator('[data-widget=before]')).toBeVisible();

    await hub.stop();
    await expect(page.getByTestId('connection-banner')).toBeVisible();
    // The tab is kept away (offline) until the alert is in: it comes back to a hub whose memory
    // engine started a new epoch, holding a position in the old one.
    await context.setOffline(true);
    hub = await startHubProcess({ dataDir, port, history: 'memory' });
    await publishTo(hub.url, room, 'alert', {
      id: 'after-restart',
      severity: 'critical',
      title: 'Published after the restart',
    });
    await context.setOffline(false);
    await expect(page.getByTestId('room-alert')).toContainText('Published after the restart');
    await expect(page.getByTestId('resync-banner')).toContainText('the hub restarted');
    // What the users saw before the restart stays on the page, as they saw it.
    await expect(page.locator('[data-widget=before] [data-testid=refresh-state]')).toContainText('Refreshed');
    await screenshot(page, 'dashboard-after-restart');
  } finally {
    await context.close();
    await hub.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

async function publishTo(base: string, room: string, event: string, data: Json): Promise<void> {
  const res = await fetch(`${base}/api/rooms/${encodeURIComponent(room)}/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await serviceToken()}`, 'content-type': 'application/json' },
    body: JSON.stringify({ event, data }),
  });
  expect(res.status).toBe(201);
}
