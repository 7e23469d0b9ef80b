/**
 * The engine's two Redis connections: one for commands, one subscribed to feeds. Neither buffers
 * while Redis is away (a publish then fails at once instead of piling up), and both reconnect with
 * jittered backoff by themselves; node-redis re-subscribes the subscriber's channels on reconnect.
 */
import { ClientClosedError, ClientOfflineError, createClient } from 'redis';
import { EngineOutcomeUnknownError, EngineUnavailableError } from '../../core/engine-errors.js';
import type { ResolvedRedisOptions } from './options.js';

export type RedisConnection = ReturnType<typeof createClient>;

/** Most commands allowed to wait for a write at once: the bound of what a slow Redis can queue. */
export const MAX_QUEUED_COMMANDS = 10_000;

export { EngineOutcomeUnknownError, EngineUnavailableError } from '../../core/engine-errors.js';

/** Redis did not answer within the engine's command timeout (it may still act on the command). */
export class CommandTimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CommandTimeoutError';
  }
}

export function createConnection(options: ResolvedRedisOptions, role: 'commands' | 'subscriber'): RedisConnection {
  const maxDelay = options.reconnectMaxDelayMs;
  return createClient({
    url: options.url,
    name: `insight-hub:${options.nodeId}:${role}`,
    disableOfflineQueue: true,
    commandsQueueMaxLength: MAX_QUEUED_COMMANDS,
    socket: {
      connectTimeout: Math.min(options.connectTimeoutMs, 5_000),
      // Full jitter keeps a fleet of hubs from reconnecting in step after an outage.
      reconnectStrategy: (retries) => Math.round(Math.random() * Math.min(maxDelay, 50 * 2 ** Math.min(retries, 10))),
    },
  });
}

/** The URL as it may be shown: the password (and a user's name beside it) replaced. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(an unparsable Redis URL)';
  }
}

/** Reject with a CommandTimeoutError when `work` has not settled within `ms`. */
export function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CommandTimeoutError(`redis did not answer ${what} within ${ms} ms`)), ms);
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}

/** Name the failure for callers: anything from a missing, broken or silent connection is "unavailable". */
export function unavailable(err: unknown, what: string): Error {
  if (err instanceof EngineUnavailableError || err instanceof EngineOutcomeUnknownError) return err;
  const detail = err instanceof Error ? err.message : String(err);
  return new EngineUnavailableError(`redis unavailable (${what}): ${detail}`, { cause: err, what });
}

/**
 * A failed write (a publish): only a command that never left this process is known not to have
 * been done; a timeout, a lost connection or an error reply mid-script leave the outcome unknown.
 */
export function writeFailure(err: unknown, what: string): Error {
  if (err instanceof EngineOutcomeUnknownError) return err;
  const cause = err instanceof EngineUnavailableError ? (err.cause ?? err) : err;
  const neverSent =
    cause instanceof ClientOfflineError ||
    cause instanceof ClientClosedError ||
    (cause instanceof EngineUnavailableError && cause.cause === undefined);
  if (neverSent) return unavailable(err, what);
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new EngineOutcomeUnknownError(`redis outcome unknown (${what}): ${detail}`, { cause, what });
}

/**
 * Connects both connections of a hub. The first failed attempt ends it: a refused or unknown
 * address is not worth waiting out the connect timeout.
 */
export async function connectPair(
  commands: RedisConnection,
  subscriber: RedisConnection,
  options: ResolvedRedisOptions,
): Promise<void> {
  const offFirstFailure: Array<() => void> = [];
  const firstFailure = new Promise<never>((_, reject) => {
    for (const client of [commands, subscriber]) {
      client.once('error', reject);
      offFirstFailure.push(() => client.off('error', reject));
    }
  });
  firstFailure.catch(() => undefined);
  try {
    await withTimeout(
      Promise.race([Promise.all([commands.connect(), subscriber.connect()]), firstFailure]),
      options.connectTimeoutMs,
      'connect',
    ).catch((err: unknown) => {
      throw new EngineUnavailableError(
        `cannot connect to Redis at ${redactUrl(options.url)}: ${err instanceof Error ? err.message : String(err)}`,
        { cause: err },
      );
    });
  } finally {
    for (const off of offFirstFailure) off();
  }
}
