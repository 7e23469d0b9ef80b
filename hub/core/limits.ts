/** Per-connection and per-hub limits that keep one bad client from hurting the rest. */
import { HubError } from '../protocol/index.js';

/**
 * A token bucket kept as one number, the time it will be full again (GCRA). Taking `n` tokens is
 * allowed while that time is at most `burst − n` tokens' refill away, and moves it `n` tokens on:
 * the answers a token count gives, in one field its owner can keep itself (a session does, so an
 * idle connection holds no bucket object). Returns the new time, or NaN when refused.
 */
export function takeTokens(fullAt: number, n: number, ratePerSec: number, burst: number, now: number): number {
  const perTokenMs = 1000 / Math.max(ratePerSec, 1e-9);
  const from = fullAt > now ? fullAt : now;
  // Refills add up in floating point (10 × 0.1 is 0.999…): a token that is due must not be refused.
  if (from - now > (burst - n) * perTokenMs + 1e-6) return NaN;
  return from + n * perTokenMs;
}

export class TokenBucket {
  private fullAt = 0;

  constructor(
    private readonly ratePerSec: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Take `n` tokens (a message, or a message's bytes); false, and nothing taken, when short. */
  take(n = 1): boolean {
    const next = takeTokens(this.fullAt, n, this.ratePerSec, this.burst, this.now());
    if (Number.isNaN(next)) return false;
    this.fullAt = next;
    return true;
  }

  /** Refilled to `burst`: it would answer exactly as a new bucket does, so it may be dropped. */
  isFull(): boolean {
    return this.fullAt <= this.now();
  }
}

/**
 * Token buckets by key (a token's `sub`, a client address): REST calls, and published bytes per
 * user across all of the user's connections (the message rate alone lets 64 KiB frames through
 * at 6 MB/s per connection, 50 connections per user).
 */
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

  /** Spend `n` tokens (one call, or its bytes) of `key`'s bucket; false when it has fewer. */
  take(key: string, n = 1): boolean {
    const t = this.now();
    this.sweep(t);
    let entry = this.buckets.get(key);
    if (!entry) {
      entry = { bucket: new TokenBucket(this.ratePerSec, this.burst, this.now), used: t };
      this.buckets.set(key, entry);
    }
    entry.used = t;
    return entry.bucket.take(n);
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

/** Counts bad messages in a sliding window; `spend` returns false for the budget-th one in it. */
export class ErrorBudget {
  private stamps: number[] = [];

  constructor(
    private readonly budget: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  spend(): boolean {
    const t = this.now();
    this.stamps = this.stamps.filter((s) => t - s < this.windowMs);
    this.stamps.push(t);
    // The budget-th error in the window is the last: `errorBudget: 10` closes on the tenth.
    return this.stamps.length < this.budget;
  }

  /** Every error has left the window: it would answer exactly as a new budget does. */
  isClear(): boolean {
    const t = this.now();
    return this.stamps.every((s) => t - s >= this.windowMs);
  }
}

/** Live connection counts per user, per IP and in total, checked at upgrade. */
export class ConnectionCounter {
  private readonly byUser = new Map<string, number>();
  private readonly byIp = new Map<string, number>();
  total = 0;

  constructor(
    private readonly limits: { maxConnectionsPerUser: number; maxConnectionsPerIp: number; maxConnections: number },
  ) {}

  /** Why a new connection would break a limit (as a protocol error; the server picks its status), or null when it fits. */
  refusal(sub: string, ip: string): HubError | null {
    if (this.total >= this.limits.maxConnections) return new HubError('unavailable', 'hub connection limit reached');
    if ((this.byUser.get(sub) ?? 0) >= this.limits.maxConnectionsPerUser) {
      return new HubError('rate_limited', 'too many connections for this user');
    }
    if ((this.byIp.get(ip) ?? 0) >= this.limits.maxConnectionsPerIp) {
      return new HubError('rate_limited', 'too many connections from this address');
    }
    return null;
  }

  add(sub: string, ip: string): void {
    this.total++;
    this.byUser.set(sub, (this.byUser.get(sub) ?? 0) + 1);
    this.byIp.set(ip, (this.byIp.get(ip) ?? 0) + 1);
  }

  remove(sub: string, ip: string): void {
    this.total--;
    decrement(this.byUser, sub);
    decrement(this.byIp, ip);
  }
}

function decrement(map: Map<string, number>, key: string): void {
  const n = (map.get(key) ?? 1) - 1;
  if (n <= 0) map.delete(key);
  else map.set(key, n);
}
