/**
 * Several hub processes sharing one real redis-server act as one hub: fan-out with concurrent
 * publishers on every hub, a client moving hubs, a hub killed outright, presence of a dead hub.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServerHandle } from '../support/redis-server.js';
import { expectRefused, until, type TestClient } from '../support/hub.js';
import {
  clientOn,
  range,
  seqsOf,
  startHubProcess,
  steadyPublisher,
  tokenFor,
  type HubProcess,
} from '../support/redis-hubs.js';
import { testPrefix } from '../support/redis-helpers.js';
import type { PresenceMessage, ServerMessage } from '../../hub/protocol/index.js';

let redis: RedisServerHandle;
let hubs: HubProcess[] = [];
const clients: TestClient[] = [];

beforeEach(async () => {
  redis = await startRedisServer();
  const prefix = testPrefix();
  hubs = await Promise.all(['hub-a', 'hub-b', 'hub-c'].map((id) => startHubProcess(redis.url, prefix, id)));
}, 60_000);

afterEach(async () => {
  for (const c of clients.splice(0)) c.ws.terminate();
  await Promise.all(hubs.map((h) => h.stop('SIGKILL')));
  await redis.stop();
}, 60_000);

async function join(hub: HubProcess, sub: string, room: string, since?: { epoch: string; seq: number }) {
  const client = await clientOn(hub, sub);
  clients.push(client);
  const ack = await client.request({ type: 'subscribe', room, ...(since ? { since } : {}) });
  expect(ack.type).toBe('ack');
  return {
    client,
    ack: ack as ServerMessage & {
      epoch: string;
      seq: number;
      recovered?: boolean;
      reason?: string;
      members: unknown[];
    },
  };
}

// Several processes on a shared machine: generous budgets; nothing here measures time.
describe('several hubs on one Redis', { timeout: 120_000 }, () => {
  it('delivers every message of concurrent publishers on three hubs to subscribers on all three, once and in order', async () => {
    const room = 'dashboard:fanout';
    const subscribers: TestClient[] = [];
    for (const hub of hubs)
      for (let i = 0; i < 3; i++) subscribers.push((await join(hub, `viewer-${hub.nodeId}-${i}`, room)).client);
    const perPublisher = 1000;
    const publishers = await Promise.all(
      hubs.map(async (hub) => {
        const c = await clientOn(hub, `publisher-${hub.nodeId}`);
        clients.push(c);
        return c;
      }),
    );

    // All three publish at once, each keeping a window of 50 requests in flight.
    const answers = await Promise.all(
      publishers.map(async (p, i) => {
        const mine = [];
        for (let from = 1; from <= perPublisher; from += 50) {
          const batch = range(from, Math.min(perPublisher, from + 49));
          mine.push(
            ...(await Promise.all(
              batch.map((n) => p.request({ type: 'publish', room, event: 'tick', data: { publisher: i, n } })),
            )),
          );
        }
        return mine;
      }),
    );
    const total = perPublisher * publishers.length;
    const acks = answers.flat();
    expect(acks.filter((a) => a.type !== 'ack')).toEqual([]);
    expect(acks.map((a) => a.seq as number).sort((x, y) => x - y)).toEqual(range(1, total));

    for (const s of subscribers) {
      await until(() => s.messages(room).length >= total, 30_000, 'every message at every subscriber');
      expect(seqsOf(s, room)).toEqual(range(1, total));
    }
    // Each publisher's own messages arrive in the order it sent them.
    const fromFirst = subscribers[4].messages(room).filter((m) => (m.data as { publisher: number }).publisher === 0);
    expect(fromFirst.map((m) => (m.data as { n: number }).n)).toEqual(range(1, perPublisher));
  });

  it('lets a client move to another hub mid-stream and resume with no gap and no repeat', async () => {
    const room = 'dashboard:move';
    const publisher = await clientOn(hubs[2], 'publisher');
    clients.push(publisher);
    const feed = steadyPublisher(publisher, room);

    const first = await join(hubs[0], 'mover', room);
    await until(() => first.client.messages(room).length >= 50, 10_000, 'messages on the first hub');
    first.client.close();
    await first.client.waitForClose();
    const got = seqsOf(first.client, room);
    const last = got[got.length - 1];

    const second = await join(hubs[1], 'mover', room, { epoch: first.ack.epoch, seq: last });
    expect(second.ack.recovered).toBe(true);
    await until(() => second.client.messages(room).length >= 50, 10_000, 'messages on the second hub');
    await feed.stop();
    const lastAcked = Math.max(...feed.seqs());
    await until(() => seqsOf(second.client, room).at(-1) === lastAcked, 10_000, 'the last message on the second hub');

    expect([...got, ...seqsOf(second.client, room)]).toEqual(range(first.ack.seq + 1, lastAcked));
  });

  it('resumes the clients of a killed hub on the others with no gap', async () => {
    const room = 'dashboard:crash';
    const publisher = await clientOn(hubs[2], 'publisher');
    clients.push(publisher);
    const feed = steadyPublisher(publisher, room);
    const victims = [await join(hubs[0], 'v1', room), await join(hubs[0], 'v2', room)];
    for (const v of victims)
      await until(() => v.client.messages(room).length >= 30, 10_000, 'messages before the crash');

    await hubs[0].stop('SIGKILL');
    for (const v of victims) expect((await v.client.waitForClose()).code).toBe(1006);

    const resumed = await Promise.all(
      victims.map((v, i) => {
        const got = seqsOf(v.client, room);
        return join(hubs[1 + i], `v${i + 1}`, room, { epoch: v.ack.epoch, seq: got[got.length - 1] });
      }),
    );
    for (const r of resumed) expect(r.ack.recovered).toBe(true);
    for (const r of resumed) await until(() => r.client.messages(room).length >= 30, 10_000, 'messages after resuming');
    await feed.stop();
    const lastAcked = Math.max(...feed.seqs());
    for (const [i, v] of victims.entries()) {
      await until(
        () => seqsOf(resumed[i].client, room).at(-1) === lastAcked,
        10_000,
        'the last message after resuming',
      );
      expect([...seqsOf(v.client, room), ...seqsOf(resumed[i].client, room)]).toEqual(range(v.ack.seq + 1, lastAcked));
    }
  });

  it("removes a killed hub's members from the presence seen on the other hubs", async () => {
    const room = 'dashboard:presence';
    const watcher = await join(hubs[1], 'watcher', room);
    const doomed = [await join(hubs[0], 'd1', room), await join(hubs[0], 'd2', room)];
    const doomedIds = doomed.map((d) => d.client.welcome.clientId).sort();
    const presence = () => watcher.client.received.filter((m): m is PresenceMessage => m.type === 'presence');
    const joined = () => presence().flatMap((p) => p.joined.map((m) => m.clientId));
    await until(() => doomedIds.every((id) => joined().includes(id)), 10_000, 'the doomed clients to join');

    await hubs[0].stop('SIGKILL');
    const left = () => presence().flatMap((p) => p.left.map((m) => m.clientId));
    // Documented bound: the engine's node TTL plus one heartbeat (1.2 s for these hubs).
    await until(() => doomedIds.every((id) => left().includes(id)), 15_000, 'the killed hub members to leave');
    expect(
      left()
        .filter((id) => doomedIds.includes(id))
        .sort(),
    ).toEqual(doomedIds);

    // A client joining afterwards on the third hub sees only the live members.
    const late = await join(hubs[2], 'late', room);
    const members = (late.ack.members as Array<{ clientId: string }>).map((m) => m.clientId).sort();
    expect(members).toEqual([watcher.client.welcome.clientId, late.client.welcome.clientId].sort());
  });

  it("closes a user's connections on the other hubs when an admin on one hub kicks or bans them", async () => {
    const admin = await clientOn(hubs[0], 'root', 'admin');
    clients.push(admin);
    const kicked = [await clientOn(hubs[1], 'kicked'), await clientOn(hubs[2], 'kicked')];
    const banned = [await clientOn(hubs[1], 'banned'), await clientOn(hubs[2], 'banned')];
    const bystander = await clientOn(hubs[2], 'bystander');
    clients.push(...kicked, ...banned, bystander);

    expect(
      await admin.request({ type: 'admin', action: 'kick', sub: 'kicked', reason: 'kicked from hub a' }),
    ).toMatchObject({ type: 'ack' });
    for (const c of kicked) expect(await c.waitForClose()).toEqual({ code: 4004, reason: 'kicked from hub a' });

    expect(
      await admin.request({ type: 'admin', action: 'ban', sub: 'banned', minutes: 10, reason: 'banned from hub a' }),
    ).toMatchObject({ type: 'ack' });
    for (const c of banned) expect(await c.waitForClose()).toEqual({ code: 4005, reason: 'banned from hub a' });
    // The ban lives in Redis: every hub refuses the user's next upgrade.
    for (const hub of hubs) expect((await expectRefused(hub.hub, await tokenFor('banned'))).status).toBe(403);

    expect(bystander.closed).toBeUndefined();
    expect((await bystander.request({ type: 'subscribe', room: 'dashboard:after' })).type).toBe('ack');
  });
});
