/**
 * The bench latency histogram never understates a value: each lands in a bucket at most 0.8% above
 * it, percentiles stay within 1% of the truth, and snapshots merged across processes equal one
 * record.
 */
import { describe, expect, it } from 'vitest';
import { LatencyHistogram, bucketHigh, bucketOf } from '../bench/histogram.js';

describe('bench latency histogram', () => {
  it('keeps values below 256 µs exact', () => {
    for (let v = 0; v < 256; v++) {
      expect(bucketOf(v)).toBe(v);
      expect(bucketHigh(v)).toBe(v);
    }
  });

  it('puts every value in a bucket whose top is within 0.8% above it', () => {
    for (const v of [256, 257, 511, 512, 1000, 12_345, 99_999, 1_000_000, 123_456_789, 2 ** 31, 2 ** 32 - 1]) {
      const top = bucketHigh(bucketOf(v));
      expect(top).toBeGreaterThanOrEqual(v);
      expect((top - v) / v).toBeLessThan(0.008);
    }
  });

  it('has bucket indexes that grow with the value and tops that bound them', () => {
    let last = -1;
    for (let v = 0; v < 70_000; v += 7) {
      const b = bucketOf(v);
      expect(b).toBeGreaterThanOrEqual(last);
      expect(bucketHigh(b)).toBeGreaterThanOrEqual(v);
      if (b > 0) expect(bucketHigh(b - 1)).toBeLessThan(v);
      last = b;
    }
  });

  it('reports percentiles of a uniform spread within 1%', () => {
    const h = new LatencyHistogram();
    for (let v = 1; v <= 10_000; v++) h.record(v);
    const s = h.summary();
    expect(s.count).toBe(10_000);
    expect(s.mean).toBeCloseTo(5000.5, 6);
    expect(s.p50 / 5000).toBeGreaterThanOrEqual(1);
    expect(s.p50 / 5000).toBeLessThan(1.01);
    expect(s.p99 / 9900).toBeGreaterThanOrEqual(1);
    expect(s.p99 / 9900).toBeLessThan(1.01);
    expect(s.p999 / 9990).toBeLessThan(1.01);
    expect(s.max).toBe(10_000);
  });

  it('never understates and never reports above the largest value', () => {
    const h = new LatencyHistogram();
    h.record(1000);
    h.record(3000);
    expect(h.percentile(50)).toBeGreaterThanOrEqual(1000);
    expect(h.percentile(50)).toBeLessThan(1008);
    expect(h.percentile(100)).toBe(3000);
    expect(h.percentile(0)).toBeGreaterThanOrEqual(1000);
  });

  it('finds a slow tail: p99 of 98 fast and 2 slow values is the slow one', () => {
    const h = new LatencyHistogram();
    for (let i = 0; i < 98; i++) h.record(500);
    h.record(250_000);
    h.record(250_000);
    expect(h.percentile(98)).toBeLessThan(504);
    expect(h.percentile(99)).toBe(250_000);
  });

  it('is empty after reset and reports zeros', () => {
    const h = new LatencyHistogram();
    h.record(42);
    h.reset();
    expect(h.summary()).toEqual({ count: 0, mean: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 });
  });

  it('merges snapshots from other processes as if all values were recorded in one', () => {
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    const all = new LatencyHistogram();
    for (let i = 0; i < 5000; i++) {
      const v = (i * 7919) % 300_000;
      (i % 2 ? a : b).record(v);
      all.record(v);
    }
    const merged = LatencyHistogram.from(JSON.parse(JSON.stringify(a.snapshot())));
    merged.merge(b.snapshot());
    expect(merged.summary()).toEqual(all.summary());
    expect(merged.min).toBe(all.min);
  });

  it('counts values beyond its range in the top bucket and keeps the true maximum', () => {
    const h = new LatencyHistogram();
    h.record(2 ** 40);
    h.record(-5);
    expect(h.count).toBe(2);
    expect(h.max).toBe(2 ** 40);
    expect(h.percentile(100)).toBe(2 ** 32 - 1);
  });
});
