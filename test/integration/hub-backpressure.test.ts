/**
 * A client that publishes faster than it reads its acks is slowed by TCP (the hub pauses reading it
 * until its answers drain), never closed as a slow consumer; the 4008 cap for others' messages and
 * the heartbeat's drop of a peer that takes nothing still hold.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../hub/protocol/index.js';
import type { HubCore } from '../../hub/core/hub-core.js';
import type { Hub } from '../../hub/server/types.js';
import type { Session } from '../../hub/core/session.js';
import { TestClient, connect, startHubWithCore, token, underlyingSocket, until } from '../support/hub.js';

type Ack = Extract<ServerMessage, { type: 'ack' }> & { id: string; seq: number };

/** The first flood, then more in batches until the socket's buffers are full (they take megabytes). */
const FIRST_BATCH = 20_000;
const BATCH = 10_000;
const MAX_FLOOD = 200_000;
/**
 * The ack echoes the id: at the largest id allowed (64 characters) an ack weighs about as much as
 * the message a subscriber gets, so the publisher's backlog reaches the pause mark well before a
 * burst of fan-out to a subscriber read by this same process could pass the cap.
 */
const idOf = (i: number): string => `publish-${String(i).padStart(8, '0')}`.padEnd(64, '.');
const PAD = 'x'.repeat(16 * 1024);

interface Started {
  hub: Hub;
  core: HubCore;
  slowConsumers: string[];
}

async function start(options: Parameters<typeof startHubWithCore>[0]): Promise<Started> {
  const { hub, core } = await startHubWithCore(options);
  const slowConsumers: string[] = [];
  core.observe({ slowConsumer: (s) => void slowConsumers.push(s.id) });
  return { hub, core, slowConsumers };
}

async function client(h: Started, sub: string): Promise<TestClient> {
  return connect(h.hub, await token(h.hub, { sub, rooms: ['bp:*'] }));
}

function sessionOf(h: Started, c: TestClient): Session {
  const session = h.core.sessions.get(c.welcome.clientId);
  if (!session) throw new Error('no session for client');
  return session;
}

function publish(c: TestClient, room: string, i: number): void {
  c.send({ type: 'publish', id: idOf(i), room, event: 'tick', data: i });
}

function acks(c: TestClient): Ack[] {
  return c.received.filter((m): m is Ack => m.type === 'ack' && (m.id ?? '').startsWith('publish-'));
}

/** Resolves once the ack of publish `n - 1` has arrived (acks come in order); fails if closed first. */
function lastAck(c: TestClient, n: number): Promise<void> {
  const id = idOf(n - 1);
  const isLast = (m: ServerMessage | undefined): boolean => m?.type === 'ack' && m.id === id;
  if (c.received.some(isLast)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = (err?: Error): void => {
      c.ws.off('message', onMessage);
      c.ws.off('close', onClose);
      if (err) reject(err);
      else resolve();
    };
    // Registered after the client's own listener: the message is already in `received`.
    const onMessage = (): void => {
      if (isLast(c.received[c.received.length - 1])) done();
    };
    const onClose = (code: number): void => done(new Error(`closed with ${code} before the last ack`));
    c.ws.on('message', onMessage);
    c.ws.on('close', onClose);
  });
}

/** Let the event loop go round `n` times (I/O callbacks included), no clock involved. */
async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
}

const upTo = (n: number, from = 0): number[] => Array.from({ length: n }, (_, i) => i + from);

/**
 * Publish without reading until the hub holds this client's reading paused with publishes still
 * unread. Returns how many were sent (or stops early if the connection is closed).
 */
async function floodUntilPaused(c: TestClient, s: Session, room: string): Promise<number> {
  const before = s.messagesIn;
  const read = (): number => s.messagesIn - before;
  let sent = 0;
  let batch = FIRST_BATCH;
  while (sent < MAX_FLOOD) {
    for (const end = sent + batch; sent < end; sent++) publish(c, room, sent);
    batch = BATCH;
    await until(() => read() === sent || s.readingPaused || !s.isOpen, 60_000, 'the hub to read the batch or pause');
    if (!s.isOpen) return sent;
    if (!s.readingPaused || read() === sent) continue;
    // Held, not passing: with the client reading nothing, nothing more is read.
    // A paused socket emits no more data: what ws had buffered is read within the next turns.
    const readSoFar = read();
    await turns(3);
    if (s.readingPaused && read() === readSoFar) return sent;
  }
  throw new Error(`the hub never held reading paused after ${sent} publishes`);
}

describe('backpressure', () => {
  let h: Started;
  beforeAll(async () => {
    // The default cap (1 MiB); the rate limit out of the way.
    h = await start({ limits: { messagesPerSecond: 10_000_000, burst: 10_000_000, publishBytesPerSecond: 1e12 } });
  });
  afterAll(() => h.hub.close());

  it('pauses a client that publishes faster than it reads instead of closing it 4008; every publish is acked in order and delivered', async () => {
    const subscriber = await client(h, 'subscriber');
    await subscriber.request({ type: 'subscribe', room: 'bp:1' });
    const publisher = await client(h, 'publisher');
    const session = sessionOf(h, publisher);
    const drainListeners = session.socket.listenerCount('drain');

    underlyingSocket(publisher.ws).pause();
    const sent = await floodUntilPaused(publisher, session, 'bp:1');
    expect(sent).toBeGreaterThanOrEqual(FIRST_BATCH);
    // The hub stopped reading with publishes unread, and the publisher is within the cap.
    expect(session.isOpen).toBe(true);
    expect(session.readingPaused).toBe(true);
    expect(session.messagesIn).toBeLessThan(sent);
    expect(session.outbox.pendingBytes).toBeLessThanOrEqual(h.core.options.limits.maxQueuedBytes);
    expect(session.socket.listenerCount('drain')).toBe(drainListeners + 1);

    // The publisher reads again: the hub reads the rest, and every publish is acknowledged.
    underlyingSocket(publisher.ws).resume();
    await lastAck(publisher, sent);
    expect(publisher.closed).toBeUndefined();
    expect(h.slowConsumers).not.toContain(session.id);
    const got = acks(publisher);
    expect(got.map((a) => a.id)).toEqual(upTo(sent).map(idOf));
    expect(got.map((a) => a.seq)).toEqual(upTo(sent, 1));

    // The subscriber, which read all along, has every message once, in order.
    await subscriber.waitFor((m) => m.type === 'message' && m.room === 'bp:1' && m.seq === sent, 120_000);
    expect(subscriber.closed).toBeUndefined();
    const messages = subscriber.messages('bp:1');
    expect(messages.map((m) => m.seq)).toEqual(upTo(sent, 1));
    expect(messages.map((m) => m.data)).toEqual(upTo(sent));

    // Reading resumed and the drain listener is gone; the connection works as before.
    expect(session.readingPaused).toBe(false);
    expect(session.socket.listenerCount('drain')).toBe(drainListeners);
    expect(await publisher.request({ type: 'publish', room: 'bp:1', event: 'after', data: null })).toMatchObject({
      type: 'ack',
      seq: sent + 1,
    });
    subscriber.close();
    publisher.close();
  }, 240_000);

  it('still closes a paused publisher with 4008 when messages from others overflow its queue', async () => {
    const publisher = await client(h, 'paused-subscriber');
    await publisher.request({ type: 'subscribe', room: 'bp:busy' });
    const session = sessionOf(h, publisher);
    const drainListeners = session.socket.listenerCount('drain');
    underlyingSocket(publisher.ws).pause();
    await floodUntilPaused(publisher, session, 'bp:2');
    expect(session.readingPaused).toBe(true);

    // Another client publishes into a room the paused one is in: its queue passes the cap.
    const other = await client(h, 'other');
    let n = 0;
    while (!h.slowConsumers.includes(session.id)) {
      if (n >= 1000) throw new Error(`no slow-consumer close after ${n} messages`);
      await other.request({ type: 'publish', room: 'bp:busy', event: 'big', data: { n: ++n, pad: PAD } });
    }
    expect(other.closed).toBeUndefined();

    underlyingSocket(publisher.ws).resume();
    const closed = await publisher.waitForClose(120_000);
    expect(closed.code).toBe(4008);
    await until(() => !h.core.sessions.has(session.id), 30_000, 'the session to go');
    expect(session.readingPaused).toBe(false);
    expect(session.socket.listenerCount('drain')).toBe(drainListeners);
    other.close();
  }, 240_000);
});

describe('backpressure and the heartbeat', () => {
  // The beats are driven by the test (Heartbeat.beat), not by the clock: whether the hub keeps or
  // drops a peer then depends on what the peer read between beats, never on how busy the machine is.
  const NO_AUTOMATIC_BEAT_MS = 3_600_000;
  /** Acks carry the room: a long name makes them weigh more, so fewer publishes fill the buffers. */
  const LONG_ROOM = `bp:${'r'.repeat(125)}`;
  const SLOW_N = 150_000;
  const BEATS = 4;
  let h: Started;
  beforeAll(async () => {
    h = await start({
      heartbeatMs: NO_AUTOMATIC_BEAT_MS,
      limits: {
        maxQueuedBytes: 256 * 1024,
        messagesPerSecond: 10_000_000,
        burst: 10_000_000,
        publishBytesPerSecond: 1e12,
      },
    });
  });
  afterAll(() => h.hub.close());

  it('does not drop a publisher that reads slowly while the hub keeps its reading paused across heartbeats', async () => {
    const publisher = await client(h, 'slow-reader');
    const session = sessionOf(h, publisher);
    // The client reads in bursts: it stops reading until the hub pauses it, a beat goes by, then
    // it reads until its socket drains (the hub reads it again), and so on. Its pong waits behind
    // its own publishes the whole time, so no beat sees it.
    publisher.ws.pause();
    for (let i = 0; i < SLOW_N; i++) publish(publisher, LONG_ROOM, i);
    let beatsWithoutPong = 0;
    for (let beat = 0; beat < BEATS; beat++) {
      await until(() => session.readingPaused, 60_000, `the hub to pause reading it (beat ${beat + 1})`);
      if (session.awaitingPong) beatsWithoutPong++;
      h.core.heartbeat.beat();
      expect(h.core.sessions.has(session.id)).toBe(true);
      publisher.ws.resume();
      await until(() => !session.readingPaused, 60_000, `its socket to drain (beat ${beat + 1})`);
      publisher.ws.pause();
    }
    // A peer that had taken nothing over these beats would have been dropped at the second.
    expect(beatsWithoutPong).toBe(BEATS - 1);
    expect(session.missedPongs).toBe(0);

    publisher.ws.resume();
    await lastAck(publisher, SLOW_N);
    expect(publisher.closed).toBeUndefined();
    expect(h.core.sessions.has(session.id)).toBe(true);
    expect(h.slowConsumers).not.toContain(session.id);
    expect(acks(publisher).map((a) => a.seq)).toEqual(upTo(SLOW_N, 1));

    // Reading normally again, it answers the next ping and stays.
    await until(() => !session.awaitingPong, 60_000, 'the last pong');
    h.core.heartbeat.beat();
    await until(() => !session.awaitingPong, 60_000, 'the next ping answered');
    expect(publisher.closed).toBeUndefined();
    publisher.close();
  }, 240_000);

  it('still drops a paused publisher that reads nothing at all', async () => {
    const publisher = await client(h, 'dead-reader');
    const session = sessionOf(h, publisher);
    const drainListeners = session.socket.listenerCount('drain');
    underlyingSocket(publisher.ws).pause();
    const N = 40_000;
    for (let i = 0; i < N; i++) publish(publisher, 'bp:4', i);
    await until(() => session.readingPaused, 120_000, 'the hub to pause reading it');
    // Ping, then two beats that find the ping unanswered and nothing drained: dropped at the second.
    h.core.heartbeat.beat();
    h.core.heartbeat.beat();
    expect(h.core.sessions.has(session.id)).toBe(true);
    h.core.heartbeat.beat();
    await until(() => !h.core.sessions.has(session.id), 60_000, 'the heartbeat to drop it');
    expect(h.slowConsumers).not.toContain(session.id);
    expect(session.readingPaused).toBe(false);
    expect(session.socket.listenerCount('drain')).toBe(drainListeners);
    // Terminated without a close frame: the peer sees an abnormal closure once it reads.
    underlyingSocket(publisher.ws).resume();
    expect((await publisher.waitForClose(60_000)).code).toBe(1006);
  }, 240_000);
});
