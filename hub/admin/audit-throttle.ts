/**
 * Refused upgrades and denied attempts come from outside and can arrive as a flood. At most
 * `perSecond` of them are written each second; the rest are counted and written as one summary
 * entry, so a flood cannot rotate the admin actions out of the log. A refused upgrade is written
 * once per (sub — or address without a valid token —, reason) within `repeatWindowMs`: a banned
 * tab that retries is one entry, and the next one after the window says how many were folded in.
 */
import type { AuditLog, AuditRecord } from './audit-log.js';

const MAX_TRACKED = 10_000;

export class AuditThrottle {
  private windowStart = 0;
  private written = 0;
  private suppressed = 0;
  private timer: NodeJS.Timeout | null = null;
  /** Per (who, reason): when its last entry was written and how many repeats came since. */
  private readonly repeats = new Map<string, { since: number; folded: number }>();

  constructor(
    private readonly log: AuditLog,
    private readonly perSecond: number,
    private readonly onError: (err: unknown) => void,
    private readonly now: () => number = Date.now,
    private readonly repeatWindowMs = 10 * 60_000,
  ) {}

  record(record: AuditRecord): void {
    const now = this.now();
    if (record.kind === 'refused' && this.isRepeat(record, now)) return;
    if (now - this.windowStart >= 1000) {
      this.flush();
      this.windowStart = now;
      this.written = 0;
    }
    if (this.written >= this.perSecond) {
      this.suppressed++;
      this.timer ??= setTimeout(() => this.flush(), 1000).unref();
      return;
    }
    this.written++;
    this.write(record);
  }

  /** True when the same refusal was written within the window (then it is only counted). */
  private isRepeat(record: AuditRecord, now: number): boolean {
    const why = record.details?.refusal ?? record.details?.code ?? '';
    const key = `${record.sub ? `sub:${record.sub}` : `ip:${record.ip}`}|${String(why)}`;
    const seen = this.repeats.get(key);
    if (seen && now - seen.since < this.repeatWindowMs) {
      seen.folded++;
      return true;
    }
    if (seen && seen.folded > 0) record.details = { ...record.details, repeated: seen.folded };
    this.repeats.delete(key);
    // Bounded: the oldest keys go first (a Map iterates in insertion order).
    if (this.repeats.size >= MAX_TRACKED) this.repeats.delete(this.repeats.keys().next().value!);
    this.repeats.set(key, { since: now, folded: 0 });
    return false;
  }

  /** Write the summary of what was left out, if anything was. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.suppressed === 0) return;
    const count = this.suppressed;
    this.suppressed = 0;
    this.write({ kind: 'refused', action: 'suppressed', via: 'upgrade', ip: '', details: { count, perSecond: this.perSecond } });
  }

  private write(record: AuditRecord): void {
    try {
      this.log.append(record, false);
    } catch (err) {
      // A refusal stands whether or not it could be logged.
      this.onError(err);
    }
  }
}
