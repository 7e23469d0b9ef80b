/** The observers through which admin and metrics watch the core; one that throws never breaks the hot path. */
import type { CoreLogger, CoreObserver } from './core-types.js';

export class Observers {
  private readonly list: CoreObserver[] = [];

  constructor(private readonly logger?: CoreLogger) {}

  add(observer: CoreObserver): void {
    this.list.push(observer);
  }

  emit<K extends keyof CoreObserver>(event: K, ...args: Parameters<NonNullable<CoreObserver[K]>>): void {
    for (const o of this.list) {
      const fn = o[event] as ((...a: unknown[]) => void) | undefined;
      if (!fn) continue;
      try {
        fn.apply(o, args);
      } catch (err) {
        this.logger?.error({ err, event }, 'observer failed');
      }
    }
  }
}
