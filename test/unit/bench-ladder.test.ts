/**
 * The bench capacity ladder climbs by doubling, refines once between the last pass and the miss,
 * forgives one disturbed step, and steps down to a floor instead of climbing forever or below half
 * a message a second.
 */
import { describe, expect, it } from 'vitest';
import { advance, newClimb, upperBound } from '../bench/runner/capacity.js';
import { passes, type StepRecord } from '../bench/runner/measure.js';

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

describe('bench capacity upper bound', () => {
  const step = (rate: number, passed: boolean, serverCpuPercent: number, generatorCpuPercent: number) =>
    ({ rate, passed, serverCpuPercent, generatorCpuPercent, expected: 1000, absent: 0 }) as StepRecord;

  it("is the lowest miss above capacity that was the server's own", () => {
    const steps = [
      step(64, true, 70, 60),
      step(101, false, 99, 95), // saturated server: its own miss
      step(81, false, 60, 40), // the generator kept up: the server's miss
      step(128, false, 99, 99),
    ];
    expect(upperBound(steps, 64)).toBe(81);
  });

  it('ignores misses the generator may have caused, and misses at or below capacity', () => {
    const steps = [
      step(512, true, 80, 90),
      step(645, false, 70, 99), // server had room, generator saturated: bounds nothing
      step(512, false, 99, 99), // a retry that missed where a pass stands
    ];
    expect(upperBound(steps, 512)).toBeNull();
    // A refinement after the server dropped every subscriber measured nothing.
    expect(upperBound([{ ...step(580, false, 18, 10), expected: 0, absent: 1000 }], 512)).toBeNull();
    expect(upperBound([step(8, false, 99, 10)], null)).toBe(8);
  });
});

describe('bench step verdict', () => {
  const ok = {
    expected: 1000,
    received: 1000,
    absent: 0,
    lost: 0,
    latency: { p99: 20_000 },
    closes: {},
    publishErrors: 0,
    publisherClosed: null,
    publishedPerSec: 100,
    rate: 100,
  } as unknown as StepRecord;

  it('passes a step that delivered everything in time', () => {
    expect(passes(ok)).toBe(true);
  });

  it('fails a step with no one left to deliver to, or with subscribers an earlier step lost', () => {
    expect(passes({ ...ok, expected: 0, received: 0 })).toBe(false);
    expect(passes({ ...ok, absent: 3 })).toBe(false);
    expect(passes({ ...ok, closes: { 4008: 2 } })).toBe(false);
  });
});
