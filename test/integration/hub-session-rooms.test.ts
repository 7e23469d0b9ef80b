/**
 * A session's rooms follow its requests whatever their number: walking 0 → 1 → 2 → 1 → 0 rooms (with
 * presence, pipelined and awaited), delivery and presence always match a model, and frames from one
 * socket are never handled as another's (the socket listeners are shared).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PresenceMember } from '../../hub/protocol/index.js';
import type { Hub } from '../../hub/server/types.js';
import type { HubCore } from '../../hub/core/hub-core.js';
import { connect, startHubWithCore, token, until, type TestClient } from '../support/hub.js';

let hub: Hub;
let core: HubCore;
let observer: TestClient;
let publisher: TestClient;
let run = 0;

beforeAll(async () => {
  ({ hub, core } = await startHubWithCore({
    presenceCoalesceMs: 10,
    limits: {
      errorBudget: 1_000_000,
      maxConnectionsPerUser: 10_000,
      messagesPerSecond: 1_000_000,
      burst: 1_000_000,
      publishBytesPerSecond: 1e12,
    },
  }));
  // A service connection has no presence of its own: its acks show exactly the others.
  observer = await connect(hub, await token(hub, { sub: 'observer', role: 'service', rooms: ['lz*'] }));
  publisher = await connect(hub, await token(hub, { sub: 'publisher', role: 'service', rooms: ['lz*'] }));
});
afterAll(async () => {
  observer.close();
  publisher.close();
  await hub.close();
});

async function barrier(c: TestClient): Promise<void> {
  const id = `b${Math.random().toString(36).slice(2)}`;
  const pong = c.waitFor((m) => m.type === 'pong' && m.id === id);
  c.send({ type: 'ping', id });
  await pong;
}

async function membersOf(room: string): Promise<PresenceMember[]> {
  const ack = (await observer.request({ type: 'subscribe', room })) as unknown as { members: PresenceMember[] };
  await observer.request({ type: 'unsubscribe', room });
  return ack.members;
}

/** Publish a marker to each room and return which rooms the client got it in. */
async function roomsReached(c: TestClient, rooms: string[]): Promise<string[]> {
  const marker = `m${Math.random().toString(36).slice(2)}`;
  for (const room of rooms) await publisher.request({ type: 'publish', room, event: marker, data: room });
  await barrier(c);
  return c
    .messages()
    .filter((m) => m.event === marker)
    .map((m) => m.room)
    .sort();
}

/** The client is in exactly the model's rooms, with the model's presence state, then leaves. */
async function expectModel(
  c: TestClient,
  rooms: string[],
  sub: string,
  model: Map<number, Record<string, number>>,
): Promise<void> {
  const expected = [...model.keys()].map((i) => rooms[i]!).sort();
  expect(await roomsReached(c, rooms)).toEqual(expected);
  for (let i = 0; i < rooms.length; i++) {
    const members = await membersOf(rooms[i]!);
    if (model.has(i)) expect(members).toMatchObject([{ sub, clientId: c.welcome.clientId, state: model.get(i) }]);
    else expect(members).toEqual([]);
  }
  c.close();
  await c.waitForClose();
}

describe('one session across several rooms', () => {
  it('leaving one of two rooms keeps the other: delivery, presence and state', async () => {
    const id = ++run;
    const [a, b] = [`lz${id}:a`, `lz${id}:b`];
    const c = await connect(hub, await token(hub, { sub: `two${id}`, role: 'editor', rooms: ['lz*'] }));
    await c.request({ type: 'subscribe', room: a });
    await c.request({ type: 'subscribe', room: b });
    await c.request({ type: 'presence', room: a, state: { view: 'A' } });
    await c.request({ type: 'presence', room: b, state: { view: 'B' } });
    expect(await roomsReached(c, [a, b])).toEqual([a, b].sort());

    await c.request({ type: 'unsubscribe', room: a });
    expect(await roomsReached(c, [a, b])).toEqual([b]);
    expect((await membersOf(a)).map((m) => m.sub)).toEqual([]);
    expect(await membersOf(b)).toMatchObject([{ sub: `two${id}`, state: { view: 'B' } }]);
    // Presence in the room left is refused; in the other it still works.
    expect(await c.request({ type: 'presence', room: a, state: { view: 'A2' } })).toMatchObject({
      type: 'error',
      code: 'bad_request',
    });
    expect(await c.request({ type: 'presence', room: b, state: { view: 'B2' } })).toMatchObject({ type: 'ack' });
    expect(await membersOf(b)).toMatchObject([{ sub: `two${id}`, state: { view: 'B2' } }]);

    // Back to two rooms, then leave the other one: the first is a fresh member with state {}.
    await c.request({ type: 'subscribe', room: a });
    await c.request({ type: 'unsubscribe', room: b });
    expect(await roomsReached(c, [a, b])).toEqual([a]);
    expect(await membersOf(a)).toMatchObject([{ sub: `two${id}`, state: {} }]);
    expect(await membersOf(b)).toEqual([]);

    c.close();
    await c.waitForClose();
    await until(async () => (await membersOf(a)).length === 0, 5000, 'presence gone after close');
  });

  it('close while in three rooms (one still replaying) leaves every room and frees the counters', async () => {
    const id = ++run;
    const rooms = [`lz${id}:x`, `lz${id}:y`, `lz${id}:z`];
    const before = { sessions: core.sessions.size, total: core.connections.total };
    const c = await connect(hub, await token(hub, { sub: `three${id}`, role: 'viewer', rooms: ['lz*'] }));
    await c.request({ type: 'subscribe', room: rooms[0]! });
    await c.request({ type: 'subscribe', room: rooms[1]! });
    c.send({ type: 'subscribe', id: 'late', room: rooms[2]! });
    c.ws.terminate();
    await until(
      () => core.sessions.size === before.sessions && core.connections.total === before.total,
      5000,
      'session gone',
    );
    for (const room of rooms)
      await until(async () => (await membersOf(room)).length === 0, 5000, `presence gone in ${room}`);
    expect(core.registry.has(rooms[0]!) || core.registry.has(rooms[1]!) || core.registry.has(rooms[2]!)).toBe(false);
  });

  it('a refreshed token narrowing two rooms to one leaves exactly the one no longer allowed', async () => {
    const id = ++run;
    const [keep, drop] = [`lz${id}:keep`, `lz${id}:drop`];
    const sub = `narrow${id}`;
    const c = await connect(hub, await token(hub, { sub, role: 'viewer', rooms: ['lz*'] }));
    await c.request({ type: 'subscribe', room: keep });
    await c.request({ type: 'subscribe', room: drop });
    await c.request({ type: 'subscribe', room: `user:${sub}` });
    expect(
      await c.request({ type: 'auth', token: await token(hub, { sub, role: 'viewer', rooms: [keep] }) }),
    ).toMatchObject({ type: 'ack' });
    expect(await roomsReached(c, [keep, drop])).toEqual([keep]);
    expect((await membersOf(drop)).map((m) => m.sub)).toEqual([]);
    expect((await membersOf(keep)).map((m) => m.sub)).toEqual([sub]);
    // The personal room survives a refresh (same sub), and another user's stays closed.
    expect(await c.request({ type: 'subscribe', room: `user:${sub}` })).toMatchObject({ type: 'ack' });
    expect(await c.request({ type: 'subscribe', room: 'user:someone-else' })).toMatchObject({
      type: 'error',
      code: 'forbidden',
    });
    c.close();
  });

  it('frames from one socket are never handled as another’s (shared listeners)', async () => {
    const id = ++run;
    const room = `lz${id}:who`;
    const clients = await Promise.all(
      Array.from({ length: 8 }, async (_, i) =>
        connect(hub, await token(hub, { sub: `who${id}-${i}`, role: 'editor', rooms: ['lz*'] })),
      ),
    );
    await observer.request({ type: 'subscribe', room });
    await Promise.all(clients.map((c) => c.request({ type: 'subscribe', room })));
    await Promise.all(clients.map((c, i) => c.request({ type: 'publish', room, event: 'me', data: i })));
    await barrier(observer);
    const got = observer.messages(room).filter((m) => m.event === 'me');
    expect(got).toHaveLength(8);
    for (const m of got) {
      const i = m.data as number;
      expect(m.from).toMatchObject({ sub: `who${id}-${i}`, clientId: clients[i]!.welcome.clientId });
    }
    await observer.request({ type: 'unsubscribe', room });
    for (const c of clients) c.close();
  });
});

type Op = { kind: 'sub' | 'unsub' | 'presence'; room: number; state: number };

describe('property: membership and presence follow the requests', () => {
  const ops = fc.array(
    fc.record({
      kind: fc.constantFrom<Op['kind']>('sub', 'sub', 'unsub', 'presence'),
      room: fc.nat(2),
      state: fc.nat(9),
    }),
    { minLength: 1, maxLength: 14 },
  );

  it('awaited requests: delivery and presence match the model after every sequence', async () => {
    await fc.assert(
      fc.asyncProperty(ops, async (seq) => {
        const id = ++run;
        const rooms = [0, 1, 2].map((i) => `lz${id}:r${i}`);
        const sub = `aw${id}`;
        const c = await connect(hub, await token(hub, { sub, role: 'viewer', rooms: ['lz*'] }));
        const model = new Map<number, Record<string, number>>();
        for (const op of seq) {
          const room = rooms[op.room]!;
          if (op.kind === 'sub') {
            expect((await c.request({ type: 'subscribe', room })).type).toBe('ack');
            if (!model.has(op.room)) model.set(op.room, {});
          } else if (op.kind === 'unsub') {
            await c.request({ type: 'unsubscribe', room });
            model.delete(op.room);
          } else {
            const answer = await c.request({ type: 'presence', room, state: { s: op.state } });
            if (model.has(op.room)) {
              expect(answer.type).toBe('ack');
              model.set(op.room, { s: op.state });
            } else expect(answer).toMatchObject({ type: 'error', code: 'bad_request' });
          }
        }
        await expectModel(c, rooms, sub, model);
      }),
      { numRuns: 60 },
    );
  });

  it('pipelined subscribe/unsubscribe/presence: the last request per room decides, and presence agrees', async () => {
    await fc.assert(
      fc.asyncProperty(ops, async (seq) => {
        const id = ++run;
        const rooms = [0, 1, 2].map((i) => `lz${id}:p${i}`);
        const sub = `pl${id}`;
        const c = await connect(hub, await token(hub, { sub, role: 'viewer', rooms: ['lz*'] }));
        const answers = seq.map((op, i) => {
          const rid = `q${i}`;
          const answer = c.waitFor((m) => (m.type === 'ack' || m.type === 'error') && m.id === rid);
          const room = rooms[op.room];
          if (op.kind === 'presence') c.send({ type: 'presence', id: rid, room, state: { s: op.state } });
          else c.send({ type: op.kind === 'sub' ? 'subscribe' : 'unsubscribe', id: rid, room });
          return answer;
        });
        const got = await Promise.all(answers);
        // The model, in request order: membership starts at the request (the hub joins at once).
        const model = new Map<number, Record<string, number>>();
        for (const [i, op] of seq.entries()) {
          const a = got[i]!;
          if (op.kind === 'sub') {
            if (a.type === 'error') expect(a).toMatchObject({ code: 'conflict' });
            if (!model.has(op.room)) model.set(op.room, {});
          } else if (op.kind === 'unsub') {
            expect(a.type).toBe('ack');
            model.delete(op.room);
          } else if (model.has(op.room)) {
            expect(a.type).toBe('ack');
            model.set(op.room, { s: op.state });
          } else expect(a).toMatchObject({ type: 'error', code: 'bad_request' });
        }
        await expectModel(c, rooms, sub, model);
      }),
      { numRuns: 60 },
    );
  });
});
