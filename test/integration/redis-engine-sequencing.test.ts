/**
 * The Redis engine against a real redis-server: several engines (hubs) publishing to one room at
 * once get contiguous, unique seqs; every subscribed engine delivers each seq once, in order; history
 * and resume read the stream.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServerHandle } from '../support/redis-server.js';
import { startEngine, testPrefix, type RunningEngine } from '../support/redis-helpers.js';
import type { Sender } from '../../hub/protocol/index.js';

let redis: RedisServerHandle;
const running: RunningEngine[] = [];

beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.stop();
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.engine.close()));
});

async function engines(
  n: number,
  prefix = testPrefix(),
  policy = { maxMessages: 1000, maxAgeMs: 600_000 },
): Promise<RunningEngine[]> {
  const started = await Promise.all(
    Array.from({ length: n }, (_, i) =>
      startEngine(redis.url, { keyPrefix: prefix, nodeId: `hub-${i}`, historyPolicy: () => policy }),
    ),
  );
  running.push(...started);
  return started;
}

const alice: Sender = { sub: 'alice', name: 'Alice', clientId: 'c-alice' };

function publishInput(room: string, n: number, from: Sender = alice) {
  return { room, event: 'tick', data: { n }, from, time: Date.now() };
}

describe('redis engine: sequencing and fan-out', () => {
  it('numbers concurrent publishes from three hubs 1..N with no gap or repeat, and every hub delivers each once in order', async () => {
    const hubs = await engines(3);
    const room = 'dashboard:42';
    for (const h of hubs) await h.engine.subscribe(room);
    const perHub = 400;
    const acks = await Promise.all(
      hubs.map((h, i) =>
        Promise.all(Array.from({ length: perHub }, (_, n) => h.engine.publish(publishInput(room, i * perHub + n)))),
      ),
    );
    const seqs = acks
      .flat()
      .map((m) => m.seq)
      .sort((a, b) => a - b);
    const total = perHub * hubs.length;
    expect(seqs).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(new Set(acks.flat().map((m) => m.epoch)).size).toBe(1);

    for (const h of hubs) {
      await h.events.until(() => h.events.messagesOf(room).length >= total, `${h.engine.nodeId} to deliver ${total}`);
      const delivered = h.events.messagesOf(room);
      expect(delivered.map((m) => m.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    }
    // What each hub delivered for a seq is what the publisher stored under it.
    const bySeq = new Map(acks.flat().map((m) => [m.seq, m.data]));
    for (const m of hubs[2].events.messagesOf(room)) expect(m.data).toEqual(bySeq.get(m.seq));
  });

  it('delivers only rooms the hub listens to, and stops after unsubscribe', async () => {
    const [a, b] = await engines(2);
    await a.engine.subscribe('room:a');
    await b.engine.subscribe('room:b');
    await b.engine.publish(publishInput('room:a', 1));
    await b.engine.publish(publishInput('room:b', 2));
    await a.events.until(() => a.events.messagesOf('room:a').length === 1, 'room:a delivery');
    await b.events.until(() => b.events.messagesOf('room:b').length === 1, 'room:b delivery');
    expect(a.events.messagesOf('room:b')).toEqual([]);
    expect(b.events.messagesOf('room:a')).toEqual([]);

    await a.engine.unsubscribe('room:a');
    await b.engine.publish(publishInput('room:a', 3));
    // A marker published after it on a room `a` still listens to proves the first was not delivered.
    await a.engine.subscribe('room:marker');
    await b.engine.publish(publishInput('room:marker', 4));
    await a.events.until(() => a.events.messagesOf('room:marker').length === 1, 'marker delivery');
    expect(a.events.messagesOf('room:a').map((m) => m.seq)).toEqual([1]);
  });

  it('delivers once after a quick unsubscribe and subscribe again, and counts what it stores', async () => {
    const [a, b] = await engines(2);
    const room = 'flip:1';
    await b.engine.subscribe(room);
    const leaving = b.engine.unsubscribe(room);
    const back = b.engine.subscribe(room);
    await Promise.all([leaving, back]);
    await b.engine.subscribe(room); // idempotent
    for (let n = 0; n < 20; n++) await a.engine.publish(publishInput(room, n));
    await b.events.until(() => b.events.messagesOf(room).length >= 20, 'delivery');
    await a.engine.publish(publishInput('flip:marker', 0));
    await b.engine.subscribe('flip:marker');
    await b.engine.publish(publishInput('flip:marker', 1));
    await b.events.until(() => b.events.messagesOf('flip:marker').length === 1, 'marker');
    expect(b.events.messagesOf(room).map((m) => m.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    // historySize counts the stored messages of the rooms b listens to, refreshed each heartbeat.
    for (let i = 0; i < 400 && b.engine.historySize() !== 22; i++) await new Promise((r) => setTimeout(r, 25));
    expect(b.engine.historySize()).toBe(22);
  });

  it('carries the sender and the echo wish to every hub', async () => {
    const [a, b] = await engines(2);
    await b.engine.subscribe('echo:room');
    const acked = await a.engine.publish({ ...publishInput('echo:room', 1), echo: true } as Parameters<
      typeof a.engine.publish
    >[0]);
    await b.events.until(() => b.events.messagesOf('echo:room').length === 1, 'delivery');
    const delivered = b.events.messagesOf('echo:room')[0] as typeof acked & { echo?: boolean };
    expect(delivered.from).toEqual(alice);
    expect(delivered.echo).toBe(true);
    expect({ ...delivered, echo: undefined }).toEqual({ ...acked, echo: undefined });
  });
});

describe('redis engine: history and resume', () => {
  it('returns what was missed since a position, from any hub, and the current position without since', async () => {
    const [a, b] = await engines(2);
    const room = 'resume:1';
    const sent = [];
    for (let n = 0; n < 20; n++) sent.push(await a.engine.publish(publishInput(room, n)));
    const epoch = sent[0].epoch;

    const plain = await b.engine.history(room);
    expect(plain.position).toEqual({ epoch, seq: 20 });
    expect(plain.messages).toEqual([]);
    expect(plain.recovered).toBeUndefined();

    const resumed = await b.engine.history(room, { epoch, seq: 12 });
    expect(resumed.recovered).toBe(true);
    expect(resumed.messages.map((m) => m.seq)).toEqual([13, 14, 15, 16, 17, 18, 19, 20]);
    expect(resumed.messages[0]).toEqual(sent[12]);

    const upToDate = await b.engine.history(room, { epoch, seq: 20 });
    expect(upToDate).toEqual({ position: { epoch, seq: 20 }, messages: [], recovered: true });
  });

  it('says epoch_changed for another epoch or a malformed position, and evicted beyond the window', async () => {
    const [a] = await engines(1, testPrefix(), { maxMessages: 5, maxAgeMs: 600_000 });
    const room = 'window:1';
    let last;
    for (let n = 0; n < 12; n++) last = await a.engine.publish(publishInput(room, n));
    const epoch = last!.epoch;

    expect(await a.engine.history(room, { epoch: 'another', seq: 3 })).toMatchObject({
      recovered: false,
      reason: 'epoch_changed',
      messages: [],
    });
    expect(await a.engine.history(room, null)).toMatchObject({
      recovered: false,
      messages: [],
      position: { epoch, seq: 12 },
    });
    // A position the room never reached fails closed too.
    expect(await a.engine.history(room, { epoch, seq: 13 })).toMatchObject({
      recovered: false,
      reason: 'epoch_changed',
    });
    // The last 5 are 8..12: resuming after 7 works, after 6 does not.
    const inside = await a.engine.history(room, { epoch, seq: 7 });
    expect(inside.recovered).toBe(true);
    expect(inside.messages.map((m) => m.seq)).toEqual([8, 9, 10, 11, 12]);
    expect(await a.engine.history(room, { epoch, seq: 6 })).toMatchObject({
      recovered: false,
      reason: 'evicted',
      messages: [],
    });
  });

  it('treats messages older than the age bound as evicted', async () => {
    const [a] = await engines(1, testPrefix(), { maxMessages: 100, maxAgeMs: 60_000 });
    const room = 'aged:1';
    const old = await a.engine.publish({ ...publishInput(room, 0), time: Date.now() - 120_000 });
    await a.engine.publish(publishInput(room, 1));
    expect(await a.engine.history(room, { epoch: old.epoch, seq: 0 })).toMatchObject({
      recovered: false,
      reason: 'evicted',
    });
    const fresh = await a.engine.history(room, { epoch: old.epoch, seq: 1 });
    expect(fresh.messages.map((m) => m.seq)).toEqual([2]);
  });

  it('keeps the epoch when a hub restarts, so its clients resume', async () => {
    const prefix = testPrefix();
    const [a] = await engines(1, prefix);
    const first = await a.engine.publish(publishInput('restart:1', 1));
    await a.engine.close();
    running.splice(running.indexOf(a), 1);
    const [again] = await engines(1, prefix);
    const next = await again.engine.publish(publishInput('restart:1', 2));
    expect(next.epoch).toBe(first.epoch);
    expect(next.seq).toBe(2);
    const resumed = await again.engine.history('restart:1', { epoch: first.epoch, seq: 1 });
    expect(resumed.messages.map((m) => m.data)).toEqual([{ n: 2 }]);
  });

  it('gives a room that never had a message a stable epoch at seq 0', async () => {
    const [a, b] = await engines(2);
    const seen = await a.engine.history('empty:1');
    expect(seen.position.seq).toBe(0);
    const published = await b.engine.publish(publishInput('empty:1', 1));
    expect(published.epoch).toBe(seen.position.epoch);
    const resumed = await a.engine.history('empty:1', { epoch: seen.position.epoch, seq: 0 });
    expect(resumed.recovered).toBe(true);
    expect(resumed.messages.map((m) => m.seq)).toEqual([1]);
  });

  it('answers a subscribed room no further than this hub has delivered live, so a joining client gets no repeats', async () => {
    const [a, b] = await engines(2);
    const room = 'overlap:1';
    await a.engine.subscribe(room);
    const publishing = Promise.all(Array.from({ length: 300 }, (_, n) => b.engine.publish(publishInput(room, n))));
    let checks = 0;
    while (checks < 30) {
      const h = await a.engine.history(room, { epoch: (await a.engine.history(room)).position.epoch, seq: 0 });
      const delivered = a.events.messagesOf(room);
      const lastDelivered = delivered.length ? delivered[delivered.length - 1].seq : 0;
      // Everything up to the answered position has been delivered live already, nothing beyond.
      expect(h.position.seq).toBeLessThanOrEqual(lastDelivered);
      expect(h.messages.map((m) => m.seq)).toEqual(Array.from({ length: h.position.seq }, (_, i) => i + 1));
      checks++;
    }
    await publishing;
  });
});
