/**
 * Refusals come from outside and can arrive as a flood. At most `perSecond` of them are written
 * each second; the rest are counted and written as one summary a second later, so a flood costs a
 * bounded number of lines (in the audit log, in the process log) whatever its size.
 */
export class RefusalThrottle<T> {
  private windowStart = 0;
  private written = 0;
  private suppressed = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly perSecond: number,
    private readonly write: (record: T) => void,
    /** Told how many were left out since the last summary. */
    private readonly summarize: (count: number, perSecond: number) => void,
    private readonly now: () => number = Date.now,
  ) {}

  record(record: T): void {
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
    this.summarize(count, this.perSecond);
  }
}
