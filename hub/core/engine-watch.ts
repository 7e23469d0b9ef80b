/**
 * Readiness beyond "connected": a cheap engine round trip every few seconds, with a deadline. A Redis
 * that holds its connections but answers nothing (`DEBUG SLEEP`, a swapped-out host) shows as
 * stalled here, while the engine itself still says it is up.
 */
import type { CoreLogger } from './core-types.js';
import type { Engine } from './engine.js';
import { logRejection } from './log-rejection.js';

export const PROBE_INTERVAL_MS = 2_000;
export const PROBE_TIMEOUT_MS = 1_500;

export class EngineWatch {
  /** The last probe has been unanswered past its deadline (cleared by the next answer). */
  stalled = false;
  private pending = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly engine: Engine,
    private readonly onChange: (stalled: boolean) => void,
    private readonly logger?: Pick<CoreLogger, 'error'>,
    private readonly intervalMs = PROBE_INTERVAL_MS,
    private readonly timeoutMs = PROBE_TIMEOUT_MS,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.probe(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One probe unless one is still out (a stalled engine gets no pile of probes). */
  probe(): void {
    if (this.pending) return;
    this.pending = true;
    const deadline = setTimeout(() => this.set(true), this.timeoutMs);
    deadline.unref();
    // A refusal is an outage the engine reports through its state; only silence is a stall.
    const answered = this.engine
      .probe()
      .catch(() => undefined)
      .then(() => {
        clearTimeout(deadline);
        this.pending = false;
        this.set(false);
      });
    logRejection(answered, this.logger, 'engine probe');
  }

  private set(stalled: boolean): void {
    if (stalled === this.stalled) return;
    this.stalled = stalled;
    this.onChange(stalled);
  }
}
