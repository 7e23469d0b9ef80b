/**
 * The bench capacity ladder climbs by doubling, refines once between the last pass and the miss,
 * forgives one disturbed step, and steps down to a floor instead of climbing forever or below half
 * a message a second.
 */
import { describe, expect, it } from 'vitest';
import { advance, newClimb } from '../bench/runner/capacity.js';

/** Run the ladder against a server whose true capacity is `limit` (msg/s); returns rates tried. */
function climb(
  limit: number,
  options: { factor: number; retry: boolean; refine: boolean },
  start = 8,
  disturbed = new Set<number>(),
) {
  const c = newClimb(start);
  const tried: number[] = [];
  for (let i = 0; i < 30 && c.phase !== 'done'; i++) {
    tried.push(+c.rate.toFixed(2));
    const passed = c.rate <= limit && !disturbed.has(i);
    advance(c, passed, options);
  }
  return { tried, capacity: c.lastPass };
}

describe('bench capacity ladder', () => {
  it('doubles until a miss, then tries once between the last pass and the miss', () => {
    const { tried, capacity } = climb(50, { factor: 2, retry: false, refine: true });
    expect(tried).toEqual([8, 16, 32, 64, 45.25]);
    expect(capacity).toBeCloseTo(45.25, 1);
  });

  it('keeps the last pass when the refining step misses', () => {
    const { tried, capacity } = climb(40, { factor: 2, retry: false, refine: true });
    expect(tried).toEqual([8, 16, 32, 64, 45.25]);
    expect(capacity).toBe(32);
  });

  it('retries a missed step once, so one disturbed step does not end the climb', () => {
    const { tried, capacity } = climb(50, { factor: 2, retry: true, refine: false }, 8, new Set([1]));
    expect(tried).toEqual([8, 16, 16, 32, 64, 64]);
    expect(capacity).toBe(32);
  });

  it('steps down when even the first rate misses', () => {
    const { tried, capacity } = climb(3, { factor: 2, retry: false, refine: true });
    expect(tried).toEqual([8, 4, 2, 2.83]);
    expect(capacity).toBeCloseTo(2.83, 2);
  });

  it('gives up after three steps down', () => {
    const { tried, capacity } = climb(0.1, { factor: 2, retry: false, refine: true });
    expect(tried).toEqual([8, 4, 2, 1]);
    expect(capacity).toBeNull();
  });

  it('never goes below half a message per second', () => {
    const { tried } = climb(0.1, { factor: 2, retry: false, refine: true }, 1.5);
    expect(tried).toEqual([1.5, 0.75]);
  });
});
