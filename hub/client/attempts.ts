/**
 * Where and when the next connection attempt goes: the hub URLs taken in turn from a random first
 * one, the count of attempts in a row that did not get a healthy connection, and the delays the
 * close policy asks for (backoff growing once per round of URLs, a shutdown notice's wait, a ban's end).
 */
import { Backoff } from './backoff.js';
import type { Decision } from './close-policy.js';
import { ClientError } from './errors.js';
import type { BackoffOptions } from './types.js';

/** After a ban's end, wait this much more: the hub's clock may be a little behind ours. */
const BAN_END_MARGIN_MS = 1000;

export type RetryDecision = Exclude<Decision, { kind: 'stop' | 'new-token' }>;

export class Attempts {
  private readonly urls: readonly string[];
  private index: number;
  private readonly backoff: Backoff;
  /** Consecutive attempts that did not get as far as resubscribing every room. */
  private count = 0;

  constructor(
    url: string | readonly string[],
    backoff: BackoffOptions | undefined,
    private readonly random: () => number = Math.random,
  ) {
    this.urls = typeof url === 'string' ? [url] : [...url];
    if (this.urls.length === 0) throw new ClientError('bad_request', 'connect needs at least one hub url');
    // A malformed URL will not get better by retrying: say so before the first attempt.
    for (const u of this.urls)
      if (!isHubUrl(u)) throw new ClientError('bad_request', `not a WebSocket URL (ws://, wss://): ${String(u)}`);
    // A random first hub spreads a deployment's clients over its hubs.
    this.index = Math.floor(random() * this.urls.length);
    this.backoff = new Backoff(backoff, random);
  }

  /** The URL of the next attempt. */
  get url(): string {
    return this.urls[this.index];
  }

  get attempt(): number {
    return this.count;
  }

  /** A connection got as far as resubscribing every room: the next drop starts afresh. */
  healthy(): void {
    this.count = 0;
  }

  /** Counts a failed attempt and gives the delay before the next one, or null to give up. */
  next(decision: RetryDecision): number | null {
    this.count += 1;
    // Each attempt tries the next hub (4008 resumes on the same one at once).
    if (decision.kind !== 'now') this.index = (this.index + 1) % this.urls.length;
    const round = Math.ceil(this.count / this.urls.length);
    if (this.count > this.backoff.maxAttempts) return null;
    if (decision.kind === 'now') return this.count === 1 ? 0 : this.backoff.delay(round);
    // Spread a restarted hub's returning clients over one base period.
    if (decision.kind === 'after') return decision.ms + Math.floor(this.random() * this.backoff.baseMs);
    return this.backoff.delay(round);
  }

  /**
   * When to connect again after a ban ends (epoch ms), spread over a jitter that grows with each
   * refusal in a row (a ban extended meanwhile, or clocks that disagree, must not make clients
   * hammer the hub).
   */
  afterBan(until: number, now = Date.now()): number {
    this.count += 1;
    const jitter = Math.floor(this.random() * this.backoff.ceiling(this.count));
    return Math.max(until, now) + BAN_END_MARGIN_MS + jitter;
  }
}

/** What the WebSocket constructors accept: ws(s), or http(s) (WHATWG), relative to the page in a browser. */
function isHubUrl(url: unknown): boolean {
  if (typeof url !== 'string') return false;
  try {
    const base = (globalThis as { location?: { href?: string } }).location?.href;
    const { protocol } = new URL(url, base);
    return protocol === 'ws:' || protocol === 'wss:' || protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}
