/**
 * Latency histogram in whole microseconds: log-linear buckets (128 per power of two, under 0.8%
 * relative error), fixed memory, mergeable across processes. Percentiles report the highest value
 * of the bucket they fall in, clipped to the largest value seen, so they never understate (values
 * beyond ~71 minutes count as ~71 minutes).
 */
const SUB_BITS = 8;
const SUB_COUNT = 1 << SUB_BITS; // exact buckets below this value
const HALF = SUB_COUNT >> 1; // buckets per power of two above it
const MAX_VALUE = 0xffff_ffff; // ~71 minutes in µs; larger values are clipped
const BUCKETS = SUB_COUNT + (32 - SUB_BITS) * HALF;

export interface HistogramSnapshot {
  count: number;
  min: number;
  max: number;
  sum: number;
  /** Sparse bucket counts: [bucket index, count]. */
  buckets: Array<[number, number]>;
}

export interface LatencySummary {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

export function bucketOf(value: number): number {
  const v = value <= 0 ? 0 : value >= MAX_VALUE ? MAX_VALUE : Math.round(value);
  if (v < SUB_COUNT) return v;
  const msb = 31 - Math.clz32(v);
  const shift = msb - (SUB_BITS - 1);
  return SUB_COUNT + (shift - 1) * HALF + ((v >>> shift) - HALF);
}

/** Highest value that falls in bucket `index`. */
export function bucketHigh(index: number): number {
  if (index < SUB_COUNT) return index;
  const k = index - SUB_COUNT;
  const shift = Math.floor(k / HALF) + 1;
  const mantissa = (k % HALF) + HALF;
  return (mantissa + 1) * 2 ** shift - 1;
}

export class LatencyHistogram {
  private counts = new Float64Array(BUCKETS);
  count = 0;
  min = Infinity;
  max = 0;
  sum = 0;

  record(valueUs: number): void {
    this.counts[bucketOf(valueUs)]++;
    this.count++;
    this.sum += valueUs;
    if (valueUs < this.min) this.min = valueUs;
    if (valueUs > this.max) this.max = valueUs;
  }

  reset(): void {
    this.counts.fill(0);
    this.count = 0;
    this.min = Infinity;
    this.max = 0;
    this.sum = 0;
  }

  /** Value at or below which `percent` of the recorded values fall. */
  percentile(percent: number): number {
    if (this.count === 0) return 0;
    const rank = Math.max(1, Math.ceil((percent / 100) * this.count));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i];
      if (seen >= rank) return Math.max(this.min, Math.min(bucketHigh(i), this.max));
    }
    return this.max;
  }

  summary(): LatencySummary {
    return {
      count: this.count,
      mean: this.count ? this.sum / this.count : 0,
      p50: this.percentile(50),
      p90: this.percentile(90),
      p99: this.percentile(99),
      p999: this.percentile(99.9),
      max: this.count ? this.max : 0,
    };
  }

  snapshot(): HistogramSnapshot {
    const buckets: Array<[number, number]> = [];
    for (let i = 0; i < BUCKETS; i++) if (this.counts[i] > 0) buckets.push([i, this.counts[i]]);
    return { count: this.count, min: this.min, max: this.max, sum: this.sum, buckets };
  }

  merge(other: HistogramSnapshot | LatencyHistogram): void {
    const snap = other instanceof LatencyHistogram ? other.snapshot() : other;
    if (snap.count === 0) return;
    for (const [index, n] of snap.buckets) this.counts[index] += n;
    this.count += snap.count;
    this.sum += snap.sum;
    if (snap.min < this.min) this.min = snap.min;
    if (snap.max > this.max) this.max = snap.max;
  }

  static from(snap: HistogramSnapshot): LatencyHistogram {
    const h = new LatencyHistogram();
    h.merge(snap);
    return h;
  }
}
