/**
 * Event-loop lag over rolling windows, from perf_hooks' delay histogram. Each window's mean, p99
 * and max are kept until the next window closes, so any number of readers see the same values.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

export interface LagWindow {
  meanMs: number;
  p99Ms: number;
  maxMs: number;
}

const RESOLUTION_MS = 10;
const NS_PER_MS = 1e6;

export class EventLoopLag {
  private readonly histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  private timer: NodeJS.Timeout | null = null;
  private window: LagWindow = { meanMs: 0, p99Ms: 0, maxMs: 0 };

  constructor(private readonly windowMs = 1000) {}

  start(): this {
    this.histogram.enable();
    this.timer = setInterval(() => this.roll(), this.windowMs);
    this.timer.unref();
    return this;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.histogram.disable();
  }

  /** The last complete window. */
  get last(): LagWindow {
    return this.window;
  }

  private roll(): void {
    const h = this.histogram;
    if (h.count > 0) {
      // The histogram records each sampling timer's full delay, the resolution included.
      const lag = (ns: number): number => Math.max(0, ns / NS_PER_MS - RESOLUTION_MS);
      this.window = { meanMs: lag(h.mean), p99Ms: lag(h.percentile(99)), maxMs: lag(h.max) };
    }
    h.reset();
  }
}
