/**
 * The Redis engine survives outages: a stopped server refuses visibly, loses nothing acknowledged
 * and comes back by itself; a killed subscriber connection's gap is filled from the stream; a
 * frozen server makes publishes time out.
 */
import { describe, expect, it } from 'vitest';
import { freePort } from '../support/redis-server.js';
import { EngineRecorder, privateRedisEngines } from '../support/redis-helpers.js';
import { RedisEngine } from '../../hub/engines/redis/engine.js';
import { EngineOutcomeUnknownError, EngineUnavailableError } from '../../hub/engines/redis/connection.js';
import type { PresenceMember, RoomMessage, Sender } from '../../hub/protocol/index.js';
import type { PresenceDiff } from '../../hub/core/engine.js';

const setup = privateRedisEngines();

const from: Sender = { sub: 'svc', name: 'Service', service: true };
const input = (room: string, n: number) => ({ room, event: 'tick', data: { n }, from, time: Date.now() });

/** The members a hub's reported diffs add up to. */
function present(diffs: Array<{ diff: PresenceDiff }>): Map<string, PresenceMember> {
  const view = new Map<string, PresenceMember>();
  for (const { diff } of diffs) {
    for (const m of [...diff.joined, ...diff.updated]) view.set(m.clientId, m);
    for (const m of diff.left) view.delete(m.clientId);
  }
  return view;
}

describe('redis engine: outages', () => {
  it('refuses publishes while Redis is stopped, loses nothing it acknowledged, and recovers by itself', async () => {
    const { redis, hubs } = await setup(2);
    const [a, b] = hubs;
    const room = 'outage:1';
    await b.engine.subscribe(room);

    const acked: RoomMessage[] = [];
    const refused: unknown[] = [];
    let stopping = false;
    const publisher = (async () => {
      for (let n = 0; !stopping || refused.length < 5; n++) {
        try {
          acked.push(await a.engine.publish(input(room, n)));
        } catch (err) {
          refused.push(err);
          // Paces the retries while Redis is away (the loop ends on refusals, not on time).
          await new Promise((r) => setTimeout(r, 10));
        }
      }
    })();
    await b.events.until(() => b.events.messagesOf(room).length >= 50, 'some delivery before the outage');
    stopping = true;
    await redis.stop();
    await publisher;

    // The publish in flight when the connection dropped may have been stored: outcome unknown, never
    // "refused"; once the engine knows Redis is gone, publishes are refused before being sent.
    expect(refused.every((e) => e instanceof EngineUnavailableError || e instanceof EngineOutcomeUnknownError)).toBe(
      true,
    );
    expect(refused.at(-1)).toBeInstanceOf(EngineUnavailableError);
    for (const h of hubs)
      await h.events.until(() => h.events.states.some((s) => s.state === 'down'), `${h.engine.nodeId} down`);
    expect(a.engine.state).toBe('down');
    // Every acknowledged message had been stored and announced: b delivered each one, in order.
    const firstEpoch = acked[0].epoch;
    await b.events.until(() => b.events.messagesOf(room).length >= acked.length, 'every acked message delivered');
    expect(b.events.messagesOf(room).map((m) => m.seq)).toEqual(acked.map((m) => m.seq));
    expect(acked.map((m) => m.seq)).toEqual(acked.map((_, i) => i + 1));

    await redis.restart();
    for (const h of hubs) await h.events.until(() => h.engine.state === 'up', `${h.engine.nodeId} up again`, 20_000);
    expect(a.events.states.at(-1)?.state).toBe('up');

    // The restarted server kept nothing (not even its scripts): the room starts a new epoch, which
    // b follows live, and publishes made together are numbered in the order they were made.
    const burst = await Promise.all(Array.from({ length: 100 }, (_, n) => a.engine.publish(input(room, 1000 + n))));
    expect(burst.map((m) => m.seq)).toEqual(burst.map((_, i) => i + 1));
    const after = burst[0];
    expect(after.epoch).not.toBe(firstEpoch);
    await b.events.until(
      () => b.events.messagesOf(room).some((m) => m.epoch === after.epoch),
      'delivery in the new epoch',
    );
    const resumed = await b.engine.history(room, { epoch: firstEpoch, seq: acked.length });
    expect(resumed).toMatchObject({ recovered: false, reason: 'epoch_changed' });
  });

  it('notices a killed subscriber connection, resubscribes, and fills the gap from the stream', async () => {
    const { redis, hubs } = await setup(2);
    const [a, b] = hubs;
    const rooms = ['kill:1', 'kill:2'];
    for (const room of rooms) await b.engine.subscribe(room);
    for (let n = 0; n < 20; n++) for (const room of rooms) await a.engine.publish(input(room, n));
    await b.events.until(() => b.events.messages.length === 40, 'delivery before the kill');

    const killed = await redis.command('CLIENT', 'KILL', 'TYPE', 'pubsub');
    expect(killed).toBe(':2');
    // Published while b's subscriber is away or coming back: pub/sub drops these for b.
    for (let n = 20; n < 120; n++) for (const room of rooms) await a.engine.publish(input(room, n));

    await b.events.until(() => b.events.states.some((s) => s.state === 'down'), 'b down');
    await b.events.until(() => b.engine.state === 'up', 'b up again');
    for (const room of rooms) {
      await b.events.until(() => b.events.messagesOf(room).length >= 120, `${room} complete`);
      expect(b.events.messagesOf(room).map((m) => m.seq)).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
    }
    // And live delivery goes on after it.
    await a.engine.publish(input('kill:1', 999));
    await b.events.until(() => b.events.messagesOf('kill:1').length === 121, 'live after resubscribe');
  });

  it('puts its members back after Redis lost them, and the other hubs converge on them', async () => {
    const { redis, hubs } = await setup(2);
    const [a, b] = hubs;
    const room = 'presence:restart';
    await b.engine.subscribe(room);
    const m1 = { clientId: 'm1', sub: 'u1', name: 'U1', state: { view: 'x' } };
    await a.engine.presenceSet(room, m1);
    await b.events.until(() => b.events.presenceDiffs.length === 1, 'joined');

    await redis.stop();
    await redis.restart();
    for (const h of hubs)
      await h.events.until(
        () => h.engine.state === 'up' && h.events.states.length >= 2,
        `${h.engine.nodeId} back`,
        20_000,
      );
    // a puts m1 back; b may have caught up before that and reported m1 gone, then hears it join
    // again, or caught up after and reports nothing: either way b's view ends as Redis holds it.
    for (let i = 0; i < 400 && (await b.engine.presenceList(room)).length === 0; i++)
      await new Promise((r) => setTimeout(r, 25));
    await b.events.until(() => present(b.events.presenceDiffs).has('m1'), 'm1 present in b view');
    expect(await b.engine.presenceList(room)).toEqual([m1]);
  });

  it('reports presence changes made while its subscriber connection was away', async () => {
    const { redis, hubs } = await setup(2);
    const [a, b] = hubs;
    const room = 'presence:gap';
    await b.engine.subscribe(room);
    await a.engine.presenceSet(room, { clientId: 'stays', sub: 'u1', name: 'U1', state: {} });
    await a.engine.presenceSet(room, { clientId: 'goes', sub: 'u2', name: 'U2', state: {} });
    await b.events.until(() => present(b.events.presenceDiffs).size === 2, 'both joined');

    // Kill the subscriber connections again and again while a changes presence, so b is away for
    // most of it and pub/sub drops those diffs.
    let killing = true;
    const killer = (async () => {
      while (killing) await redis.command('CLIENT', 'KILL', 'TYPE', 'pubsub');
    })();
    // Spreads a's changes over the kill loop; the test waits for b's final view, never on these.
    const pause = () => new Promise((r) => setTimeout(r, 20));
    await b.events.until(() => b.events.states.some((s) => s.state === 'down'), 'b down');
    await a.engine.presenceRemove(room, 'goes');
    await pause();
    await a.engine.presenceSet(room, { clientId: 'stays', sub: 'u1', name: 'U1', state: { typing: true } });
    await pause();
    await a.engine.presenceSet(room, { clientId: 'new', sub: 'u3', name: 'U3', state: {} });
    await pause();
    killing = false;
    await killer;

    await b.events.until(() => b.engine.state === 'up', 'b back');
    await b.events.until(() => {
      const view = present(b.events.presenceDiffs);
      return view.size === 2 && view.has('new') && (view.get('stays')?.state as { typing?: boolean }).typing === true;
    }, "b's view to match Redis");
    expect((await b.engine.presenceList(room)).map((m) => m.clientId).sort()).toEqual(['new', 'stays']);
  });

  it('fails to start, saying why, when Redis cannot be reached', async () => {
    const nothingThere = await freePort();
    const engine = new RedisEngine({
      url: `redis://127.0.0.1:${nothingThere}`,
      historyPolicy: () => ({ maxMessages: 10, maxAgeMs: 60_000 }),
      connectTimeoutMs: 500,
      reconnectMaxDelayMs: 50,
    });
    await expect(engine.start(new EngineRecorder())).rejects.toBeInstanceOf(EngineUnavailableError);
    expect(engine.state).toBe('down');
    await expect(engine.publish(input('nowhere', 1))).rejects.toBeInstanceOf(EngineUnavailableError);
    await engine.close();
  });

  it('ends a publish that a frozen Redis does not answer as outcome unknown, instead of waiting for ever', async () => {
    const { redis, hubs } = await setup(1, { commandTimeoutMs: 300 });
    const [a] = hubs;
    await a.engine.publish(input('frozen:1', 0));
    redis.pause();
    // Sent and unanswered: it may be stored once Redis thaws, so it is not "refused".
    await expect(a.engine.publish(input('frozen:1', 1))).rejects.toBeInstanceOf(EngineOutcomeUnknownError);
    redis.resume();
    const next = await a.engine.publish(input('frozen:1', 2));
    // The timed-out publish may still have been stored once Redis thawed; it was never acknowledged.
    expect(next.seq).toBeGreaterThanOrEqual(2);
  });
});
