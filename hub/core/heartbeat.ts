/**
 * One hub-wide timer: WebSocket pings every `heartbeatMs` (a peer that misses two is terminated),
 * and token expiry (`notice token_expiring` ahead of `exp`, close 4001 once it passes).
 *
 * A connection whose reading the hub paused (its own answers backed up) cannot have its pong read
 * until it resumes. It is not exempt: its socket draining counts as an answer (the session resets
 * `missedPongs` then), so a peer that keeps taking what it is sent stays, and one that takes
 * nothing misses pings and is terminated like any other.
 */
import type { CoreOptions } from './core-types.js';
import type { Session } from './session.js';
import type { CallbackGuard } from './callback-guard.js';
import { endForToken } from './token-rejection.js';

interface HeartbeatHost {
  sessions: Map<string, Session>;
  guard: CallbackGuard;
}

const EXPIRY_CHECK_MS = 1000;

export class Heartbeat {
  private pingTimer: NodeJS.Timeout | null = null;
  private expiryTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly host: HeartbeatHost,
    private readonly options: CoreOptions,
  ) {}

  start(): void {
    const { guard } = this.host;
    this.pingTimer = setInterval(
      guard.wrap('heartbeat', () => this.beat()),
      this.options.heartbeatMs,
    );
    this.expiryTimer = setInterval(
      guard.wrap('token_expiry', () => this.checkExpiry(Date.now())),
      Math.min(EXPIRY_CHECK_MS, this.options.heartbeatMs),
    );
    this.pingTimer.unref();
    this.expiryTimer.unref();
  }

  stop(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    if (this.expiryTimer) clearInterval(this.expiryTimer);
  }

  /** One beat: drop peers that missed two pings, ping the rest (the timer calls it; tests may too). */
  beat(): void {
    const now = Date.now();
    for (const s of this.host.sessions.values()) {
      if (!s.isOpen) continue;
      s.resumeReadingIfBelowMark();
      s.forgetSettledLimits();
      // The second ping in a row left unanswered (and nothing drained meanwhile): dropped.
      if (s.beat() >= 2) {
        s.terminate();
        continue;
      }
      s.ping(now);
    }
  }

  /**
   * Right after the process was away (sleep, SIGSTOP): ping every connection now and drop those that
   * do not answer within `graceMs`, instead of waiting two heartbeat periods. Peers that closed
   * meanwhile mostly answer the ping with a reset and go at once.
   */
  checkNow(graceMs: number): void {
    const now = Date.now();
    const pinged: Session[] = [];
    for (const s of this.host.sessions.values()) {
      if (!s.isOpen) continue;
      s.ping(now);
      pinged.push(s);
    }
    setTimeout(() => {
      for (const s of pinged) if (s.isOpen && s.pongOwedSince(now)) s.terminate();
    }, graceMs).unref();
  }

  onPong(s: Session): void {
    s.ponged(Date.now());
  }

  checkExpiry(now: number): void {
    for (const s of this.host.sessions.values()) {
      if (!s.isOpen) continue;
      const expiresAt = s.identity.expiresAt;
      // A token admitted inside the clock tolerance lives until the tolerance passes too.
      if (now >= expiresAt + this.options.clockToleranceMs) {
        endForToken(s, 'expired');
      } else if (now >= expiresAt - this.options.tokenExpiryNoticeMs && s.expiryNoticeDue()) {
        s.send({ type: 'notice', event: 'token_expiring', expiresAt });
      }
    }
  }
}
