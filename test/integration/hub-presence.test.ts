/**
 * Presence: joined/left/updated diffs with per-member state, coalesced so that a burst of updates
 * is a few frames with the last state winning; size limit; the service role has no presence.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PresenceMember, PresenceMessage } from '../../hub/protocol/index.js';
import type { Hub } from '../../hub/server/types.js';
import { TestClient, connect, startHub, token, until } from '../support/hub.js';

let hub: Hub;
beforeAll(async () => {
  hub = await startHub({ presenceCoalesceMs: 100 });
});
afterAll(() => hub.close());

async function client(
  sub: string,
  role: 'viewer' | 'editor' | 'service' = 'editor',
  name?: string,
): Promise<TestClient> {
  return connect(hub, await token(hub, { sub, role, name, rooms: ['pr:*'] }));
}

function presenceFrames(c: TestClient, room: string): PresenceMessage[] {
  return c.received.filter((m): m is PresenceMessage => m.type === 'presence' && m.room === room);
}

/** The state of a member as the diffs seen so far tell it (undefined once it left). */
function stateOf(c: TestClient, room: string, clientId: string): PresenceMember['state'] | undefined {
  let state: PresenceMember['state'] | undefined;
  for (const f of presenceFrames(c, room)) {
    for (const m of [...f.joined, ...f.updated]) if (m.clientId === clientId) state = m.state;
    for (const m of f.left) if (m.clientId === clientId) state = undefined;
  }
  return state;
}

async function barrier(c: TestClient): Promise<void> {
  const id = `b${Math.random().toString(36).slice(2)}`;
  const pong = c.waitFor((m) => m.type === 'pong' && m.id === id);
  c.send({ type: 'ping', id });
  await pong;
}

describe('presence diffs', () => {
  it('announces joined, updated and left with clientId, sub, name and state', async () => {
    const room = 'pr:diffs';
    const alice = await client('alice', 'viewer', 'Alice');
    const first = (await alice.request({ type: 'subscribe', room })) as unknown as { members: PresenceMember[] };
    expect(first.members).toEqual([{ clientId: alice.welcome.clientId, sub: 'alice', name: 'Alice', state: {} }]);

    const bob = await client('bob', 'editor', 'Bob');
    const bobId = bob.welcome.clientId;
    const ack = (await bob.request({ type: 'subscribe', room })) as unknown as { members: PresenceMember[] };
    expect(ack.members.map((m) => m.clientId).sort()).toEqual([alice.welcome.clientId, bobId].sort());
    const joined = await alice.waitFor((m) => m.type === 'presence' && m.joined.some((j) => j.clientId === bobId));
    expect((joined as PresenceMessage).joined.find((j) => j.clientId === bobId)).toEqual({
      clientId: bobId,
      sub: 'bob',
      name: 'Bob',
      state: {},
    });

    bob.send({ type: 'presence', room, state: { view: 'dashboard:7', editing: 'w3' } });
    const updated = await alice.waitFor((m) => m.type === 'presence' && m.updated.some((u) => u.clientId === bobId));
    expect((updated as PresenceMessage).updated.find((u) => u.clientId === bobId)).toEqual({
      clientId: bobId,
      sub: 'bob',
      name: 'Bob',
      state: { view: 'dashboard:7', editing: 'w3' },
    });

    await bob.request({ type: 'unsubscribe', room });
    const left = await alice.waitFor((m) => m.type === 'presence' && m.left.some((l) => l.clientId === bobId));
    expect((left as PresenceMessage).left.map((l) => l.sub)).toContain('bob');
    expect(stateOf(alice, room, bobId)).toBeUndefined();

    // A new subscriber's ack is the truth: Bob is gone.
    const carol = await client('carol');
    const carolAck = (await carol.request({ type: 'subscribe', room })) as unknown as { members: PresenceMember[] };
    expect(carolAck.members.map((m) => m.sub).sort()).toEqual(['alice', 'carol']);
    for (const c of [alice, bob, carol]) c.close();
  });

  it('a closed connection leaves every room it was in, once', async () => {
    const watcher = await client('watcher');
    await watcher.request({ type: 'subscribe', room: 'pr:a' });
    await watcher.request({ type: 'subscribe', room: 'pr:b' });
    const leaver = await client('leaver');
    const id = leaver.welcome.clientId;
    await leaver.request({ type: 'subscribe', room: 'pr:a' });
    await leaver.request({ type: 'subscribe', room: 'pr:b' });
    await until(
      () => stateOf(watcher, 'pr:a', id) !== undefined && stateOf(watcher, 'pr:b', id) !== undefined,
      5000,
      'joins',
    );
    leaver.close();
    await until(
      () => stateOf(watcher, 'pr:a', id) === undefined && stateOf(watcher, 'pr:b', id) === undefined,
      5000,
      'leaves',
    );
    await watcher.request({ type: 'presence', room: 'pr:a', state: { later: true } });
    await until(() => stateOf(watcher, 'pr:a', watcher.welcome.clientId)?.later === true, 5000, 'own update');
    for (const room of ['pr:a', 'pr:b']) {
      expect(presenceFrames(watcher, room).filter((f) => f.left.some((l) => l.clientId === id))).toHaveLength(1);
    }
    watcher.close();
  });

  it('reports a member who joins and leaves within one window as left to someone who saw it in the ack', async () => {
    const early = await client('early');
    await early.request({ type: 'subscribe', room: 'pr:ghost' });
    const late = await client('late');
    const ack = (await late.request({ type: 'subscribe', room: 'pr:ghost' })) as unknown as {
      members: PresenceMember[];
    };
    // `late` knows `early` from its ack; `early` leaves inside the coalescing window of late's join.
    expect(ack.members.map((m) => m.clientId)).toContain(early.welcome.clientId);
    early.ws.terminate();
    await until(
      () => presenceFrames(late, 'pr:ghost').some((f) => f.left.some((m) => m.clientId === early.welcome.clientId)),
      5000,
      'left',
    );
    late.close();
  });

  it('tells two connections of the same user apart', async () => {
    const watcher = await client('w2');
    await watcher.request({ type: 'subscribe', room: 'pr:twice' });
    const tab1 = await client('dana');
    const tab2 = await client('dana');
    await tab1.request({ type: 'subscribe', room: 'pr:twice' });
    await tab2.request({ type: 'subscribe', room: 'pr:twice' });
    await until(
      () =>
        stateOf(watcher, 'pr:twice', tab1.welcome.clientId) !== undefined &&
        stateOf(watcher, 'pr:twice', tab2.welcome.clientId) !== undefined,
      5000,
      'both tabs',
    );
    tab1.close();
    await until(() => stateOf(watcher, 'pr:twice', tab1.welcome.clientId) === undefined, 5000, 'tab 1 leaves');
    expect(stateOf(watcher, 'pr:twice', tab2.welcome.clientId)).toEqual({});
    for (const c of [watcher, tab2]) c.close();
  });
});

describe('presence coalescing', () => {
  it('turns a burst of 50 typing updates into far fewer frames, the last state winning', async () => {
    const room = 'pr:typing';
    const watcher = await client('reader');
    await watcher.request({ type: 'subscribe', room });
    const typist = await client('typist');
    const id = typist.welcome.clientId;
    await typist.request({ type: 'subscribe', room });
    await until(() => stateOf(watcher, room, id) !== undefined, 5000, 'typist joined');
    const before = presenceFrames(watcher, room).length;

    for (let i = 1; i <= 50; i++)
      typist.send({ type: 'presence', room, state: { typing: i < 50, n: i, view: 'dashboard:1' } });
    await until(() => stateOf(watcher, room, id)?.n === 50, 5000, 'the final state');

    const burst = presenceFrames(watcher, room).slice(before);
    const mentioning = burst.filter((f) => [...f.joined, ...f.updated].some((m) => m.clientId === id));
    expect(mentioning.length).toBeGreaterThanOrEqual(1);
    expect(mentioning.length).toBeLessThanOrEqual(10);
    // Each frame carries one entry per member: never a backlog of the intermediate states.
    for (const f of mentioning) expect([...f.joined, ...f.updated].filter((m) => m.clientId === id)).toHaveLength(1);
    expect(stateOf(watcher, room, id)).toEqual({ typing: false, n: 50, view: 'dashboard:1' });
    // The typist hears its own final state too.
    await until(() => stateOf(typist, room, id)?.n === 50, 5000, 'own final state');
    watcher.close();
    typist.close();
  });
});

describe('presence rules', () => {
  it('refuses a state over 1 KiB with too_large and accepts one of exactly 1 KiB', async () => {
    const c = await client('big');
    await c.request({ type: 'subscribe', room: 'pr:size' });
    const base = JSON.stringify({ blob: '' }).length;
    const exact = { blob: 'x'.repeat(1024 - base) };
    expect(Buffer.byteLength(JSON.stringify(exact))).toBe(1024);
    expect(await c.request({ type: 'presence', room: 'pr:size', state: exact })).toMatchObject({
      type: 'ack',
      room: 'pr:size',
    });
    const over = { blob: 'x'.repeat(1025 - base) };
    expect(await c.request({ type: 'presence', room: 'pr:size', state: over })).toMatchObject({
      type: 'error',
      code: 'too_large',
    });
    // Multi-byte characters count as bytes, not characters.
    const wide = { blob: 'é'.repeat(600) };
    expect(await c.request({ type: 'presence', room: 'pr:size', state: wide })).toMatchObject({
      type: 'error',
      code: 'too_large',
    });
    expect(c.closed).toBeUndefined();
    c.close();
  });

  it('answers a presence without id with nothing, and one with id with an ack', async () => {
    const c = await client('quiet');
    await c.request({ type: 'subscribe', room: 'pr:ack' });
    c.send({ type: 'presence', room: 'pr:ack', state: { view: 'a' } });
    await barrier(c);
    expect(
      c.received.filter((m) => m.type === 'ack' && (m as { room?: string }).room === 'pr:ack' && m.id === undefined),
    ).toHaveLength(0);
    expect(c.received.filter((m) => m.type === 'error')).toHaveLength(0);
    expect(await c.request({ type: 'presence', room: 'pr:ack', state: { view: 'b' } })).toMatchObject({
      type: 'ack',
      room: 'pr:ack',
    });
    c.close();
  });

  it('refuses presence in a room the client has not subscribed to', async () => {
    const c = await client('early');
    expect(await c.request({ type: 'presence', room: 'pr:elsewhere', state: {} })).toMatchObject({
      type: 'error',
      code: 'bad_request',
    });
    c.close();
  });

  it('gives the service role no presence: not a member, no joined, and presence is forbidden', async () => {
    const room = 'pr:service';
    const human = await client('human');
    await human.request({ type: 'subscribe', room });
    const service = await client('engine', 'service');
    const ack = (await service.request({ type: 'subscribe', room })) as unknown as {
      type: string;
      members: PresenceMember[];
    };
    expect(ack.type).toBe('ack');
    expect(ack.members.map((m) => m.sub)).toEqual(['human']);
    expect(await service.request({ type: 'presence', room, state: { view: 'x' } })).toMatchObject({
      type: 'error',
      code: 'forbidden',
    });
    await service.request({ type: 'publish', room, event: 'refresh', data: {} });
    await human.waitFor((m) => m.type === 'message' && m.room === room);
    service.close();
    await service.waitForClose();
    await human.request({ type: 'presence', room, state: { after: true } });
    await until(() => stateOf(human, room, human.welcome.clientId)?.after === true, 5000, 'own update');
    const mentions = presenceFrames(human, room).flatMap((f) => [...f.joined, ...f.updated, ...f.left]);
    expect(mentions.some((m) => m.sub === 'engine')).toBe(false);
    human.close();
  });
});
