/**
 * Work started and not awaited (a timer's retry, an event's follow-up). Its rejection must not go
 * unhandled, which can end the process: it is logged as an error naming `what`, and the hub goes on.
 */
import type { CoreLogger } from './core-types.js';

export function logRejection(
  work: Promise<unknown>,
  logger: Pick<CoreLogger, 'error'> | undefined,
  what: string,
): void {
  work.catch((err: unknown) => {
    try {
      logger?.error({ err: err instanceof Error ? err.message : String(err) }, `${what} failed`);
    } catch {
      // Logging itself can fail (no descriptors left): the rejection is still handled.
    }
  });
}
