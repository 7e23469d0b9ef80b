/**
 * Timer and event callbacks run outside any request: one that throws (process.memoryUsage() with
 * no descriptors left, a bug in a sampler) would end the process. Each runs guarded: the error is
 * logged, counted by `where` (served as insight_hub_callback_errors_total), and the hub goes on.
 */
import type { CoreLogger } from './core-types.js';

export class CallbackGuard {
  /** Errors caught so far, by the callback's name. */
  readonly errors = new Map<string, number>();

  constructor(private readonly logger?: Pick<CoreLogger, 'error'>) {}

  /** Run `fn` now; a throw is reported and swallowed. */
  run(where: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.report(where, err);
    }
  }

  /** `fn` wrapped for use as a timer or event callback. */
  wrap<A extends unknown[]>(where: string, fn: (...args: A) => void): (...args: A) => void {
    return (...args) => {
      try {
        fn(...args);
      } catch (err) {
        this.report(where, err);
      }
    };
  }

  report(where: string, err: unknown): void {
    this.errors.set(where, (this.errors.get(where) ?? 0) + 1);
    try {
      this.logger?.error({ where, err: (err as Error)?.message ?? String(err) }, 'callback failed');
    } catch {
      // Logging itself can fail (no descriptors): the count above still tells.
    }
  }
}
