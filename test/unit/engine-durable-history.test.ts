/**
 * The embedded engine with history on SQLite, across restarts in one test process (a fake clock):
 * same epoch and seq, the age and size bounds applied to what is read back, echo and keys kept.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { MemoryEngine } from '../../hub/engines/memory/memory-engine.js';
import { DurableRooms } from '../../hub/engines/durable/durable-rooms.js';
import type { EngineEvents, EngineMessage, HistoryPolicy, PublishInput } from '../../hub/core/engine.js';
import { tempDir } from '../support/hub.js';

const open: MemoryEngine[] = [];
afterEach(async () => {
  for (const e of open.splice(0)) await e.close();
});

function recorder(): EngineEvents & { messages: EngineMessage[] } {
  const messages: EngineMessage[] = [];
  return { messages, message: (m) => void messages.push(m), presence() {}, control() {}, state() {} };
}

async function engine(
  dir: string,
  clock: { now: number },
  policy: HistoryPolicy = { maxMessages: 100, maxAgeMs: 60_000 },
): Promise<MemoryEngine> {
  const e = new MemoryEngine({
    historyPolicy: () => policy,
    durable: DurableRooms.open(join(dir, 'history.sqlite')),
    now: () => clock.now,
  });
  await e.start(recorder());
  open.push(e);
  return e;
}

const from = { sub: 'alice', name: 'Alice', clientId: 'c1' };
const msg = (room: string, data: unknown, time: number, extra: Partial<PublishInput> = {}): PublishInput => ({
  room,
  event: 'n',
  data: data as never,
  from,
  time,
  ...extra,
});

async function restart(e: MemoryEngine): Promise<void> {
  await e.close();
  open.splice(open.indexOf(e), 1);
}

describe('durable history', () => {
  it('continues the epoch and seq and keeps keys and the echo flag', async () => {
    const dir = tempDir();
    const clock = { now: 1_000_000 };
    const a = await engine(dir, clock);
    const first = await a.publish(msg('r', 1, clock.now, { key: 'k1', echo: true }));
    await a.publish(msg('r', 2, clock.now));
    await restart(a);
    const b = await engine(dir, clock);
    const h = await b.history('r', { epoch: first.epoch, seq: 0 });
    expect(h).toMatchObject({ position: { epoch: first.epoch, seq: 2 }, recovered: true });
    expect(h.messages.map((m) => m.data)).toEqual([1, 2]);
    expect(h.messages[0]).not.toHaveProperty('echo');
    expect(await b.publish(msg('r', 1, clock.now, { key: 'k1' }))).toMatchObject({ seq: 1, duplicate: true });
    expect((await b.publish(msg('r', 3, clock.now))).seq).toBe(3);
  });

  it('applies the age and size bounds to what is read back', async () => {
    const dir = tempDir();
    const clock = { now: 5_000_000 };
    const a = await engine(dir, clock, { maxMessages: 100, maxAgeMs: 60_000, maxBytes: 1_000 });
    const old = await a.publish(msg('aged', 'old', clock.now));
    clock.now += 50_000;
    await a.publish(msg('aged', 'new', clock.now));
    for (let i = 0; i < 5; i++) await a.publish(msg('big', 'x'.repeat(300) + i, clock.now));
    await restart(a);
    clock.now += 20_000; // 'old' is now 70 s old: past the 60 s bound
    const b = await engine(dir, clock, { maxMessages: 100, maxAgeMs: 60_000, maxBytes: 1_000 });
    expect((await b.history('aged', { epoch: old.epoch, seq: 1 })).messages.map((m) => m.data)).toEqual(['new']);
    expect(await b.history('aged', { epoch: old.epoch, seq: 0 })).toMatchObject({
      recovered: false,
      reason: 'evicted',
    });
    const big = await b.history('big', { epoch: (await b.history('big')).position.epoch, seq: 4 });
    expect(big.messages).toHaveLength(1);
    expect((await b.history('big')).position.seq).toBe(5);
  });
});
