/** The sleep watch with fake timers and clock: a late timer or the power monitor reports one wake each. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SleepWatch, type SleepRecord } from '../../hub/core/sleep-watch.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('SleepWatch', () => {
  it('finds a stop from a timer that fires far too late, and not from ordinary lateness', () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const woke: SleepRecord[] = [];
    const watch = new SleepWatch((r) => void woke.push(r));
    watch.start();
    vi.advanceTimersByTime(10_000);
    expect(woke).toEqual([]);
    // The process did not run for 40 s: the clock moved, no timer fired meanwhile.
    vi.setSystemTime(Date.now() + 40_000);
    vi.advanceTimersByTime(1_000);
    expect(woke).toHaveLength(1);
    expect(woke[0]).toMatchObject({ source: 'clock' });
    expect(woke[0]!.durationMs).toBeGreaterThanOrEqual(40_000);
    vi.advanceTimersByTime(10_000);
    expect(woke).toHaveLength(1);
    watch.stop();
  });

  it('takes the power monitor first and reports the same wake once', () => {
    vi.useFakeTimers({ now: 2_000_000 });
    const woke: SleepRecord[] = [];
    const watch = new SleepWatch((r) => void woke.push(r));
    watch.start();
    watch.suspended();
    vi.setSystemTime(Date.now() + 3 * 60_000);
    watch.resumed();
    vi.advanceTimersByTime(1_000); // the late timer sees the same gap
    expect(woke).toEqual([{ sleptAt: 2_000_000, wokeAt: 2_000_000 + 180_000, durationMs: 180_000, source: 'power' }]);
    expect(watch.last).toBe(woke[0]);
    watch.stop();
  });
});
