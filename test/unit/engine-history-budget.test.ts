/**
 * The hub-wide history budget across rooms (memory engine) and HistoryWindow's eager release:
 * the oldest anywhere go first, the newest stays, a room's own drops are given back, and an
 * evicted message is no longer referenced.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { HistoryBudget } from '../../hub/engines/memory/history-budget.js';
import { HistoryWindow } from '../../hub/engines/memory/history-window.js';
import { MemoryEngine } from '../../hub/engines/memory/memory-engine.js';
import type { Sender } from '../../hub/protocol/index.js';

const from: Sender = { sub: 'alice', name: 'Alice', clientId: 'c1' };
const policy = { maxMessages: 1000, maxAgeMs: 60_000 };
/** 1,000 characters of data: an estimate of about 1,350 bytes with the envelope and its heap structure. */
const kilo = (tag: string): { tag: string; pad: string } => ({ tag, pad: 'p'.repeat(1000) });

function append(w: HistoryWindow, data: unknown): void {
  w.append({ room: 'r', event: 'e', data: data as never, from, time: 1000 }, 1000);
}

const kept = (w: HistoryWindow): string[] =>
  w.since({ epoch: w.epoch, seq: w.oldestSeq - 1 }, 1000).messages.map((m) => (m.data as { tag: string }).tag);

describe('HistoryBudget', () => {
  it('past the budget the oldest message of any room goes first; resuming past it is evicted', () => {
    const budget = new HistoryBudget(4500);
    const a = new HistoryWindow(policy, budget);
    const b = new HistoryWindow(policy, budget);
    append(a, kilo('a1'));
    append(b, kilo('b1'));
    append(a, kilo('a2'));
    append(b, kilo('b2'));
    // Four of ~1,350 bytes do not fit in 4,500: a1, the oldest of all, went.
    expect(kept(a)).toEqual(['a2']);
    expect(kept(b)).toEqual(['b1', 'b2']);
    expect(a.since({ epoch: a.epoch, seq: 0 }, 1000)).toMatchObject({ recovered: false, reason: 'evicted' });
    expect(budget.used).toBe(a.bytes + b.bytes);
    expect(budget.used).toBeLessThanOrEqual(4500);
    expect(budget.evicted).toBe(1);
  });

  it('never evicts the message just stored, even when it alone is over the budget', () => {
    const budget = new HistoryBudget(500);
    const w = new HistoryWindow(policy, budget);
    append(w, kilo('big1'));
    append(w, kilo('big2'));
    expect(kept(w)).toEqual(['big2']);
  });

  it("a room's own bounds give their bytes back, and its dropped messages are not evicted twice", () => {
    const budget = new HistoryBudget(4500);
    const small = new HistoryWindow({ maxMessages: 1, maxAgeMs: 60_000 }, budget);
    const other = new HistoryWindow(policy, budget);
    for (let i = 0; i < 5; i++) append(small, kilo(`s${i}`));
    expect(budget.used).toBe(small.bytes);
    append(other, kilo('o1'));
    append(other, kilo('o2'));
    append(other, kilo('o3'));
    // The budget passes the stale entries of `small` and evicts what is really oldest: s4.
    expect(kept(small)).toEqual([]);
    expect(kept(other)).toEqual(['o1', 'o2', 'o3']);
    expect(budget.used).toBe(small.bytes + other.bytes);
  });

  it('the memory engine shares one budget across its rooms and reports it', async () => {
    const engine = new MemoryEngine({ historyPolicy: () => policy, historyBudgetBytes: 5000 });
    await engine.start({ message() {}, presence() {}, control() {}, state() {} });
    for (let i = 0; i < 20; i++)
      await engine.publish({ room: `room${i}`, event: 'e', data: kilo(`m${i}`), from, time: Date.now() });
    const { used, budget, evicted } = engine.historyBytes();
    expect(budget).toBe(5000);
    expect(used).toBeLessThanOrEqual(5000);
    expect(evicted).toBe(20 - engine.historySize());
    expect((await engine.history('room0', { epoch: 'x', seq: 0 })).recovered).toBe(false);
    await engine.close();
  });
});

describe('HistoryWindow releases what it drops', () => {
  it('an evicted message is garbage at once, not after 1,024 more drops', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const w = new HistoryWindow({ ...policy, maxBytes: 5000 });
    const first = ((): WeakRef<object> => {
      const data = kilo('first');
      append(w, data);
      return new WeakRef(data);
    })();
    for (let i = 0; i < 10; i++) append(w, kilo(`next${i}`));
    expect(kept(w)).not.toContain('first');
    // WeakRefs hold their target until the current job ends.
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    expect(first.deref()).toBeUndefined();
  });
});
