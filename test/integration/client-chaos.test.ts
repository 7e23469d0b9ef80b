/**
 * While a publisher sends 10,000 messages and every subscriber's link is cut at random (destroyed,
 * killed by the hub, or paused into 4008), each subscriber's app callback sees every seq exactly
 * once, in order.
 */
import { describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import type { ConnectionState } from '../../hub/client/index.js';
import { sleep, until } from '../support/hub.js';
import { sdkClient, startObservedHub, type SdkClient } from '../support/client-harness.js';

const TOTAL = 10_000;
const SUBSCRIBERS = 4;
/** Big enough that a paused reader overflows the hub's queue within the run (TCP buffers hold MBs). */
const PAYLOAD = 'x'.repeat(2048);
/** Publishes in flight at once, with a pause after each batch: paced so a paused reader overflows while others keep up. */
const WINDOW = 20;
const BATCH_PAUSE_MS = 10;
const ROOM = 'dashboard:chaos';

type CutKind = 'destroy' | 'hub-kill' | 'pause';

/** A small seeded generator, so a failing run can be repeated with CHAOS_SEED. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Subscriber {
  name: string;
  sdk: SdkClient;
  seqs: number[];
  outOfOrder: number;
  resets: number;
  paused: WebSocket | null;
  cuts: Record<CutKind, number>;
  /** When the client saw its connection go, and the publisher's last acked seq at that moment. */
  lostAt: number | null;
  lostAtSeq: number;
  resumeMs: number[];
  catchUpMs: number[];
  /** The states of the current outage, kept with the slowest resume for the report. */
  outage: Array<ConnectionState & { atMs: number }>;
  slowest: { ms: number; states: Array<ConnectionState & { atMs: number }> };
}

describe('chaos: random cuts while 10,000 messages are published', () => {
  it('every subscriber sees every seq exactly once, in order', async () => {
    const seed = Number(process.env.CHAOS_SEED ?? Math.floor(Math.random() * 2 ** 31));
    const random = mulberry32(seed);
    const { hub, core } = await startObservedHub({
      limits: {
        messagesPerSecond: 1_000_000,
        burst: 1_000_000,
        publishBytesPerSecond: 1e12,
        maxQueuedBytes: 2 * 1024 * 1024,
      },
      history: { maxMessages: 2 * TOTAL },
    });
    let lastAcked = 0;
    const subscribers: Subscriber[] = [];
    try {
      for (let i = 0; i < SUBSCRIBERS; i++) {
        const sdk = sdkClient(hub, `viewer-${i}`, { role: 'viewer', backoff: { baseMs: 50, capMs: 1000 } });
        const sub: Subscriber = {
          name: `viewer-${i}`,
          sdk,
          seqs: [],
          outOfOrder: 0,
          resets: 0,
          paused: null,
          cuts: { destroy: 0, 'hub-kill': 0, pause: 0 },
          lostAt: null,
          lostAtSeq: 0,
          resumeMs: [],
          catchUpMs: [],
          outage: [],
          slowest: { ms: 0, states: [] },
        };
        const room = sdk.client.room(ROOM);
        room.on('tick', (_data, msg) => {
          const expected = (sub.seqs.at(-1) ?? 0) + 1;
          if (msg.seq !== expected) sub.outOfOrder++;
          sub.seqs.push(msg.seq);
          if (sub.lostAt !== null && sdk.client.state.status === 'open') {
            if (sub.resumeMs.length === sub.catchUpMs.length) sub.resumeMs.push(Date.now() - sub.lostAt);
            if (msg.seq >= sub.lostAtSeq) {
              const ms = Date.now() - sub.lostAt;
              sub.catchUpMs.push(ms);
              if (ms > sub.slowest.ms) sub.slowest = { ms, states: sub.outage };
              sub.lostAt = null;
              sub.outage = [];
            }
          }
        });
        room.onReset(() => sub.resets++);
        sdk.client.onState((s: ConnectionState) => {
          if (sub.lostAt !== null || s.status === 'reconnecting')
            sub.outage.push({ ...s, atMs: Date.now() - (sub.lostAt ?? Date.now()) });
          if (s.status === 'reconnecting' && sub.lostAt === null) {
            sub.lostAt = Date.now();
            sub.lostAtSeq = lastAcked;
            // A resume that brought nothing new is measured from the first message after it.
            if (sub.resumeMs.length > sub.catchUpMs.length) sub.resumeMs.pop();
          }
        });
        subscribers.push(sub);
      }
      await until(
        () => subscribers.every((s) => s.sdk.client.room(ROOM).position !== null),
        10_000,
        'subscribers in the room',
      );

      const publisher = sdkClient(hub, 'engine', { role: 'service', rooms: [ROOM] });
      const room = publisher.client.room(ROOM);
      let published = 0;
      const started = Date.now();
      const publishing = (async () => {
        while (published < TOTAL) {
          const batch = Math.min(WINDOW, TOTAL - published);
          const acks = await Promise.all(
            Array.from({ length: batch }, () => room.publish('tick', { n: ++published, pad: PAYLOAD })),
          );
          lastAcked = Math.max(lastAcked, ...acks.map((a) => a.seq));
          // Pacing of the load, not a wait: the checks below wait for every seq to arrive.
          await sleep(BATCH_PAUSE_MS);
        }
      })();

      let done = false;
      // Its failure is reported by `await publishing` below; here it only ends the chaos.
      const stopChaos = (): boolean => (done = true);
      publishing.then(stopChaos, stopChaos);
      const overflows: Promise<void>[] = [];
      const chaos = (async () => {
        while (!done) {
          // The chaos's rhythm: a cut every 30-150 ms while the publisher runs.
          await sleep(30 + random() * 120);
          const open = subscribers.filter((s) => !s.paused && s.sdk.client.state.status === 'open');
          if (open.length === 0) continue;
          const sub = open[Math.floor(random() * open.length)]!;
          // One paused reader at a time keeps the run short; the pause must start early enough to overflow.
          const kinds: CutKind[] =
            subscribers.some((s) => s.paused) || published > TOTAL * 0.4
              ? ['destroy', 'hub-kill']
              : ['destroy', 'hub-kill', 'pause'];
          const kind = kinds[Math.floor(random() * kinds.length)]!;
          const ws = sub.sdk.current();
          // The client may still think it is open while the hub has already let it go.
          const session = core.sessions.get(sub.sdk.client.session?.clientId ?? '');
          if (!session?.isOpen || ws.readyState !== ws.OPEN) continue;
          sub.cuts[kind]++;
          if (kind === 'destroy') {
            (ws as unknown as { _socket: { destroy(): void } })._socket.destroy();
          } else if (kind === 'hub-kill') {
            session.terminate();
          } else {
            ws.pause();
            sub.paused = ws;
            overflows.push(
              until(() => !session.isOpen || done, 120_000, 'the overflow').then(() => {
                ws.resume();
                sub.paused = null;
              }),
            );
          }
        }
      })();

      await publishing;
      await chaos;
      await Promise.all(overflows);
      await until(() => subscribers.every((s) => !s.paused), 10_000, 'paused readers resumed');
      await until(() => subscribers.every((s) => s.seqs.length >= TOTAL), 60_000, 'every subscriber to catch up');
      const elapsed = Date.now() - started;

      const closes: Record<string, number> = {};
      for (const s of subscribers) {
        for (const st of s.sdk.states) {
          if (st.status === 'reconnecting' && st.lastClose)
            closes[st.lastClose.code] = (closes[st.lastClose.code] ?? 0) + 1;
        }
      }
      const worst = (xs: number[]): number => (xs.length ? Math.max(...xs) : 0);
      const median = (xs: number[]): number =>
        xs.length ? [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]! : 0;
      const summary = {
        seed,
        published,
        elapsedMs: elapsed,
        delivered: subscribers.map((s) => s.seqs.length),
        cuts: subscribers.map((s) => s.cuts),
        connections: subscribers.map((s) => s.sdk.sockets.length),
        closesByCode: closes,
        resumes: subscribers.reduce((n, s) => n + s.resumeMs.length, 0),
        medianResumeMs: median(subscribers.flatMap((s) => s.resumeMs)),
        worstResumeMs: worst(subscribers.flatMap((s) => s.resumeMs)),
        worstCatchUpMs: worst(subscribers.flatMap((s) => s.catchUpMs)),
        slowestOutage: subscribers.map((s) => s.slowest).sort((a, b) => b.ms - a.ms)[0],
      };
      console.log(`chaos summary ${JSON.stringify(summary)}`);

      const everySeq = Array.from({ length: TOTAL }, (_, i) => i + 1);
      for (const s of subscribers) {
        expect(s.outOfOrder, `${s.name} out-of-order deliveries (seed ${seed})`).toBe(0);
        expect(s.resets, `${s.name} resets (seed ${seed})`).toBe(0);
        expect(s.seqs.length, `${s.name} deliveries (seed ${seed})`).toBe(TOTAL);
        expect(s.seqs, `${s.name} seqs (seed ${seed})`).toEqual(everySeq);
      }
      // Every kind of cut happened, and the hub did close paused readers with 4008.
      const totals = (k: CutKind): number => subscribers.reduce((n, s) => n + s.cuts[k], 0);
      expect(totals('destroy')).toBeGreaterThan(0);
      expect(totals('hub-kill')).toBeGreaterThan(0);
      expect(totals('pause')).toBeGreaterThan(0);
      expect(closes['4008'] ?? 0).toBeGreaterThan(0);
      publisher.client.close();
    } finally {
      for (const s of subscribers) s.sdk.client.close();
      await hub.close();
    }
  }, 180_000);
});
