/**
 * HistoryWindow (the memory engine's per-room history): count and age bounds, and `since`
 * answers — recovered, evicted, epoch_changed, malformed — never a silent gap.
 */
import { describe, expect, it } from 'vitest';
import { HistoryWindow } from '../../hub/engines/memory/history-window.js';
import { MemoryEngine } from '../../hub/engines/memory/memory-engine.js';
import type { Sender } from '../../hub/protocol/index.js';

const from: Sender = { sub: 'alice', name: 'Alice', clientId: 'c1' };

function fill(w: HistoryWindow, count: number, time: (i: number) => number = () => 1000): void {
  for (let i = 1; i <= count; i++) w.append({ room: 'r', event: 'e', data: { i }, from, time: time(i) }, time(i));
}

const seqs = (r: { messages: Array<{ seq: number }> }): number[] => r.messages.map((m) => m.seq);

describe('HistoryWindow', () => {
  it('numbers messages 1, 2, 3 … in its epoch and stamps the wire fields', () => {
    const w = new HistoryWindow({ maxMessages: 10, maxAgeMs: 60_000 });
    const m = w.append({ room: 'r', event: 'e', data: 1, from, time: 5 }, 5);
    expect(m).toEqual({ type: 'message', room: 'r', epoch: w.epoch, seq: 1, event: 'e', data: 1, from, time: 5 });
    fill(w, 2);
    expect(w.position).toEqual({ epoch: w.epoch, seq: 3 });
    expect(new HistoryWindow({ maxMessages: 1, maxAgeMs: 1 }).epoch).not.toBe(w.epoch);
  });

  it('keeps at most maxMessages, dropping the oldest', () => {
    const w = new HistoryWindow({ maxMessages: 5, maxAgeMs: 60_000 });
    fill(w, 12);
    expect(w.size).toBe(5);
    expect(seqs(w.since({ epoch: w.epoch, seq: 7 }, 1000))).toEqual([8, 9, 10, 11, 12]);
  });

  it('drops messages older than maxAgeMs', () => {
    const w = new HistoryWindow({ maxMessages: 100, maxAgeMs: 1000 });
    fill(w, 10, (i) => i * 100); // times 100 … 1000
    w.trim(1650); // keeps time >= 650
    expect(w.size).toBe(4);
    expect(w.since({ epoch: w.epoch, seq: 6 }, 1650)).toMatchObject({
      recovered: true,
      messages: [{ seq: 7 }, { seq: 8 }, { seq: 9 }, { seq: 10 }],
    });
    expect(w.since({ epoch: w.epoch, seq: 5 }, 1650)).toEqual({ messages: [], recovered: false, reason: 'evicted' });
  });

  it('ages out on read too, and an empty window still knows its position', () => {
    const w = new HistoryWindow({ maxMessages: 100, maxAgeMs: 1000 });
    fill(w, 3, () => 0);
    expect(w.since({ epoch: w.epoch, seq: 3 }, 10_000)).toEqual({ messages: [], recovered: true });
    expect(w.since({ epoch: w.epoch, seq: 2 }, 10_000)).toEqual({ messages: [], recovered: false, reason: 'evicted' });
    expect(w.size).toBe(0);
    expect(w.position.seq).toBe(3);
    w.append({ room: 'r', event: 'e', data: 4, from, time: 10_000 }, 10_000);
    expect(seqs(w.since({ epoch: w.epoch, seq: 3 }, 10_000))).toEqual([4]);
  });

  it('recovers from any kept position, including the current one and 0 while nothing was evicted', () => {
    const w = new HistoryWindow({ maxMessages: 10, maxAgeMs: 60_000 });
    fill(w, 4);
    expect(w.since({ epoch: w.epoch, seq: 0 }, 1000)).toMatchObject({ recovered: true });
    expect(seqs(w.since({ epoch: w.epoch, seq: 0 }, 1000))).toEqual([1, 2, 3, 4]);
    expect(seqs(w.since({ epoch: w.epoch, seq: 2 }, 1000))).toEqual([3, 4]);
    expect(w.since({ epoch: w.epoch, seq: 4 }, 1000)).toEqual({ messages: [], recovered: true });
  });

  it('says evicted when the position is older than the oldest kept message', () => {
    const w = new HistoryWindow({ maxMessages: 3, maxAgeMs: 60_000 });
    fill(w, 10);
    expect(w.since({ epoch: w.epoch, seq: 6 }, 1000)).toEqual({ messages: [], recovered: false, reason: 'evicted' });
    expect(w.since({ epoch: w.epoch, seq: 0 }, 1000)).toMatchObject({ recovered: false, reason: 'evicted' });
    expect(seqs(w.since({ epoch: w.epoch, seq: 7 }, 1000))).toEqual([8, 9, 10]);
  });

  it('says epoch_changed for another epoch, a position ahead of the room, or a malformed since', () => {
    const w = new HistoryWindow({ maxMessages: 10, maxAgeMs: 60_000 });
    fill(w, 3);
    expect(w.since({ epoch: 'other', seq: 1 }, 1000)).toEqual({
      messages: [],
      recovered: false,
      reason: 'epoch_changed',
    });
    expect(w.since({ epoch: w.epoch, seq: 4 }, 1000)).toEqual({
      messages: [],
      recovered: false,
      reason: 'epoch_changed',
    });
    expect(w.since(null, 1000)).toEqual({ messages: [], recovered: false, reason: 'epoch_changed' });
  });

  it('never returns the echo flag on the wire', () => {
    const w = new HistoryWindow({ maxMessages: 10, maxAgeMs: 60_000 });
    const stored = w.append({ room: 'r', event: 'e', data: 1, from, time: 1, echo: true }, 1);
    expect(stored.echo).toBe(true);
    const [replayed] = w.since({ epoch: w.epoch, seq: 0 }, 1).messages;
    expect(replayed).not.toHaveProperty('echo');
  });

  it('keeps the estimated size under maxBytes, dropping the oldest but never the newest', () => {
    const w = new HistoryWindow({ maxMessages: 1000, maxAgeMs: 60_000, maxBytes: 10_000 });
    const big = 'x'.repeat(3000);
    for (let i = 1; i <= 10; i++) w.append({ room: 'r', event: 'e', data: big, from, time: 1000 }, 1000);
    expect(w.size).toBe(3);
    expect(w.bytes).toBeLessThanOrEqual(10_000);
    expect(seqs(w.since({ epoch: w.epoch, seq: 7 }, 1000))).toEqual([8, 9, 10]);
    expect(w.since({ epoch: w.epoch, seq: 6 }, 1000)).toMatchObject({ recovered: false, reason: 'evicted' });
    w.append({ room: 'r', event: 'e', data: 'y'.repeat(50_000), from, time: 1000 }, 1000);
    expect(seqs(w.since({ epoch: w.epoch, seq: 10 }, 1000))).toEqual([11]);
  });

  it('counts down the size as messages leave by count or age, across compaction', () => {
    const w = new HistoryWindow({ maxMessages: 100, maxAgeMs: 1000, maxBytes: 1e9 });
    fill(w, 3000);
    const perMessage = w.bytes / w.size;
    expect(w.size).toBe(100);
    expect(w.bytes).toBe(perMessage * 100);
    w.trim(5000);
    expect(w.size).toBe(0);
    expect(w.bytes).toBe(0);
  });

  it('stays correct across compaction of a long-running room', () => {
    const w = new HistoryWindow({ maxMessages: 100, maxAgeMs: 60_000 });
    fill(w, 5000);
    expect(w.size).toBe(100);
    expect(seqs(w.since({ epoch: w.epoch, seq: 4950 }, 1000))).toEqual(Array.from({ length: 50 }, (_, i) => 4951 + i));
    expect(w.since({ epoch: w.epoch, seq: 4899 }, 1000)).toMatchObject({ recovered: false, reason: 'evicted' });
    expect(seqs(w.since({ epoch: w.epoch, seq: 4900 }, 1000))).toHaveLength(100);
  });
});

describe('MemoryEngine history', () => {
  it('answers with the position only without since, and per-room policies apply', async () => {
    let now = 1000;
    const engine = new MemoryEngine({
      historyPolicy: (room) =>
        room.startsWith('big:') ? { maxMessages: 100, maxAgeMs: 60_000 } : { maxMessages: 2, maxAgeMs: 60_000 },
      now: () => now,
    });
    const delivered: number[] = [];
    await engine.start({
      message: (m) => void delivered.push(m.seq),
      presence: () => {},
      control: () => {},
      state: () => {},
    });
    for (let i = 0; i < 5; i++) {
      await engine.publish({ room: 'small', event: 'e', data: i, from, time: now });
      await engine.publish({ room: 'big:1', event: 'e', data: i, from, time: now });
    }
    expect(delivered).toEqual([]); // nobody subscribed this node to the rooms
    const small = await engine.history('small');
    expect(small).toEqual({ position: { epoch: expect.any(String), seq: 5 }, messages: [] });
    expect(await engine.history('small', { epoch: small.position.epoch, seq: 0 })).toMatchObject({
      recovered: false,
      reason: 'evicted',
    });
    const big = await engine.history('big:1', { epoch: (await engine.history('big:1')).position.epoch, seq: 0 });
    expect(big.recovered).toBe(true);
    expect(big.messages).toHaveLength(5);
    await engine.subscribe('small');
    now += 1;
    await engine.publish({ room: 'small', event: 'e', data: 6, from, time: now });
    expect(delivered).toEqual([6]);
    await engine.close();
  });
});
