/**
 * The engine's health as clients and the console see it: its reported state (down, up again),
 * stalls found by the readiness probe, and the `engine_up` notice that tells every client to retry
 * now what the engine refused, rather than at the end of a backoff grown during the outage.
 */
import type { Engine, EngineState } from './engine.js';
import { EngineWatch } from './engine-watch.js';
import { encodeMessage } from './frame.js';
import type { CoreLogger, CoreObserver } from './core-types.js';
import type { Session } from './session.js';

export interface EngineHealthHost {
  readonly logger?: CoreLogger;
  /** The rooms this hub has members in: the node listens to them again after an outage. */
  rooms(): Iterable<string>;
  sessions(): Iterable<Session>;
  emit: (...args: Parameters<NonNullable<CoreObserver['engineState']>>) => void;
  logEngineError(err: unknown, what: string): void;
}

export class EngineHealth {
  private readonly watch: EngineWatch;

  constructor(
    private readonly engine: Engine,
    private readonly host: EngineHealthHost,
  ) {
    this.watch = new EngineWatch(engine, (stalled) => this.onStall(stalled), host.logger);
  }

  /** What readiness and the console report: `stalled` while the engine is up but not answering. */
  get value(): EngineState | 'stalled' {
    if (this.engine.state === 'down') return 'down';
    return this.watch.stalled ? 'stalled' : 'up';
  }

  start(): void {
    this.watch.start();
  }

  stop(): void {
    this.watch.stop();
  }

  /** Probe now rather than at the next tick (after a wake, the engine may have gone quiet too). */
  probe(): void {
    this.watch.probe();
  }

  /** The engine reported a change (only changes: `up` here means it was down). */
  onState(state: EngineState, detail?: string): void {
    this.host.logger?.warn({ state, detail }, `engine ${state}`);
    this.host.emit(state, detail);
    if (state === 'up') {
      // Clients resume from history through their own resubscribe; the node re-listens to its rooms.
      for (const room of this.host.rooms()) {
        this.engine.subscribe(room).catch((err) => this.host.logEngineError(err, 'resubscribe'));
      }
      if (!this.watch.stalled) this.announceUp();
    }
  }

  private onStall(stalled: boolean): void {
    if (stalled)
      this.host.logger?.warn({ engine: this.engine.name }, 'engine stalled: no answer to the readiness probe');
    else this.host.logger?.info({ engine: this.engine.name }, 'engine answering again');
    if (!stalled && this.engine.state === 'up') this.announceUp();
  }

  private announceUp(): void {
    const notice = encodeMessage({ type: 'notice', event: 'engine_up' });
    for (const s of this.host.sessions()) s.sendFrame(notice);
  }
}
