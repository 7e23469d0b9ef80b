/** Hub options: every setting, its default, and how it is resolved. */
import type { Engine } from '../core/engine.js';
import type { CoreLimits } from '../core/core-types.js';
import type { Logger } from './logger.js';
import { defaultHistoryBudgetBytes } from '../engines/memory/history-budget.js';

/** The core's per-connection and per-hub limits (documented there), plus the HTTP ones. */
export interface LimitOptions extends CoreLimits {
  /** Largest REST request body (bytes). */
  maxHttpBodyBytes: number;
  /** Token bucket for REST publishes per token `sub`: sustained per second and burst; past it 429. */
  restMessagesPerSecond: number;
  restBurst: number;
  /** The same per client address, so many tokens from one machine do not multiply the budget. */
  restMessagesPerSecondPerIp: number;
  restBurstPerIp: number;
  /** TCP level, before HTTP: from accept to a complete request head, else 408 and closed. */
  headerTimeoutMs: number;
  /** TCP connections (WebSocket, HTTP, idle) in total; kept below the descriptor limit. Default maxConnections + 1000. */
  maxTcpConnections: number;
  /** TCP connections per source address. Default maxConnectionsPerIp + 100. */
  maxTcpConnectionsPerIp: number;
}

export interface HistoryOptions {
  maxMessages: number;
  maxAgeMs: number;
  /** Per room: the kept messages' `data` (as JSON) stays under this many bytes; oldest dropped first. */
  maxBytes: number;
  /** Memory engine, all rooms together: estimated bytes kept; past it the oldest anywhere go first. Default: heap limit / 4. */
  budgetBytes: number;
  /** Overrides by room pattern (`dashboard:*`), first match wins. */
  rooms: Array<{ pattern: string; maxMessages?: number; maxAgeMs?: number; maxBytes?: number }>;
  /**
   * Where the embedded engine keeps history: `memory` (lost on restart) or `sqlite` (the data
   * directory's `history.sqlite`; epochs and kept messages survive restarts and kills). Default
   * `memory` here; `serve` and the desktop default to `sqlite`. Not used with Redis.
   */
  store: HistoryStore;
}

export type HistoryStore = 'memory' | 'sqlite';
export const HISTORY_STORES: readonly HistoryStore[] = ['memory', 'sqlite'];

export interface AuthOptions {
  /** HS256 shared secret. */
  secret?: string;
  /** File holding the HS256 secret; generated (mode 0600) in the data directory when nothing is given. */
  secretFile?: string;
  /** PEM public key (RS256, ES256 or EdDSA). */
  publicKey?: string;
  /** JWKS URL for RS256/ES256/EdDSA keys. */
  jwksUrl?: string;
  /** Expected `iss`, checked when set. */
  issuer?: string;
  clockToleranceSec: number;
}

export interface HubOptions {
  port: number;
  host: string;
  /** PEM certificate and key: serve https/wss. */
  tls?: { cert: string; key: string };
  /** Folder for the generated secret, bans, audit log. */
  dataDir: string;
  auth: AuthOptions;
  /** Exact origins allowed to open a WebSocket from a browser; default: the hub's own. */
  allowedOrigins: string[];
  /** Host header values allowed; default: the hub's own host names and addresses. */
  allowedHosts: string[];
  /** Public base URL of the hub's web client, used in invite links. */
  publicUrl?: string;
  heartbeatMs: number;
  drainTimeoutMs: number;
  /** How long clients are told to wait before reconnecting after a shutdown notice. */
  reconnectAfterMs: number;
  /** Presence diffs are coalesced over this window. */
  presenceCoalesceMs: number;
  /** Rooms with at least this many members (default 20) flush presence at most once per `presenceBigRoomMs` (default 250). */
  presenceBigRoom?: number;
  presenceBigRoomMs?: number;
  /** Warn this long before a token's `exp` with `notice token_expiring`. */
  tokenExpiryNoticeMs: number;
  limits: LimitOptions;
  history: HistoryOptions;
  /** Redis URL: selects the Redis engine. */
  redis?: string;
  /** An engine instance (tests, embedding); overrides `redis`. */
  engine?: Engine;
  /** Folder with the built web client; default: the package's `renderer-dist/`. */
  webRoot?: string;
  logger?: Logger;
  logLevel: string;
  /** Refusals (upgrades, sockets) written to the process log per second; the rest are summarized. */
  logRefusalsPerSecond: number;
  /** `pretty` lines or `json` records; default: pretty when stdout is a terminal, json otherwise. */
  logFormat?: 'pretty' | 'json';
  /** Audit log file size at which it is rotated. */
  auditMaxBytes: number;
}

export type HubOptionsInput = Partial<Omit<HubOptions, 'auth' | 'limits' | 'history'>> & {
  auth?: Partial<AuthOptions>;
  limits?: Partial<LimitOptions>;
  history?: Partial<HistoryOptions>;
};

export const DEFAULT_PORT = 7420;

export const DEFAULT_LIMITS: LimitOptions = {
  maxFrameBytes: 64 * 1024,
  messagesPerSecond: 100,
  burst: 200,
  rateLimitStrikes: 20,
  errorBudget: 10,
  errorWindowMs: 10_000,
  maxRoomsPerConnection: 128,
  maxPresenceBytes: 1024,
  publishBytesPerSecond: 1024 * 1024,
  publishBurstBytes: 4 * 1024 * 1024,
  maxQueuedBytes: 1024 * 1024,
  maxConnectionsPerUser: 50,
  maxConnectionsPerIp: 1000,
  maxConnections: 50_000,
  maxHttpBodyBytes: 256 * 1024,
  restMessagesPerSecond: 200,
  restBurst: 400,
  restMessagesPerSecondPerIp: 1000,
  restBurstPerIp: 2000,
  headerTimeoutMs: 5000,
  maxTcpConnections: 50_000 + 1000,
  maxTcpConnectionsPerIp: 1000 + 100,
};

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.INSIGHT_HUB_DATA_DIR) return env.INSIGHT_HUB_DATA_DIR;
  const home = env.HOME || env.USERPROFILE || '.';
  return `${home}/.insight-hub`;
}

export function resolveOptions(input: HubOptionsInput = {}): HubOptions {
  return {
    port: input.port ?? DEFAULT_PORT,
    host: input.host ?? '127.0.0.1',
    tls: input.tls,
    dataDir: input.dataDir ?? defaultDataDir(),
    auth: { clockToleranceSec: 30, ...input.auth },
    allowedOrigins: input.allowedOrigins ?? [],
    allowedHosts: input.allowedHosts ?? [],
    publicUrl: input.publicUrl,
    heartbeatMs: input.heartbeatMs ?? 25_000,
    drainTimeoutMs: input.drainTimeoutMs ?? 10_000,
    reconnectAfterMs: input.reconnectAfterMs ?? 2_000,
    presenceCoalesceMs: input.presenceCoalesceMs ?? 50,
    presenceBigRoom: input.presenceBigRoom,
    presenceBigRoomMs: input.presenceBigRoomMs,
    tokenExpiryNoticeMs: input.tokenExpiryNoticeMs ?? 60_000,
    limits: resolveLimits(input.limits),
    history: {
      maxMessages: 1000,
      maxAgeMs: 10 * 60_000,
      maxBytes: 8 * 1024 * 1024,
      budgetBytes: defaultHistoryBudgetBytes(),
      rooms: [],
      store: 'memory',
      ...input.history,
    },
    redis: input.redis,
    engine: input.engine,
    webRoot: input.webRoot,
    logger: input.logger,
    logLevel: input.logLevel ?? 'info',
    logRefusalsPerSecond: input.logRefusalsPerSecond ?? 10,
    logFormat: input.logFormat,
    auditMaxBytes: input.auditMaxBytes ?? 10 * 1024 * 1024,
  };
}

/** The TCP caps follow the WebSocket ones unless set (room for HTTP beside the sessions); the byte burst is 4 s of the rate. */
function resolveLimits(input: Partial<LimitOptions> = {}): LimitOptions {
  const limits = { ...DEFAULT_LIMITS, ...input };
  limits.maxTcpConnections = input.maxTcpConnections ?? limits.maxConnections + 1000;
  limits.maxTcpConnectionsPerIp = input.maxTcpConnectionsPerIp ?? limits.maxConnectionsPerIp + 100;
  limits.publishBurstBytes = input.publishBurstBytes ?? limits.publishBytesPerSecond * 4;
  return limits;
}
