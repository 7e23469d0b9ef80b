/**
 * A client that stops reading is closed with 4008 past the queue cap while the room's others get
 * everything, and resumes with `since` missing nothing; a fresh connection whose welcome is still
 * unsent is never taken for one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../hub/server/types.js';
import { TestClient, connect, startHub, startHubWithCore, token, underlyingSocket, until } from '../support/hub.js';

const ROOM = 'slow:1';
const CAP = 256 * 1024;
const PAYLOAD = 'x'.repeat(16 * 1024);
/** Far more than any loopback socket buffers, so the cap is always reached first. */
const MAX_MESSAGES = 6000;

let hub: Hub;
const slowConsumers: string[] = [];

beforeAll(async () => {
  const started = await startHubWithCore({
    limits: { maxQueuedBytes: CAP, messagesPerSecond: 1_000_000, burst: 1_000_000, publishBytesPerSecond: 1e12 },
    history: { maxMessages: MAX_MESSAGES + 100 },
  });
  hub = started.hub;
  started.core.observe({ slowConsumer: (s) => void slowConsumers.push(s.id) });
});
afterAll(() => hub.close());

async function client(sub: string): Promise<TestClient> {
  return connect(hub, await token(hub, { sub, rooms: ['slow:*'] }));
}

describe('slow consumer', () => {
  it('is closed with 4008 past the cap, others get everything, and it resumes with since', async () => {
    const publisher = await client('publisher');
    const fast = await client('fast');
    const slow = await client('slow');
    await fast.request({ type: 'subscribe', room: ROOM });
    const ack = (await slow.request({ type: 'subscribe', room: ROOM })) as unknown as { epoch: string; seq: number };
    expect(ack.seq).toBe(0);

    // The slow client stops reading: its socket buffers fill, then the hub's queue for it.
    underlyingSocket(slow.ws).pause();

    let published = 0;
    const publish = async (): Promise<void> => {
      const a = await publisher.request({
        type: 'publish',
        room: ROOM,
        event: 'tick',
        data: { n: published + 1, pad: PAYLOAD },
      });
      expect(a).toMatchObject({ type: 'ack', seq: published + 1 });
      published++;
    };
    while (!slowConsumers.includes(slow.welcome.clientId)) {
      if (published >= MAX_MESSAGES) throw new Error(`no slow-consumer close after ${published} messages`);
      await publish();
    }
    // Nobody else waits: more messages after the overflow still reach the fast member.
    for (let i = 0; i < 20; i++) await publish();
    await until(() => fast.messages(ROOM).length === published, 10_000, 'fast member has every message');
    expect(fast.messages(ROOM).map((m) => m.seq)).toEqual(Array.from({ length: published }, (_, i) => i + 1));
    expect(fast.closed).toBeUndefined();
    expect(publisher.closed).toBeUndefined();

    // The slow client reads again: what its socket held, then the close frame with 4008.
    underlyingSocket(slow.ws).resume();
    const closed = await slow.waitForClose(10_000);
    expect(closed.code).toBe(4008);
    const before = slow.messages(ROOM).map((m) => m.seq);
    expect(before.length).toBeLessThan(published);
    expect(before).toEqual(Array.from({ length: before.length }, (_, i) => i + 1));

    // Reconnect and resume after the last message it saw.
    const again = await client('slow');
    const last = before.length > 0 ? before[before.length - 1]! : 0;
    const resumed = await again.request({ type: 'subscribe', room: ROOM, since: { epoch: ack.epoch, seq: last } });
    expect(resumed).toMatchObject({ type: 'ack', recovered: true, epoch: ack.epoch, seq: published });
    await until(() => again.messages(ROOM).length === published - last, 10_000, 'replay');
    const all = [...before, ...again.messages(ROOM).map((m) => m.seq)];
    expect(all).toEqual(Array.from({ length: published }, (_, i) => i + 1));

    for (const c of [publisher, fast, again]) c.close();
  });

  it('replays a history larger than the cap to a reader that keeps up, without a 4008', async () => {
    const count = slowConsumers.length;
    const publisher = await client('p3');
    let epoch = '';
    const N = 100; // 100 × 16 KiB is several times the 256 KiB cap
    for (let i = 1; i <= N; i++) {
      const a = (await publisher.request({
        type: 'publish',
        room: 'slow:3',
        event: 'tick',
        data: { n: i, pad: PAYLOAD },
      })) as unknown as { epoch: string };
      epoch = a.epoch;
    }
    const reader = await client('r4');
    const ack = await reader.request({ type: 'subscribe', room: 'slow:3', since: { epoch, seq: 0 } });
    expect(ack).toMatchObject({ type: 'ack', recovered: true, seq: N });
    await until(() => reader.messages('slow:3').length === N, 10_000, 'replay');
    expect(reader.messages('slow:3').map((m) => m.seq)).toEqual(Array.from({ length: N }, (_, i) => i + 1));
    // Live messages after the replay follow it, with no gap.
    await publisher.request({ type: 'publish', room: 'slow:3', event: 'tick', data: { n: N + 1 } });
    await until(() => reader.messages('slow:3').length === N + 1, 10_000, 'live after replay');
    expect(reader.closed).toBeUndefined();
    expect(slowConsumers.length).toBe(count);
    publisher.close();
    reader.close();
  });

  it('a second subscribe during a long replay takes it over: after its ack, every message once, in order', async () => {
    const publisher = await client('p5');
    let epoch = '';
    const N = 100;
    for (let i = 1; i <= N; i++) {
      const a = (await publisher.request({
        type: 'publish',
        room: 'slow:5',
        event: 'tick',
        data: { n: i, pad: PAYLOAD },
      })) as unknown as { epoch: string };
      epoch = a.epoch;
    }
    const reader = await client('r5');
    reader.send({ type: 'subscribe', room: 'slow:5', id: 'first', since: { epoch, seq: 0 } });
    reader.send({ type: 'subscribe', room: 'slow:5', id: 'second', since: { epoch, seq: 0 } });
    await reader.waitFor((m) => m.type === 'ack' && m.id === 'second', 10_000);
    await publisher.request({ type: 'publish', room: 'slow:5', event: 'tick', data: { n: N + 1 } });
    const afterSecond = (): number[] => {
      const i = reader.received.findIndex((m) => m.type === 'ack' && m.id === 'second');
      return reader.received.slice(i + 1).flatMap((m) => (m.type === 'message' ? [m.seq] : []));
    };
    await until(() => afterSecond().length >= N + 1, 10_000, 'replay and live message');
    expect(afterSecond()).toEqual(Array.from({ length: N + 1 }, (_, i) => i + 1));
    expect(reader.closed).toBeUndefined();
    publisher.close();
    reader.close();
  });

  it('reports nobody as a slow consumer while everyone reads', async () => {
    const count = slowConsumers.length;
    const publisher = await client('p2');
    const readers = await Promise.all([client('r1'), client('r2'), client('r3')]);
    for (const r of readers) await r.request({ type: 'subscribe', room: 'slow:2' });
    for (let i = 1; i <= 200; i++)
      await publisher.request({ type: 'publish', room: 'slow:2', event: 'tick', data: { n: i, pad: PAYLOAD } });
    for (const r of readers) await until(() => r.messages('slow:2').length === 200, 10_000, 'all messages');
    expect(slowConsumers.length).toBe(count);
    for (const c of [publisher, ...readers]) c.close();
  });
});

describe('a burst within one turn', () => {
  it('does not close a subscriber that keeps reading, even when the burst is larger than the cap', async () => {
    const burstHub = await startHubWithCore({
      limits: {
        maxQueuedBytes: 64 * 1024,
        messagesPerSecond: 1_000_000,
        burst: 1_000_000,
        publishBytesPerSecond: 1e12,
      },
    });
    try {
      const tok = (sub: string): Promise<string> => token(burstHub.hub, { sub, rooms: ['burst:*'] });
      const publisher = await connect(burstHub.hub, await tok('publisher'));
      const reader = await connect(burstHub.hub, await tok('reader'));
      await reader.request({ type: 'subscribe', room: 'burst:1' });
      // 200 × 1 KiB published back to back: ~200 KiB queued for the reader within a few turns.
      const data = 'y'.repeat(1024);
      for (let i = 0; i < 200; i++) publisher.send({ type: 'publish', room: 'burst:1', event: 'e', data });
      await until(() => reader.messages('burst:1').length === 200 || reader.closed !== undefined, 10_000, 'the burst');
      expect(reader.closed).toBeUndefined();
      expect(reader.messages('burst:1').map((m) => m.seq)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    } finally {
      await burstHub.hub.close();
    }
  });
});

/**
 * The upgrade corks the socket so the 101 and the welcome leave in one write; the outbox then
 * measures those unsent bytes against the cap. A client that has not yet had the chance to read
 * must not be closed as a slow consumer on connect, even with a small cap.
 */
describe('welcome with a small queue cap', () => {
  it.each([512, 1024])('a fresh connection is not a slow consumer with maxQueuedBytes = %i', async (cap) => {
    const small = await startHub({ limits: { maxQueuedBytes: cap } });
    try {
      const c = await connect(small, await token(small, { sub: 'small', name: 'n'.repeat(128), rooms: ['r:*'] }));
      const frameBytes = Buffer.byteLength(JSON.stringify(c.welcome));
      // The welcome alone fits well inside the cap.
      expect(frameBytes).toBeLessThan(cap);
      // Had the welcome made it a slow consumer, the close would come before this pong.
      await c.pong();
      expect(c.closed).toBeUndefined();
      c.close();
    } finally {
      await small.close();
    }
  });
});
