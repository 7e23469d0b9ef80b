/**
 * Flooding: messages above the per-connection rate get `rate_limited` (and are dropped); the
 * `rateLimitStrikes`-th of them within the error window closes the connection with 4029 — while
 * other clients' delivery carries on.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ServerMessage } from '../../hub/protocol/index.js';
import type { Hub } from '../../hub/server/types.js';
import { TestClient, connect, startHub, token } from '../support/hub.js';

const RATE = 10;
const BURST = 10;
const STRIKES = 3;
const ROOM = 'flood:1';

type Err = Extract<ServerMessage, { type: 'error' }>;

let hub: Hub;
beforeAll(async () => {
  hub = await startHub({ limits: { messagesPerSecond: RATE, burst: BURST, rateLimitStrikes: STRIKES } });
});
afterAll(() => hub.close());

async function client(sub: string): Promise<TestClient> {
  return connect(hub, await token(hub, { sub, rooms: ['flood:*'] }));
}

async function barrier(c: TestClient): Promise<void> {
  const id = `b${Math.random().toString(36).slice(2)}`;
  const pong = c.waitFor((m) => m.type === 'pong' && m.id === id);
  c.send({ type: 'ping', id });
  await pong;
}

/**
 * Runs `body` with Date.now in the test's hands: the rate bucket and the strike window read it, so
 * a refill or a window passing is a step of the clock instead of a sleep.
 */
async function withClock(body: (advance: (ms: number) => void) => Promise<void>): Promise<void> {
  const real = Date.now.bind(Date);
  let ahead = 0;
  const clock = vi.spyOn(Date, 'now').mockImplementation(() => real() + ahead);
  try {
    await body((ms) => (ahead += ms));
  } finally {
    clock.mockRestore();
  }
}

describe('flooding', () => {
  it('answers rate_limited, drops those messages, then closes with 4029; others carry on', async () => {
    const watcher = await client('watcher');
    await watcher.request({ type: 'subscribe', room: ROOM });
    const steady = await client('steady');
    const flooder = await client('flooder');

    // A steady publisher before, during and after the flood.
    let steadyN = 0;
    const publishSteady = async (): Promise<void> => {
      const ack = await steady.request({ type: 'publish', room: ROOM, event: 'steady', data: { n: ++steadyN } });
      expect(ack.type).toBe('ack');
    };
    await publishSteady();

    const FLOOD = 100;
    for (let i = 0; i < FLOOD; i++)
      flooder.send({ type: 'publish', id: `f${i}`, room: ROOM, event: 'flood', data: { i } });
    await publishSteady();
    const closed = await flooder.waitForClose();
    expect(closed.code).toBe(4029);
    for (let i = 0; i < 3; i++) await publishSteady();

    const acked = new Set(flooder.received.filter((m) => m.type === 'ack').map((m) => (m as { id: string }).id));
    const limited = flooder.received.filter((m): m is Err => m.type === 'error' && m.code === 'rate_limited');
    // Past the burst: rate_limited answers by id, as many as the strikes allow, then 4029.
    expect(limited).toHaveLength(STRIKES);
    for (const e of limited) expect(e.id).toMatch(/^f\d+$/);
    expect(flooder.received.filter((m) => m.type === 'error' && m.code !== 'rate_limited')).toHaveLength(0);

    // Delivery to the watcher: every steady message in order; of the flood only the burst that
    // was let through (refused messages are dropped, never delivered).
    await barrier(watcher);
    const got = watcher.messages(ROOM);
    expect(got.filter((m) => m.event === 'steady').map((m) => (m.data as { n: number }).n)).toEqual([1, 2, 3, 4, 5]);
    const flooded = got.filter((m) => m.event === 'flood').map((m) => `f${(m.data as { i: number }).i}`);
    expect(flooded.length).toBeGreaterThanOrEqual(BURST);
    // Tokens refill while the flood is read, so allow a few beyond the burst — never the flood.
    expect(flooded.length).toBeLessThan(FLOOD / 2);
    expect(flooded).toEqual(flooded.slice().sort((a, b) => Number(a.slice(1)) - Number(b.slice(1))));
    for (const e of limited) expect(flooded).not.toContain(e.id);
    for (const id of acked) expect(flooded).toContain(id);
    // And every message that was stored was acked before the close: the flooder knows which.
    for (const id of flooded) expect(acked).toContain(id);
    expect(watcher.closed).toBeUndefined();
    watcher.close();
    steady.close();
  });

  it('a client that slows down after a few rate_limited answers keeps its connection', async () => {
    await withClock(async (advance) => {
      const c = await client('bursty');
      for (let i = 0; i < BURST + 2; i++) c.send({ type: 'ping', id: `p${i}` });
      // The last two are refused: two strikes, one short of the close.
      await c.waitFor((m) => m.type === 'error' && m.code === 'rate_limited' && m.id === `p${BURST + 1}`);
      expect(c.received.filter((m) => m.type === 'error' && m.code === 'rate_limited')).toHaveLength(2);
      advance((1000 / RATE) * 3);
      await barrier(c);
      const ack = await c.request({ type: 'subscribe', room: ROOM });
      expect(ack.type).toBe('ack');
      expect(c.closed).toBeUndefined();
      c.close();
    });
  });

  it('strikes leave the window: a tab that bursts now and then is never closed', async () => {
    // Before, strikes only added up: the fourth burst of a long-lived tab closed it with 4029.
    await withClock(async (advance) => {
      const c = await client('long-lived');
      for (let round = 0; round < 4; round++) {
        for (let i = 0; i < BURST + STRIKES - 1; i++) c.send({ type: 'ping', id: `r${round}-${i}` });
        const last = `r${round}-${BURST + STRIKES - 2}`;
        await c.waitFor((m) => (m.type === 'error' || m.type === 'pong') && m.id === last);
        // One strike short of the close in every round: the ones of the round before have left.
        const refused = c.received.filter((m) => m.type === 'error' && m.id?.startsWith(`r${round}-`));
        expect(refused).toHaveLength(STRIKES - 1);
        advance(10_000 + (1000 / RATE) * BURST); // past the error window, the bucket full again
      }
      await barrier(c);
      expect(c.closed).toBeUndefined();
      c.close();
    });
  });

  it('answers every request it accepted before closing with 4029, and handles nothing after', async () => {
    const room = 'flood:2';
    const c = await client('burst-then-flood');
    await c.request({ type: 'subscribe', room });
    // In one write, read in one turn: the burst's publishes, the strikes, then more that must not
    // be handled. Before, the close came in that same turn and every ack of the burst was lost.
    c.sendTogether(
      Array.from({ length: 40 }, (_, i) => ({ type: 'publish', id: `g${i}`, room, event: 'g', data: { i } })),
    );
    const closed = await c.waitForClose();
    expect(closed.code).toBe(4029);
    const acks = c.received.filter((m) => m.type === 'ack' && (m as { id?: string }).id?.startsWith('g'));
    expect(c.received.filter((m) => m.type === 'error' && m.code === 'rate_limited')).toHaveLength(STRIKES);
    expect(acks.length).toBeGreaterThanOrEqual(BURST - 1); // the subscribe took one of the burst
    // The room holds exactly the acked messages: nothing after the strikes was stored.
    const reader = await client('reader');
    const ack = await reader.request({ type: 'subscribe', room });
    expect((ack as { seq: number }).seq).toBe(acks.length);
    reader.close();
  });

  it('counts every kind of message against the rate, not only publishes', async () => {
    const c = await client('pinger');
    for (let i = 0; i < 60; i++) c.send({ type: 'ping', id: `q${i}` });
    const closed = await c.waitForClose();
    expect(closed.code).toBe(4029);
    expect(c.received.filter((m) => m.type === 'error' && m.code === 'rate_limited')).toHaveLength(STRIKES);
  });
});
