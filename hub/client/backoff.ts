/**
 * Reconnect delays: exponential growth, capped, with full jitter (uniform in 0..ceiling) so a
 * hub restart is not met by every client at the same instant.
 */
import type { BackoffOptions } from './types.js';

export const DEFAULT_BACKOFF = { baseMs: 500, capMs: 30_000, maxAttempts: Infinity } as const;

export class Backoff {
  readonly baseMs: number;
  readonly capMs: number;
  readonly maxAttempts: number;
  private readonly random: () => number;

  constructor(options: BackoffOptions = {}, random: () => number = Math.random) {
    this.baseMs = options.baseMs ?? DEFAULT_BACKOFF.baseMs;
    this.capMs = options.capMs ?? DEFAULT_BACKOFF.capMs;
    this.maxAttempts = options.maxAttempts ?? DEFAULT_BACKOFF.maxAttempts;
    if (!(this.baseMs >= 0) || !(this.capMs >= 0)) throw new RangeError('backoff baseMs and capMs must be >= 0');
    if (!(this.maxAttempts >= 1)) throw new RangeError('backoff maxAttempts must be >= 1');
    this.random = random;
  }

  /** The largest delay attempt `n` (1-based) may wait: base·2^(n-1), at most the cap. */
  ceiling(attempt: number): number {
    // 2^exp overflows to Infinity long after the cap is reached, so min() keeps it finite.
    return Math.min(this.capMs, this.baseMs * 2 ** Math.max(0, attempt - 1));
  }

  /** The delay before attempt `n`, or null when the give-up policy says stop. */
  delay(attempt: number): number | null {
    if (attempt > this.maxAttempts) return null;
    return Math.floor(this.random() * this.ceiling(attempt));
  }
}
