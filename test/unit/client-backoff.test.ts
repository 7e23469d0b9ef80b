/**
 * The SDK's reconnect backoff: full jitter under a ceiling that doubles from baseMs and never
 * passes capMs, giving up only after maxAttempts (never by default), and nonsense settings refused.
 */
import { describe, expect, it } from 'vitest';
import { Backoff } from '../../hub/client/backoff.js';

/** A deterministic stand-in for Math.random: cycles through the given values. */
function sequence(...values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length]!;
}

describe('Backoff', () => {
  it('doubles the ceiling from baseMs on each attempt', () => {
    const b = new Backoff({ baseMs: 100, capMs: 100_000 });
    expect([1, 2, 3, 4, 5].map((n) => b.ceiling(n))).toEqual([100, 200, 400, 800, 1600]);
  });

  it('caps the ceiling at capMs, also for huge attempt numbers', () => {
    const b = new Backoff({ baseMs: 500, capMs: 30_000 });
    expect(b.ceiling(7)).toBe(30_000);
    expect(b.ceiling(1_000_000)).toBe(30_000);
    expect(b.delay(1_000_000)).toBeLessThanOrEqual(30_000);
  });

  it('uses full jitter: the delay is random * ceiling', () => {
    const b = new Backoff({ baseMs: 1000, capMs: 60_000 }, sequence(0, 0.5, 0.999));
    expect(b.delay(3)).toBe(0);
    expect(b.delay(3)).toBe(2000);
    expect(b.delay(3)).toBe(3996);
  });

  it('spreads real random delays over the whole range, never above the ceiling', () => {
    const b = new Backoff({ baseMs: 1000, capMs: 4000 });
    const delays = Array.from({ length: 2000 }, () => b.delay(5)!);
    expect(Math.max(...delays)).toBeLessThan(4000);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
    // Both halves of the range are used: the jitter is not a fixed offset.
    expect(delays.some((d) => d < 1000)).toBe(true);
    expect(delays.some((d) => d > 3000)).toBe(true);
    expect(new Set(delays).size).toBeGreaterThan(100);
  });

  it('grows on average from attempt to attempt until the cap', () => {
    const b = new Backoff({ baseMs: 100, capMs: 1600 });
    const mean = (attempt: number): number => {
      let sum = 0;
      for (let i = 0; i < 4000; i++) sum += b.delay(attempt)!;
      return sum / 4000;
    };
    const means = [1, 2, 3, 4, 5].map(mean);
    for (let i = 1; i < means.length; i++) expect(means[i]!).toBeGreaterThan(means[i - 1]!);
    expect(mean(9)).toBeLessThan(1600);
  });

  it('gives up after maxAttempts', () => {
    const b = new Backoff({ baseMs: 10, capMs: 100, maxAttempts: 3 }, () => 0.5);
    expect(b.delay(1)).toBe(5);
    expect(b.delay(3)).toBe(20);
    expect(b.delay(4)).toBeNull();
  });

  it('never gives up by default', () => {
    const b = new Backoff();
    expect(b.maxAttempts).toBe(Infinity);
    expect(b.baseMs).toBe(500);
    expect(b.capMs).toBe(30_000);
    expect(b.delay(10_000)).not.toBeNull();
  });

  it('refuses nonsense settings', () => {
    expect(() => new Backoff({ baseMs: -1 })).toThrow(RangeError);
    expect(() => new Backoff({ capMs: Number.NaN })).toThrow(RangeError);
    expect(() => new Backoff({ maxAttempts: 0 })).toThrow(RangeError);
  });
});
