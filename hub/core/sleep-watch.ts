/**
 * The hub's process was not running for a while: the computer slept (the desktop's power monitor
 * says so) or the process was stopped (SIGSTOP, a frozen VM; seen as a timer firing far too late).
 * Either way the hub learns it at once on return, so it can check its sockets instead of waiting
 * for heartbeats, and report how long it was away.
 */

export interface SleepRecord {
  /** When the hub went to sleep (the power notice, or the last timer turn before the gap). */
  sleptAt: number;
  wokeAt: number;
  durationMs: number;
  /** `power`: told by the desktop's power monitor; `clock`: found from a late timer. */
  source: 'power' | 'clock';
}

const TICK_MS = 1_000;
/** A timer this much later than due means the process did not run; shorter stalls are just load. */
const GAP_MS = 5_000;

export class SleepWatch {
  last: SleepRecord | undefined;
  private suspendedAt: number | undefined;
  private lastTick = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly onWake: (record: SleepRecord) => void,
    private readonly now: () => number = Date.now,
  ) {}

  start(): void {
    this.lastTick = this.now();
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** The power monitor says the computer is going to sleep. */
  suspended(): void {
    this.suspendedAt = this.now();
  }

  /** The power monitor says it woke. */
  resumed(): void {
    const now = this.now();
    this.woke(this.suspendedAt ?? this.lastTick, now, 'power');
    this.suspendedAt = undefined;
  }

  private tick(): void {
    const now = this.now();
    if (now - this.lastTick > TICK_MS + GAP_MS) this.woke(this.lastTick, now, 'clock');
    this.lastTick = now;
  }

  private woke(sleptAt: number, now: number, source: SleepRecord['source']): void {
    this.lastTick = now;
    // The power notice and the late timer report the same wake: keep the first.
    if (this.last && now - this.last.wokeAt < GAP_MS) return;
    this.last = { sleptAt, wokeAt: now, durationMs: Math.max(0, now - sleptAt), source };
    this.onWake(this.last);
  }
}
