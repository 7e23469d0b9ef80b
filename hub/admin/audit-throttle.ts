/**
 * Refused upgrades and denied attempts come from outside and can arrive as a flood. At most
 * `perSecond` of them are written each second; the rest are counted and written as one summary
 * entry, so a flood cannot rotate the admin actions out of the log.
 */
import type { AuditLog, AuditRecord } from './audit-log.js';

export class AuditThrottle {
  private windowStart = 0;
  private written = 0;
  private suppressed = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly log: AuditLog,
    private readonly perSecond: number,
    private readonly onError: (err: unknown) => void,
    private readonly now: () => number = Date.now,
  ) {}

  record(record: AuditRecord): void {
    const now = this.now();
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
