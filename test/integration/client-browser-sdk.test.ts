/**
 * The SDK's browser build in real Chromium: bundled from hub/client with esbuild, served by the hub
 * as its web root, connecting with the token in the subprotocol, resuming after a cut.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM } from '../support/chromium.js';
import { tempDir, token, until } from '../support/hub.js';
import { sdkClient, startObservedHub, type ObservedHub, type SdkClient } from '../support/client-harness.js';

let bundle: string;
let h: ObservedHub;
let browser: Browser;
let page: Page;
const nodeClients: SdkClient[] = [];

/** The page's view of its client (the SDK runs in the page; tests read it through evaluate). */
interface PageState {
  status: string;
  code?: number;
  reason?: string;
  seqs: number[];
  resets: string[];
  clientId?: string;
  position: { epoch: string; seq: number } | null;
}

function pageState(): Promise<PageState> {
  return page.evaluate(() => {
    const w = window as any;
    return {
      ...w.client.state,
      seqs: w.seqs,
      resets: w.resets,
      clientId: w.client.session?.clientId,
      position: w.room.position,
    };
  });
}

async function pageUntil(check: (s: PageState) => boolean, what: string, timeoutMs = 10_000): Promise<PageState> {
  let last!: PageState;
  await until(async () => check((last = await pageState())), timeoutMs, what);
  return last;
}

beforeAll(async () => {
  const out = await build({
    entryPoints: [join(import.meta.dirname, '../../hub/client/index.ts')],
    bundle: true,
    format: 'iife',
    globalName: 'InsightHubClient',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  bundle = out.outputFiles[0]!.text;
  const webRoot = tempDir('insight-hub-browser-');
  mkdirSync(webRoot, { recursive: true });
  writeFileSync(join(webRoot, 'sdk.js'), bundle);
  writeFileSync(
    join(webRoot, 'index.html'),
    '<!doctype html><meta charset="utf-8"><title>SDK in a browser</title><script src="/sdk.js"></script>',
  );
  h = await startObservedHub({ webRoot });
  browser = await chromium.launch(CHROMIUM);
  page = await browser.newPage();
  await page.goto(`${h.hub.url}/`);
  await page.waitForFunction(() => typeof (window as any).InsightHubClient?.connect === 'function');
  const tok = await token(h.hub, { sub: 'browser-user', name: 'Browser User', role: 'editor', rooms: ['dash:*'] });
  await page.evaluate((tok) => {
    const w = window as any;
    w.seqs = [];
    w.resets = [];
    w.client = w.InsightHubClient.connect({
      url: `ws://${location.host}/ws`,
      getToken: () => tok,
      backoff: { baseMs: 50, capMs: 200 },
    });
    w.room = w.client.room('dash:1');
    w.room.on('*', (_data: unknown, msg: { seq: number }) => w.seqs.push(msg.seq));
    w.room.onReset((reason: string) => w.resets.push(reason));
  }, tok);
}, 60_000);

afterAll(async () => {
  for (const c of nodeClients.splice(0)) c.client.close();
  await browser?.close();
  await h?.hub.close();
});

describe('the SDK in Chromium', () => {
  it('bundles for the browser without Node built-ins or the ws package', () => {
    expect(bundle).not.toMatch(/require\(["'](node:|ws|events|net|tls|http)/);
    expect(bundle).not.toContain('node:');
    expect(bundle.length).toBeLessThan(100_000);
  });

  it('connects from the page with the token in the subprotocol and joins a room', async () => {
    const s = await pageUntil((s) => s.status === 'open' && s.position !== null, 'the page client to open');
    const session = h.core.sessions.get(s.clientId!);
    expect(session?.user).toEqual({ sub: 'browser-user', name: 'Browser User', role: 'editor' });
    expect(session?.userAgent).toMatch(/Chrome/);
    expect(await page.evaluate(() => (window as any).client.session.user.sub)).toBe('browser-user');
  });

  it('receives every message once, in order, across a hub-side kill, and publishes back', async () => {
    const node = sdkClient(h.hub, 'node-user');
    nodeClients.push(node);
    const nodeRoom = node.client.room('dash:1');
    const fromBrowser: string[] = [];
    nodeRoom.on('from-browser', (_d, m) => fromBrowser.push(m.from.sub));
    await until(() => nodeRoom.position !== null, 5000, 'node subscribed');

    const total = 200;
    const first = await pageState();
    for (let i = 1; i <= total; i++) {
      await nodeRoom.publish('tick', i);
      if (i === 80) h.core.sessions.get(first.clientId!)!.terminate();
    }
    const s = await pageUntil((s) => s.seqs.length >= total, 'every message in the page');
    expect(s.seqs).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(s.resets).toEqual([]);
    expect(s.clientId).not.toBe(first.clientId);

    const ack = await page.evaluate(() => (window as any).room.publish('from-browser', { hello: 'node' }));
    expect(ack).toEqual({
      room: 'dash:1',
      epoch: s.position!.epoch,
      seq: total + 1,
      key: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
    });
    await until(() => fromBrowser.length === 1, 5000, 'the browser message');
    expect(fromBrowser).toEqual(['browser-user']);
  });

  it('shares presence state from the page', async () => {
    const node = nodeClients[0]!;
    const nodeRoom = node.client.room('dash:1');
    await page.evaluate(() => (window as any).room.setState({ view: 'widget-3' }));
    await until(
      () => nodeRoom.members.some((m) => m.sub === 'browser-user' && m.state.view === 'widget-3'),
      5000,
      'the page member',
    );
    const members = await page.evaluate(() => (window as any).room.members.map((m: { sub: string }) => m.sub).sort());
    expect(members).toEqual(['browser-user', 'node-user']);
  });

  it('gets forbidden for a room outside its token, and stops with the reason when kicked', async () => {
    const code = await page.evaluate(() =>
      (window as any).client
        .room('secret:1')
        .publish('x', 1)
        .then(
          () => 'published',
          (e: { code: string }) => e.code,
        ),
    );
    expect(code).toBe('forbidden');
    const { clientId } = await pageState();
    await h.core.engine.control({ kind: 'kick', clientId, reason: 'end of demo' });
    const s = await pageUntil((s) => s.status === 'closed', 'the page client to stop');
    expect({ code: s.code, reason: s.reason }).toEqual({ code: 4004, reason: 'end of demo' });
  });
});
