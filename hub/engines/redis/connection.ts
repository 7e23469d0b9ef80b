/**
 * The engine's two Redis connections: one for commands, one subscribed to feeds. Neither buffers
 * while Redis is away (a publish then fails at once instead of piling up), and both reconnect with
 * jittered backoff by themselves; node-redis re-subscribes the subscriber's channels on reconnect.
 */
import { createClient } from 'redis';
import type { ResolvedRedisOptions } from './options.js';

export type RedisConnection = ReturnType<typeof createClient>;

/** Most commands allowed to wait for a write at once: the bound of what a slow Redis can queue. */
export const MAX_QUEUED_COMMANDS = 10_000;

export class EngineUnavailableError extends Error {
  readonly code = 'engine_unavailable';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EngineUnavailableError';
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

/** Reject with an EngineUnavailableError when `work` has not settled within `ms`. */
export function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new EngineUnavailableError(`redis did not answer ${what} within ${ms} ms`)), ms);
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}

/** Name the failure for callers: anything from a missing or broken connection is "unavailable". */
export function unavailable(err: unknown, what: string): Error {
  if (err instanceof EngineUnavailableError) return err;
  const detail = err instanceof Error ? err.message : String(err);
  return new EngineUnavailableError(`redis unavailable (${what}): ${detail}`, { cause: err });
}
