/**
 * The memory engine's sweep runs on a timer, outside any request: a failure in it (the history file
 * refusing a write, a full disk) is handed to the core to log and count, and the engine goes on.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryEngine } from '../../hub/engines/memory/memory-engine.js';
import type { DurableRooms } from '../../hub/engines/durable/durable-rooms.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('memory engine sweep', () => {
  it('reports a failing sweep through the engine events and keeps sweeping and serving', async () => {
    vi.useFakeTimers();
    let trims = 0;
    const durable = {
      restore() {},
      started() {},
      write() {},
      dropped() {},
      trimmed() {
        trims++;
        throw new Error('disk full');
      },
      close() {},
    } as unknown as DurableRooms;
    const failures: string[] = [];
    const engine = new MemoryEngine({ historyPolicy: () => ({ maxMessages: 10, maxAgeMs: 60_000 }), durable });
    await engine.start({
      message() {},
      presence() {},
      control() {},
      state() {},
      failed: (where) => void failures.push(where),
    });
    await engine.subscribe('dashboard:1');
    await engine.publish({ room: 'dashboard:1', event: 'n', data: 1, from: { sub: 'a', name: 'A' }, time: Date.now() });
    await vi.advanceTimersByTimeAsync(10_000);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(failures).toEqual(['history_sweep', 'history_sweep']);
    expect(trims).toBe(2);
    // Still serving after the failures.
    const second = await engine.publish({
      room: 'dashboard:1',
      event: 'n',
      data: 2,
      from: { sub: 'a', name: 'A' },
      time: Date.now(),
    });
    expect(second.seq).toBe(2);
    await engine.close();
  });
});
