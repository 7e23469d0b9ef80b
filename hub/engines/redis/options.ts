/** Options of the Redis engine, their defaults, and the bounds they imply. */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { HistoryPolicyFor } from '../../core/engine.js';

import type { CoreLogger } from '../../core/core-types.js';

/** The few logger methods the engine uses: the core's (a pino logger fits). */
export type EngineLogger = CoreLogger;

export interface RedisEngineOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://…` */
  url: string;
  /** This hub's id among the hubs sharing Redis; default `<host>-<pid>-<random>`. */
  nodeId?: string;
  historyPolicy: HistoryPolicyFor;
  logger?: EngineLogger;
  /** Prefix of every key and channel, so several deployments can share one Redis. Default `ih:`. */
  keyPrefix?: string;
  /** How often this hub refreshes its liveness and sweeps dead hubs. Default 5 s. */
  heartbeatMs?: number;
  /** A hub not heard from for this long is dead; its members are removed. Default 15 s. */
  nodeTtlMs?: number;
  /** A publish that Redis has not answered within this time is refused. Default 5 s. */
  commandTimeoutMs?: number;
  /** Longest pause between reconnection attempts. Default 2 s. */
  reconnectMaxDelayMs?: number;
  /** How long `start` waits for the first connection before failing. Default 10 s. */
  connectTimeoutMs?: number;
  /** A room's epoch and counter outlive its last publish by this long. Default 7 days. */
  roomRetentionMs?: number;
}

export interface ResolvedRedisOptions extends Required<Omit<RedisEngineOptions, 'logger'>> {
  logger?: EngineLogger;
}

const NODE_ID = /^[A-Za-z0-9_.:@-]{1,128}$/;

export function defaultNodeId(): string {
  const host =
    hostname()
      .replace(/[^A-Za-z0-9_.-]/g, '-')
      .slice(0, 64) || 'hub';
  return `${host}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

export function resolveRedisOptions(input: RedisEngineOptions): ResolvedRedisOptions {
  const nodeId = input.nodeId ?? defaultNodeId();
  if (!NODE_ID.test(nodeId))
    throw new TypeError(`nodeId must be 1-128 of A-Z a-z 0-9 _ . : @ -, got ${JSON.stringify(nodeId)}`);
  const heartbeatMs = input.heartbeatMs ?? 5_000;
  const nodeTtlMs = input.nodeTtlMs ?? 15_000;
  if (nodeTtlMs <= heartbeatMs) throw new RangeError('nodeTtlMs must be longer than heartbeatMs');
  return {
    url: input.url,
    nodeId,
    historyPolicy: input.historyPolicy,
    logger: input.logger,
    keyPrefix: input.keyPrefix ?? 'ih:',
    heartbeatMs,
    nodeTtlMs,
    commandTimeoutMs: input.commandTimeoutMs ?? 5_000,
    reconnectMaxDelayMs: input.reconnectMaxDelayMs ?? 2_000,
    connectTimeoutMs: input.connectTimeoutMs ?? 10_000,
    roomRetentionMs: input.roomRetentionMs ?? 7 * 24 * 3_600_000,
  };
}
