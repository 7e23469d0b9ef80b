/**
 * Redis outages seen through hub processes: publishes refused visibly while Redis is stopped, with
 * nothing acknowledged lost; hubs come back by themselves when it returns; a killed subscriber
 * connection is noticed and the feed goes on without a gap.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServerHandle } from '../support/redis-server.js';
import { httpRequest, until, type TestClient } from '../support/hub.js';
import { clientOn, range, seqsOf, startHubProcess, steadyPublisher, type HubProcess } from '../support/redis-hubs.js';
import { testPrefix } from '../support/redis-helpers.js';
import type { ServerMessage } from '../../hub/protocol/index.js';

let redis: RedisServerHandle;
let hubs: HubProcess[] = [];
const clients: TestClient[] = [];

beforeEach(async () => {
  redis = await startRedisServer();
  const prefix = testPrefix();
  hubs = await Promise.all(['hub-a', 'hub-b'].map((id) => startHubProcess(redis.url, prefix, id)));
}, 60_000);

afterEach(async () => {
  for (const c of clients.splice(0)) c.ws.terminate();
  await Promise.all(hubs.map((h) => h.stop('SIGKILL')));
  await redis.stop();
}, 60_000);

async function client(hub: HubProcess, sub: string): Promise<TestClient> {
  const c = await clientOn(hub, sub);
  clients.push(c);
  return c;
}

type Ack = ServerMessage & { epoch: string; seq: number; recovered?: boolean; reason?: string };

async function readyz(hub: HubProcess): Promise<number> {
  return (await httpRequest(hub.hub, 'GET', '/readyz')).status;
}

// Several processes on a shared machine: generous budgets; nothing here measures time.
describe('hubs through a Redis outage', { timeout: 120_000 }, () => {
  it('refuses publishes while Redis is stopped, loses nothing acknowledged, and resumes delivery when it returns', async () => {
    const room = 'dashboard:outage';
    const watcher = await client(hubs[1], 'watcher');
    const joined = (await watcher.request({ type: 'subscribe', room })) as Ack;
    const feed = steadyPublisher(await client(hubs[0], 'publisher'), room);
    await until(() => watcher.messages(room).length >= 30, 10_000, 'delivery before the outage');

    await redis.stop();
    await until(() => feed.refused.length >= 3, 10_000, 'publishes refused');
    // Refused before sending (`unavailable`), or in flight when Redis went (`outcome_unknown`: it may
    // have been stored); never `internal`.
    const codes = new Set(feed.refused.map((r) => r.code));
    expect(codes.has('unavailable')).toBe(true);
    expect([...codes].every((c) => c === 'unavailable' || c === 'outcome_unknown')).toBe(true);
    for (const hub of hubs) await until(async () => (await readyz(hub)) === 503, 10_000, `${hub.nodeId} not ready`);

    // Every acknowledged message was stored and announced before Redis went: the watcher has each.
    const firstEpoch = joined.epoch;
    const ackedBefore = feed.seqs(firstEpoch);
    await until(() => seqsOf(watcher, room).length >= ackedBefore.length, 10_000, 'acked messages at the watcher');
    // (A publish whose outcome was unknown may have been stored after them: it may follow.)
    expect(seqsOf(watcher, room).slice(0, Math.max(...ackedBefore) - joined.seq)).toEqual(
      range(joined.seq + 1, Math.max(...ackedBefore)),
    );
    expect(ackedBefore).toEqual(range(joined.seq + 1, Math.max(...ackedBefore)));

    await redis.restart();
    for (const hub of hubs) await until(async () => (await readyz(hub)) === 200, 20_000, `${hub.nodeId} ready again`);
    // Without restarting hubs or reconnecting, the watcher gets the messages published from now on.
    await until(() => feed.acked.some((a) => a.epoch !== firstEpoch), 10_000, 'publishes accepted again');
    await until(() => watcher.messages(room).some((m) => m.epoch !== firstEpoch), 10_000, 'delivery after the outage');
    await feed.stop();
    expect(watcher.closed).toBeUndefined();

    // The restarted Redis kept nothing, so a resume from before the outage says so, never a silent gap.
    const resumer = await client(hubs[0], 'resumer');
    const resumed = (await resumer.request({
      type: 'subscribe',
      room,
      since: { epoch: firstEpoch, seq: Math.max(...ackedBefore) },
    })) as Ack;
    expect(resumed.recovered).toBe(false);
    expect(resumed.reason).toBe('epoch_changed');
    // And what the watcher got in the new epoch is every acknowledged message of it, in order.
    const newEpoch = resumed.epoch;
    const ackedAfter = feed.seqs(newEpoch);
    await until(
      () => watcher.messages(room).filter((m) => m.epoch === newEpoch).length >= ackedAfter.length,
      10_000,
      'new-epoch delivery',
    );
    expect(
      watcher
        .messages(room)
        .filter((m) => m.epoch === newEpoch)
        .map((m) => m.seq),
    ).toEqual(range(1, Math.max(...ackedAfter)));
  });

  it('notices a killed subscriber connection and keeps every client feed whole', async () => {
    const room = 'dashboard:client-kill';
    const watchers = [await client(hubs[0], 'w0'), await client(hubs[1], 'w1')];
    const acks = (await Promise.all(watchers.map((w) => w.request({ type: 'subscribe', room })))) as Ack[];
    const feed = steadyPublisher(await client(hubs[0], 'publisher'), room);
    for (const w of watchers) await until(() => w.messages(room).length >= 30, 10_000, 'delivery before the kill');

    expect(await redis.command('CLIENT', 'KILL', 'TYPE', 'pubsub')).toBe(':2');
    const killedAt = Math.max(...feed.seqs());
    await until(() => Math.max(...feed.seqs()) >= killedAt + 100, 20_000, 'publishing to go on after the kill');
    await feed.stop();
    const last = Math.max(...feed.seqs());
    for (const [i, w] of watchers.entries()) {
      await until(() => seqsOf(w, room).at(-1) === last, 10_000, 'the last message');
      expect(seqsOf(w, room)).toEqual(range(acks[i].seq + 1, last));
      expect(w.closed).toBeUndefined();
    }
  });
});
