/**
 * Refused upgrades and denied attempts come from outside and can arrive as a flood: they are
 * throttled (see RefusalThrottle) so a flood cannot rotate the admin actions out of the log. A
 * refused upgrade is written once per (sub — or address without a valid token —, reason) within
 * `repeatWindowMs`: a banned tab that retries is one entry, and the next one after the window says
 * how many were folded in.
 */
import { RefusalThrottle } from '../core/refusal-throttle.js';
import type { AuditLog, AuditRecord } from './audit-log.js';

const MAX_TRACKED = 10_000;

export class AuditThrottle {
  private readonly throttle: RefusalThrottle<AuditRecord>;
  /** Per (who, reason): when its last entry was written and how many repeats came since. */
  private readonly repeats = new Map<string, { since: number; folded: number }>();

  constructor(
    private readonly log: AuditLog,
    perSecond: number,
    private readonly onError: (err: unknown) => void,
    private readonly now: () => number = Date.now,
    private readonly repeatWindowMs = 10 * 60_000,
  ) {
    this.throttle = new RefusalThrottle(
      perSecond,
      (record) => this.write(record),
      (count) =>
        this.write({ kind: 'refused', action: 'suppressed', via: 'upgrade', ip: '', details: { count, perSecond } }),
      now,
    );
  }

  record(record: AuditRecord): void {
    if (record.kind === 'refused' && this.isRepeat(record, this.now())) return;
    this.throttle.record(record);
  }

  flush(): void {
    this.throttle.flush();
  }

  /** True when the same refusal was written within the window (then it is only counted). */
  private isRepeat(record: AuditRecord, now: number): boolean {
    // Only refused upgrades come here: their details are RefusedDetails.
    const refused = record.details && 'code' in record.details ? record.details : undefined;
    const why = refused?.refusal ?? refused?.code ?? '';
    const key = `${record.sub ? `sub:${record.sub}` : `ip:${record.ip}`}|${why}`;
    const seen = this.repeats.get(key);
    if (seen && now - seen.since < this.repeatWindowMs) {
      seen.folded++;
      return true;
    }
    if (seen && seen.folded > 0 && refused) record.details = { ...refused, repeated: seen.folded };
    this.repeats.delete(key);
    // Bounded: the oldest keys go first (a Map iterates in insertion order).
    if (this.repeats.size >= MAX_TRACKED) this.repeats.delete(this.repeats.keys().next().value!);
    this.repeats.set(key, { since: now, folded: 0 });
    return false;
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
