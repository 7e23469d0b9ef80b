/** RefusalThrottle: at most `perSecond` written per second, one summary counting the rest. */
import { describe, expect, it, vi } from 'vitest';
import { RefusalThrottle } from '../../hub/core/refusal-throttle.js';

describe('RefusalThrottle', () => {
  it('writes up to the cap each second and summarizes the rest when the next second starts', () => {
    let now = 5000;
    const written: number[] = [];
    const summaries: Array<[number, number]> = [];
    const t = new RefusalThrottle<number>(
      2,
      (n) => written.push(n),
      (count, perSecond) => summaries.push([count, perSecond]),
      () => now,
    );
    for (let i = 0; i < 6; i++) t.record(i);
    expect(written).toEqual([0, 1]);
    expect(summaries).toEqual([]);
    now += 1000;
    t.record(6);
    expect(summaries).toEqual([[4, 2]]);
    expect(written).toEqual([0, 1, 6]);
    t.flush();
    expect(summaries).toEqual([[4, 2]]);
  });

  it('a flood that stops is summarized a second later by its timer', () => {
    vi.useFakeTimers();
    try {
      const summaries: number[] = [];
      const t = new RefusalThrottle<number>(
        1,
        () => undefined,
        (count) => summaries.push(count),
      );
      for (let i = 0; i < 10; i++) t.record(i);
      vi.advanceTimersByTime(999);
      expect(summaries).toEqual([]);
      vi.advanceTimersByTime(1);
      expect(summaries).toEqual([9]);
    } finally {
      vi.useRealTimers();
    }
  });
});
