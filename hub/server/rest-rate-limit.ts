/** Token buckets by key (a token's `sub`, a client address) for REST calls that cost the hub work. */
import { TokenBucket } from '../core/limits.js';

export class KeyedRateLimit {
  private readonly buckets = new Map<string, { bucket: TokenBucket; used: number }>();
  /** After this long unused a bucket is full again, the same as a new one: it can be forgotten. */
  private readonly idleMs: number;
  private lastSweep: number;

  constructor(
    private readonly ratePerSec: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {
    this.idleMs = ratePerSec > 0 ? (burst / ratePerSec) * 1000 : Infinity;
    this.lastSweep = now();
  }

  /** Spend one token of `key`'s bucket; false when it is empty. */
  take(key: string): boolean {
    const t = this.now();
    this.sweep(t);
    let entry = this.buckets.get(key);
    if (!entry) {
      entry = { bucket: new TokenBucket(this.ratePerSec, this.burst, this.now), used: t };
      this.buckets.set(key, entry);
    }
    entry.used = t;
    return entry.bucket.take();
  }

  get size(): number {
    return this.buckets.size;
  }

  // Keeps the map as small as the set of recent callers, however many keys pass through.
  private sweep(t: number): void {
    if (t - this.lastSweep < this.idleMs) return;
    this.lastSweep = t;
    for (const [key, entry] of this.buckets) if (t - entry.used >= this.idleMs) this.buckets.delete(key);
  }
}
