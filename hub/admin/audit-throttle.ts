/**
 * Refused upgrades and denied attempts in the audit log, throttled (see RefusalThrottle) so a
 * flood cannot rotate the admin actions out of the log.
 */
import { RefusalThrottle } from '../core/refusal-throttle.js';
import type { AuditLog, AuditRecord } from './audit-log.js';

export class AuditThrottle {
  private readonly throttle: RefusalThrottle<AuditRecord>;

  constructor(
    private readonly log: AuditLog,
    perSecond: number,
    private readonly onError: (err: unknown) => void,
    now: () => number = Date.now,
  ) {
    this.throttle = new RefusalThrottle(
      perSecond,
      (record) => this.write(record),
      (count) => this.write({ kind: 'refused', action: 'suppressed', via: 'upgrade', ip: '', details: { count, perSecond } }),
      now,
    );
  }

  record(record: AuditRecord): void {
    this.throttle.record(record);
  }

  flush(): void {
    this.throttle.flush();
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
