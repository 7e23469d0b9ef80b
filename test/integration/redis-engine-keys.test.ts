/**
 * Idempotent publish in the Redis engine: a key is checked and stored in the publish script itself,
 * so a retry, or two hubs retrying at once, stores the message once; a publish that a stalled Redis
 * (`DEBUG SLEEP`) does not answer ends "outcome unknown", and its retry by key says where it went.
 */
import { describe, expect, it } from 'vitest';
import { privateRedisEngines } from '../support/redis-helpers.js';
import { EngineOutcomeUnknownError } from '../../hub/engines/redis/connection.js';
import type { PublishInput } from '../../hub/core/engine.js';
import type { Sender } from '../../hub/protocol/index.js';

const setup = privateRedisEngines();

const alice: Sender = { sub: 'alice', name: 'Alice' };
const bob: Sender = { sub: 'bob', name: 'Bob' };
const input = (room: string, n: number, key?: string, from = alice): PublishInput => ({
  room,
  event: 'tick',
  data: { n },
  from,
  time: Date.now(),
  key,
});

describe('redis engine: publish keys', { timeout: 60_000 }, () => {
  it('stores a repeated key once, answers the original position with duplicate, and delivers it once', async () => {
    const { hubs } = await setup(1);
    const [{ engine, events }] = hubs;
    const room = 'keys:once';
    await engine.subscribe(room);
    const first = await engine.publish(input(room, 1, 'k-1'));
    const again = await engine.publish(input(room, 1, 'k-1'));
    expect(first.duplicate).toBeUndefined();
    expect(again).toMatchObject({ epoch: first.epoch, seq: first.seq, duplicate: true });
    // The same key from another user is another message; no key is never de-duplicated.
    const other = await engine.publish(input(room, 2, 'k-1', bob));
    const plain = await engine.publish(input(room, 3));
    expect([other.seq, plain.seq]).toEqual([first.seq + 1, first.seq + 2]);
    // Delivery: the later message arrives after any second copy would have.
    await events.until(() => events.messagesOf(room).some((m) => m.seq === plain.seq), 'the last message');
    expect(events.messagesOf(room).map((m) => m.seq)).toEqual([1, 2, 3]);
    const h = await engine.history(room, { epoch: first.epoch, seq: 0 });
    expect(h.messages.map((m) => m.seq)).toEqual([1, 2, 3]);
  });

  it('stores a key once when two hubs publish it at the same moment', async () => {
    const { hubs } = await setup(2);
    const room = 'keys:race';
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => hubs[i % 2]!.engine.publish(input(room, 7, 'same'))),
    );
    expect(new Set(results.map((r) => r.seq))).toEqual(new Set([1]));
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    const h = await hubs[0]!.engine.history(room, { epoch: results[0]!.epoch, seq: 0 });
    expect(h.messages).toHaveLength(1);
  });

  it('forgets keys whose messages left the history window (count bound)', async () => {
    const { hubs } = await setup(1, { historyPolicy: () => ({ maxMessages: 3, maxAgeMs: 600_000 }) });
    const [{ engine }] = hubs;
    const room = 'keys:window';
    const first = await engine.publish(input(room, 0, 'old'));
    for (let n = 1; n <= 5; n++) await engine.publish(input(room, n, `k${n}`));
    // 'k5' is still in the window; 'old' is not, so its retry is a new message.
    expect(await engine.publish(input(room, 5, 'k5'))).toMatchObject({ seq: 6, duplicate: true });
    const retried = await engine.publish(input(room, 0, 'old'));
    expect(retried.duplicate).toBeUndefined();
    expect(retried.seq).toBe(first.seq + 6);
  });

  it('ends a publish unanswered by a stalled Redis as outcome unknown; the retry by key finds it stored once', async () => {
    const { redis, hubs } = await setup(1, { commandTimeoutMs: 300 });
    const [{ engine, events }] = hubs;
    const room = 'keys:stall';
    await engine.subscribe(room);
    const before = await engine.publish(input(room, 0, 'before'));
    const { awake } = await redis.stall(2);
    const lost = await engine.publish(input(room, 1, 'during')).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(lost).toBeInstanceOf(EngineOutcomeUnknownError);
    expect((lost as EngineOutcomeUnknownError).code).toBe('outcome_unknown');
    await awake;
    // Redis ran the script once it woke: the retry is answered with that position, not stored again.
    const retry = await engine.publish(input(room, 1, 'during'));
    expect(retry).toMatchObject({ epoch: before.epoch, seq: before.seq + 1, duplicate: true });
    const after = await engine.publish(input(room, 2, 'after'));
    expect(after.seq).toBe(before.seq + 2);
    await events.until(() => events.messagesOf(room).some((m) => m.seq === after.seq), 'the message after the stall');
    expect(events.messagesOf(room).map((m) => m.seq)).toEqual([before.seq, before.seq + 1, after.seq]);
  });
});
