/** Per-connection and per-hub limits that keep one bad client from hurting the rest. */
import { HubError } from '../protocol/index.js';

/** Token bucket: `ratePerSec` sustained, `burst` at once. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly ratePerSec: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = burst;
    this.last = now();
  }

  take(): boolean {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.ratePerSec);
    this.last = t;
    // Refills add up in floating point (10 × 0.1 is 0.999…): a token that is due must not be refused.
    if (this.tokens < 1 - 1e-9) return false;
    this.tokens = Math.max(0, this.tokens - 1);
    return true;
  }
}

/** Counts bad messages in a sliding window; `spend` returns false once the budget is exhausted. */
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
    return this.stamps.length <= this.budget;
  }
}

/** Live connection counts per user, per IP and in total, checked at upgrade. */
export class ConnectionCounter {
  private readonly byUser = new Map<string, number>();
  private readonly byIp = new Map<string, number>();
  total = 0;

  constructor(private readonly limits: { maxConnectionsPerUser: number; maxConnectionsPerIp: number; maxConnections: number }) {}

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
