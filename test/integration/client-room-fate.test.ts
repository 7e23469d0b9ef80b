/**
 * The SDK owns every room's fate: a join's answer can be awaited, a passing refusal (timeout,
 * internal, unavailable) is retried until joined, a final one (forbidden) fails the room, and a
 * message for a room it is not counted in makes it rejoin.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HubError, type StreamPosition } from '../../hub/protocol/index.js';
import type { ClientError, RoomHandle, RoomState } from '../../hub/client/index.js';
import { sleep, until } from '../support/hub.js';
import { sdkClient, startObservedHub, untilOpen, type ObservedHub, type SdkClient } from '../support/client-harness.js';

let h: ObservedHub;
let hubs: ObservedHub[] = [];
const clients: SdkClient[] = [];

function client(sub: string, options: Parameters<typeof sdkClient>[2] = {}, on: ObservedHub = h): SdkClient {
  const c = sdkClient(on.hub, sub, options);
  clients.push(c);
  return c;
}

function statesOf(room: RoomHandle): RoomState['status'][] {
  const seen: RoomState['status'][] = [room.state.status];
  room.onStateChange((s) => seen.push(s.status));
  return seen;
}

/** The next `count` calls to the engine's history go through `wrap` (then it is itself again). */
function interceptHistory(count: number, wrap: (call: () => Promise<unknown>) => Promise<unknown>): void {
  const engine = h.core.engine as unknown as {
    history: (room: string, since?: StreamPosition | null) => Promise<unknown>;
  };
  const original = engine.history.bind(engine);
  let left = count;
  engine.history = (room, since) => (left-- > 0 ? wrap(() => original(room, since)) : original(room, since));
}

beforeEach(async () => {
  h = await startObservedHub();
  hubs = [h];
});

afterEach(async () => {
  vi.restoreAllMocks();
  for (const c of clients.splice(0)) c.client.close();
  for (const x of hubs) await x.hub.close();
});

describe('the join answer', () => {
  it('await room.joined gives position, members and count; each rejoin gives a new answer', async () => {
    const other = client('bob');
    await other.client.room('dash:1').joined;
    await other.client.room('dash:1').publish('x', 1);
    const a = client('alice');
    const room = a.client.room('dash:1');
    const answers: boolean[] = [];
    room.onJoin((answer) => answers.push(answer.recovered));
    const answer = await room.joined;
    expect(answer).toMatchObject({ room: 'dash:1', seq: 1, recovered: true, history: [], memberCount: 2 });
    expect(answer.members.map((m) => m.sub).sort()).toEqual(['alice', 'bob']);
    expect(room.state).toEqual({ status: 'joined', answer });
    expect(await room.ready()).toBe(answer);
    // A dropped link: the room rejoins from its position and answers again.
    a.current().terminate();
    await until(() => answers.length === 2, 10_000, 'the rejoin answer');
    expect(answers).toEqual([true, true]);
    expect((await room.joined).seq).toBe(1);
    expect(a.client.outstanding).toEqual({ requests: 0, queued: 0, publishes: 0 });
  });

  it('a join with history: {limit} holds the latest kept messages up to the join position', async () => {
    const pub = client('bob');
    for (let n = 1; n <= 3; n++) await pub.client.room('dash:1').publish('x', n);
    const a = client('alice');
    const answer = await a.client.room('dash:1', { history: { limit: 2 } }).joined;
    expect(answer.seq).toBe(3);
    expect(answer.history.map((m) => [m.seq, m.data])).toEqual([
      [2, 2],
      [3, 3],
    ]);
  });

  it('refuses a history limit outside 1..1000 before anything is sent', () => {
    const a = client('alice');
    expect(() => a.client.room('dash:1', { history: { limit: 0 } })).toThrow(/1 to 1000/);
    expect(() => a.client.room('dash:2', { history: { limit: 1001 } })).toThrow(/1 to 1000/);
  });
});

describe('passing refusals are retried until the room is joined', () => {
  it('a subscribe that times out on a slow engine: retrying, then joined, and messages flow', async () => {
    // A stalled engine on the hub's side: the SDK's 400 ms timer is armed before the hub even sees
    // the subscribe, so it is due first whatever the load; the engine answers the retry at once.
    interceptHistory(1, async (call) => (await sleep(1500), call()));
    const a = client('alice', { ackTimeoutMs: 400, backoff: { baseMs: 50, capMs: 200 } });
    const room = a.client.room('dash:1');
    const seen = statesOf(room);
    const got: unknown[] = [];
    room.on('x', (data) => got.push(data));
    await room.joined;
    expect(seen).toContain('retrying');
    expect(room.state.status).toBe('joined');
    const pub = client('bob');
    await pub.client.room('dash:1').publish('x', 'after');
    await until(() => got.length === 1, 10_000, 'the message');
    expect(got).toEqual(['after']);
  });

  for (const [code, fail] of [
    ['internal', () => new Error('engine exploded')],
    ['unavailable', () => new HubError('unavailable', 'engine unavailable')],
  ] as const) {
    it(`a subscribe answered ${code} is tried again and joins`, async () => {
      interceptHistory(2, async () => {
        throw fail();
      });
      const a = client('alice', { backoff: { baseMs: 50, capMs: 200 } });
      const room = a.client.room('dash:1');
      const errors: string[] = [];
      room.onStateChange((s) => s.status === 'retrying' && errors.push(s.error.code));
      const answer = await room.joined;
      expect(errors).toEqual([code, code]);
      expect(answer.room).toBe('dash:1');
    });
  }

  it('a message for a room the SDK is not counted in makes it rejoin now, not at its next retry', async () => {
    // The retry would be ~59 s away; the test passes only if the hub's message triggers the rejoin.
    vi.spyOn(Math, 'random').mockReturnValue(0.99);
    // The hub's engine stalls past the SDK's ack timeout (armed first, so due first), as above.
    interceptHistory(1, async (call) => (await sleep(800), call()));
    const a = client('alice', { ackTimeoutMs: 300, backoff: { baseMs: 60_000, capMs: 60_000 } });
    const room = a.client.room('dash:1');
    const got: unknown[] = [];
    room.on('x', (data) => got.push(data));
    await until(() => room.state.status === 'retrying', 5000, 'the timeout');
    // The hub did join (late): its messages reach a room the SDK thinks it is not in.
    const pub = client('bob');
    const proom = pub.client.room('dash:1');
    const late = (): boolean => {
      const session = h.core.sessions.get(a.client.session!.clientId);
      return session?.inRoom('dash:1') === true && session.heldFor('dash:1') === undefined;
    };
    await until(late, 5000, 'the late join to complete on the hub');
    await proom.publish('x', 'first');
    await room.joined;
    await proom.publish('x', 'second');
    await until(() => got.includes('second'), 10_000, 'the later message');
    // The first one came before the SDK's own join position, the second after it: once each.
    expect(got.filter((d) => d === 'second')).toEqual(['second']);
  });
});

describe('refusals for good fail the room', () => {
  it('forbidden: the room fails with the reason, joined rejects, and it is not tried again', async () => {
    const a = client('alice', { rooms: ['dash:*'] });
    const room = a.client.room('secret');
    const seen = statesOf(room);
    const err = (await room.joined.catch((e: unknown) => e)) as ClientError;
    expect(err.code).toBe('forbidden');
    expect(room.state).toMatchObject({ status: 'failed', error: { code: 'forbidden' } });
    // A later join on the same connection is answered; the failed room stayed failed meanwhile.
    await a.client.room('dash:1').joined;
    expect(seen).toEqual(['joining', 'failed']);
    // The app may ask again: a new handle, a new attempt.
    expect(a.client.room('secret')).not.toBe(room);
  });

  it('a rejected joined promise nobody awaits does not become an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const a = client('alice', { rooms: ['dash:*'] });
      const room = a.client.room('secret');
      // eslint-disable-next-line @typescript-eslint/no-floating-promises -- the point: nobody handles it
      void room.joined;
      await until(() => room.state.status === 'failed', 5000, 'the refusal');
      // A macrotask later, Node has reported any unhandled rejection of that turn.
      await new Promise((r) => setImmediate(r));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});

describe('several hub URLs', () => {
  it('tries the next URL when one is refused, and moves on when its hub goes away', async () => {
    const b = await startObservedHub();
    hubs.push(b);
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const dead = h.hub.wsUrl.replace(/:\d+\//, ':1/');
    const a = client('alice', { url: [dead, h.hub.wsUrl, b.hub.wsUrl], backoff: { baseMs: 20, capMs: 50 } });
    await untilOpen(a.client);
    expect(h.core.sessions.has(a.client.session!.clientId)).toBe(true);
    await a.client.room('dash:1').joined;
    // This hub closes the connection (1011): the next attempt goes to the next hub.
    for (const s of h.core.sessions.values()) s.end({ code: 1011, reason: 'going wrong' });
    await until(
      () => a.client.state.status === 'open' && b.core.sessions.has(a.client.session!.clientId),
      10_000,
      'the move to hub b',
    );
    await a.client.room('dash:1').joined;
  });

  it('refuses an empty URL list', () => {
    expect(() => client('alice', { url: [] })).toThrow(/at least one hub url/);
  });
});

describe('publish keys', () => {
  it('the same key twice is stored once: the second answer is the original position, marked duplicate', async () => {
    const a = client('alice');
    const room = a.client.room('dash:1');
    await room.joined;
    const first = await room.publish('x', 1, { key: 'order-17' });
    const again = await room.publish('x', 1, { key: 'order-17' });
    expect(first).toMatchObject({ seq: 1, key: 'order-17' });
    expect(again).toMatchObject({ seq: 1, key: 'order-17', duplicate: true });
    expect((await room.publish('x', 2)).seq).toBe(2);
  });

  it('makes a key when the app gives none, and refuses one longer than 64 characters locally', async () => {
    const a = client('alice');
    const room = a.client.room('dash:1');
    const ack = await room.publish('x', 1);
    expect(ack.key).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const err = (await room.publish('x', 1, { key: 'k'.repeat(65) }).catch((e: unknown) => e)) as ClientError;
    expect(err.code).toBe('bad_request');
  });

  it('data JSON cannot carry is refused with bad_request, and the publishes behind it still go out', async () => {
    const a = client('alice');
    const room = a.client.room('dash:1');
    await room.joined;
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    // Offline first, so both wait in the queue and are sent one after the other.
    a.current().terminate();
    const bad = room.publish('x', cyclic as never);
    const good = room.publish('x', 'fine');
    expect(((await bad.catch((e: unknown) => e)) as ClientError).code).toBe('bad_request');
    expect((await good).seq).toBe(1);
  });
});
