/**
 * The SDK against a real hub delivers each message once and in order, settles every request with
 * the hub's answer (or forbidden, bad_request, timeout, offline_queue_full), and close() leaves
 * nothing behind. An admin's `adminFeed` hears `$admin` events by name, each payload its own.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BannedUser, Json, KickAnswer, RoomDetail, RoomMessage } from '../../hub/protocol/index.js';
import { ClientError, adminFeed, connect } from '../../hub/client/index.js';
import { token, until } from '../support/hub.js';
import {
  sdkClient,
  sessionOf,
  startObservedHub,
  untilOpen,
  type ObservedHub,
  type SdkClient,
} from '../support/client-harness.js';

let h: ObservedHub;
const clients: SdkClient[] = [];

function client(sub: string, options: Parameters<typeof sdkClient>[2] = {}): SdkClient {
  const c = sdkClient(h.hub, sub, options);
  clients.push(c);
  return c;
}

async function rejection(p: Promise<unknown>): Promise<ClientError> {
  const err = await p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ClientError);
  return err as ClientError;
}

beforeEach(async () => {
  h = await startObservedHub();
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.client.close();
  await h.hub.close();
});

describe('connect', () => {
  it('opens with the token in the Authorization header and keeps the welcome as session', async () => {
    const a = client('alice');
    expect(a.client.state).toEqual({ status: 'connecting' });
    expect(a.client.session).toBeNull();
    await untilOpen(a.client);
    expect(a.states).toEqual([{ status: 'open' }]);
    expect(a.client.session?.user).toEqual({ sub: 'alice', name: 'alice', role: 'editor' });
    expect(a.client.session?.expiresAt).toBeGreaterThan(Date.now());
    expect(sessionOf(h.core, a.client).user.sub).toBe('alice');
    expect(a.current().protocol).toBe('insight.v1');
  });

  it('loads ws on demand when no WebSocket class is given (Node 20 has no global one)', async () => {
    expect((globalThis as { WebSocket?: unknown }).WebSocket).toBeUndefined();
    const tok = await token(h.hub, { sub: 'dora' });
    const c = connect({ url: h.hub.wsUrl, getToken: () => tok });
    try {
      await untilOpen(c);
      expect(c.session?.user.sub).toBe('dora');
    } finally {
      c.close();
    }
  });

  it('answers ping requests with the pong', async () => {
    const a = client('alice');
    const pong = await a.client.request({ type: 'ping' });
    expect(pong.type).toBe('pong');
    expect(typeof pong.time).toBe('number');
  });

  it('closes on close(): state closed 1000, hub session gone, later publishes rejected with closed', async () => {
    const a = client('alice');
    const room = a.client.room('dash:1');
    await until(() => room.position !== null, 5000, 'subscribed');
    const id = a.client.session!.clientId;
    a.client.close();
    expect(a.client.state).toEqual({
      status: 'closed',
      code: 1000,
      reason: 'closed by the application',
      cause: 'client_closed',
    });
    await until(() => !h.core.sessions.has(id), 5000, 'the hub to drop the session');
    expect((await rejection(room.publish('x', 1))).code).toBe('closed');
    expect((await rejection(a.client.request({ type: 'ping' }))).code).toBe('closed');
  });
});

describe('rooms', () => {
  it('delivers each message once and in order to on(event) and on("*"); publish resolves with the ack', async () => {
    const a = client('alice');
    const b = client('bob');
    const ra = a.client.room('dash:1');
    const rb = b.client.room('dash:1');
    await until(() => ra.position !== null && rb.position !== null, 5000, 'both subscribed');
    const all: RoomMessage[] = [];
    const alerts: Json[] = [];
    ra.on('*', (_d, m) => all.push(m));
    ra.on('alert', (d) => alerts.push(d));
    const acks = [];
    for (let i = 1; i <= 20; i++) acks.push(await rb.publish(i % 5 === 0 ? 'alert' : 'refresh', { i }));
    await until(() => all.length === 20, 5000, '20 messages');
    expect(acks.map((x) => x.seq)).toEqual(all.map((m) => m.seq));
    expect(all.map((m) => m.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(new Set(acks.map((x) => x.epoch))).toEqual(new Set([ra.position!.epoch]));
    expect(acks[0]!.room).toBe('dash:1');
    expect(alerts).toEqual([{ i: 5 }, { i: 10 }, { i: 15 }, { i: 20 }]);
    expect(all[0]!.from.sub).toBe('bob');
    expect(ra.position).toEqual({ epoch: acks[19]!.epoch, seq: 20 });
  });

  it('returns the same handle for the same name, and the publisher sees its own message only with echo', async () => {
    const a = client('alice');
    const room = a.client.room('dash:1');
    expect(a.client.room('dash:1')).toBe(room);
    const seen: number[] = [];
    room.on('*', (_d, m) => seen.push(m.seq));
    await room.publish('x', 1);
    const echoed = await room.publish('x', 2, { echo: true });
    await until(() => seen.length === 1, 5000, 'the echo');
    expect(seen).toEqual([echoed.seq]);
  });

  it('shares presence: setState, members, onPresence, and leave', async () => {
    const a = client('alice');
    const b = client('bob');
    const ra = a.client.room('dash:1');
    const rb = b.client.room('dash:1');
    const diffs: Array<{ joined: string[]; left: string[]; updated: string[] }> = [];
    rb.onPresence((_members, d) =>
      diffs.push({
        joined: d.joined.map((m) => m.sub),
        left: d.left.map((m) => m.sub),
        updated: d.updated.map((m) => m.sub),
      }),
    );
    ra.setState({ view: 'widget-7', typing: true });
    await until(
      () => rb.members.some((m) => m.sub === 'alice' && m.state.view === 'widget-7'),
      5000,
      'alice to be seen',
    );
    // Bob's join reaches alice as a (coalesced) presence diff, which may come after alice's state reached bob.
    await until(() => ra.members.some((m) => m.sub === 'bob'), 5000, 'bob to be seen by alice');
    expect(diffs.length).toBeGreaterThan(0);
    await ra.leave();
    await until(() => !rb.members.some((m) => m.sub === 'alice'), 5000, 'alice to leave');
    expect(diffs.at(-1)!.left).toEqual(['alice']);
    expect(h.core.registry.membersOf('dash:1')?.size).toBe(1);
    expect(a.client.room('dash:1')).not.toBe(ra);
    expect((await rejection(ra.publish('x', 1))).code).toBe('closed');
    expect(() => ra.setState({})).toThrow(ClientError);
  });
});

describe('bad input gets its documented answer', () => {
  it('publishing to a room outside the token claims rejects with forbidden, naming the room', async () => {
    const a = client('alice', { rooms: ['dash:1'] });
    const errors: ClientError[] = [];
    a.client.onError((e) => errors.push(e));
    const err = await rejection(a.client.room('secret:9').publish('x', 1));
    expect(err.code).toBe('forbidden');
    expect(err.room).toBe('secret:9');
    // The subscribe the handle made was refused too, and the app was told.
    await until(
      () => errors.some((e) => e.code === 'forbidden' && e.room === 'secret:9'),
      5000,
      'the subscribe refusal',
    );
    expect(a.client.room('secret:9').position).toBeNull();
    expect(a.client.state.status).toBe('open');
  });

  it('a viewer publishing gets forbidden; an editor using admin actions gets forbidden', async () => {
    const v = client('victor', { role: 'viewer' });
    expect((await rejection(v.client.room('dash:1').publish('x', 1))).code).toBe('forbidden');
    const e = client('erin');
    expect((await rejection(e.client.admin('kick', { sub: 'victor', reason: 'x' }))).code).toBe('forbidden');
  });

  it('a malformed event name or undefined data is refused with bad_request', async () => {
    const a = client('alice');
    const room = a.client.room('dash:1');
    expect((await rejection(room.publish('has spaces', 1))).code).toBe('bad_request');
    expect((await rejection(room.publish('x', undefined as unknown as Json))).code).toBe('bad_request');
    expect((await room.publish('x', 1)).seq).toBe(1);
  });

  it('an invalid room name throws bad_request at once', () => {
    const a = client('alice');
    for (const name of ['', 'has space', 'x'.repeat(129), '$other']) {
      expect(() => a.client.room(name), name).toThrow(ClientError);
    }
  });

  it('a request with no answer in ackTimeoutMs rejects with timeout', async () => {
    const a = client('alice', { ackTimeoutMs: 300, pingIntervalMs: 60_000 });
    await untilOpen(a.client);
    // The network stalls: nothing the hub sends is read any more.
    a.current().pause();
    expect((await rejection(a.client.request({ type: 'ping' }))).code).toBe('timeout');
    a.current().resume();
  });
});

describe('offline queue', () => {
  it('holds publishes made before the connection opens and sends them in order after subscribing', async () => {
    const a = client('alice');
    const room = a.client.room('dash:1');
    const seen: Json[] = [];
    room.on('*', (d) => seen.push(d));
    expect(a.client.state.status).toBe('connecting');
    const acks = await Promise.all([1, 2, 3].map((i) => room.publish('x', i, { echo: true })));
    expect(acks.map((x) => x.seq)).toEqual([1, 2, 3]);
    await until(() => seen.length === 3, 5000, 'the echoes');
    expect(seen).toEqual([1, 2, 3]);
  });

  it('rejects requests past offlineQueueLimit with offline_queue_full', async () => {
    const a = client('alice', { offlineQueueLimit: 2 });
    const room = a.client.room('dash:1');
    const first = room.publish('x', 1);
    const second = room.publish('x', 2);
    const err = await rejection(room.publish('x', 3));
    expect(err.code).toBe('offline_queue_full');
    expect((await first).seq).toBe(1);
    expect((await second).seq).toBe(2);
  });
});

describe('admin() answers, typed by action', () => {
  it('bans, lists the ban and lifts it, each answer read by its fields', async () => {
    const root = client('root', { role: 'admin' });
    const ban = await root.client.admin('ban', { sub: 'mallory', minutes: 5, reason: 'spam' });
    expect(ban).toMatchObject({ type: 'ack', sub: 'mallory', reason: 'spam' });
    expect(ban.until).toBeGreaterThan(Date.now());
    const listed: BannedUser[] = (await root.client.admin('list', { what: 'bans' })).items;
    expect(listed).toEqual([{ sub: 'mallory', until: ban.until, reason: 'spam', by: 'root', at: expect.any(Number) }]);
    expect((await root.client.admin('unban', { sub: 'mallory' })).unbanned).toBe(true);
    expect((await root.client.admin('list', { what: 'bans' })).items).toEqual([]);
  });

  it("kicks a user's connections and says how many; the room listing names its members", async () => {
    const root = client('root', { role: 'admin' });
    const bob = client('bob');
    await bob.client.room('dash:1').joined;
    const detail: RoomDetail = await root.client.admin('list', { what: 'room', room: 'dash:1' });
    expect(detail).toMatchObject({ room: 'dash:1', clients: 1, memberCount: 1 });
    expect(detail.members.map((m) => m.sub)).toEqual(['bob']);
    const kick: KickAnswer = await root.client.admin('kick', { sub: 'bob', reason: 'tidy up' });
    expect(kick).toMatchObject({ sub: 'bob', reason: 'tidy up', kicked: 1 });
  });

  it("hears the $admin feed by event name: the snapshot first, then a room's creation", async () => {
    const root = client('root', { role: 'admin' });
    const feed = adminFeed(root.client);
    const snapshot = new Promise<string>((resolve) => feed.on('snapshot', (data) => resolve(data.node)));
    const created = new Promise<string>((resolve) =>
      feed.on('room.created', (data) => {
        if (data.room === 'dash:7') resolve(data.room);
      }),
    );
    const names: string[] = [];
    feed.onEvent((e) => names.push(e.event));
    await feed.room.joined;
    expect(typeof (await snapshot)).toBe('string');
    await client('bob').client.room('dash:7').joined;
    expect(await created).toBe('dash:7');
    expect(names[0]).toBe('snapshot');
    expect(names).toContain('room.created');
  });

  it('rejects an unknown listing with bad_request and answers the next request', async () => {
    const root = client('root', { role: 'admin' });
    // admin() refuses an unknown `what` at compile time; a raw request still reaches the hub.
    const err = await rejection(root.client.request({ type: 'admin', action: 'list', what: 'nothing' }));
    expect(err.code).toBe('bad_request');
    expect((await root.client.admin('list', { what: 'bans' })).items).toEqual([]);
    expect(root.client.state.status).toBe('open');
  });
});
