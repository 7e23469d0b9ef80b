/**
 * Engine failures as the protocol names them. An engine throws one of these; because each is a
 * HubError carrying its code, every door (WebSocket handlers, the upgrade, REST) answers it the same
 * way: this file is the one place where an engine failure becomes `unavailable` or `outcome_unknown`.
 * The engine's own detail (addresses, timings) stays in `detail` for the log, never in the answer.
 */
import { HubError } from '../protocol/index.js';

/** A failure of the engine, not of the request; logged at warn, not as a bug. */
export abstract class EngineFailure extends HubError {
  constructor(
    code: 'unavailable' | 'outcome_unknown',
    message: string,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(code, message);
    if (options?.cause !== undefined) (this as { cause?: unknown }).cause = options.cause;
  }
}

/** The engine is away or refused before doing anything: nothing was stored or changed. */
export class EngineUnavailableError extends EngineFailure {
  readonly engineCode = 'engine_unavailable';
  constructor(detail: string, options?: { cause?: unknown; what?: string }) {
    super('unavailable', `engine unavailable: ${options?.what ?? 'request'} refused, retry later`, detail, options);
    this.name = 'EngineUnavailableError';
  }
}

/**
 * The request reached the engine but no answer came in time (a stalled or lost connection): it may
 * have been done or not. A publish with a `key` can be retried safely; the retry says which.
 */
export class EngineOutcomeUnknownError extends EngineFailure {
  constructor(detail: string, options?: { cause?: unknown; what?: string }) {
    const what = options?.what ?? 'request';
    super(
      'outcome_unknown',
      `the engine did not answer the ${what} in time: it may or may not have been stored; retry with the same key to find out`,
      detail,
      options,
    );
    this.name = 'EngineOutcomeUnknownError';
  }
}

export function isEngineFailure(err: unknown): err is EngineFailure {
  return err instanceof EngineFailure;
}
