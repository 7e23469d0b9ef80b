/**
 * The one schema of the hub's settings (zod), shared by the config file, the `serve` flags, the
 * environment and the desktop settings. How its errors are told is config-problems.ts (exported
 * from here too, so a reader of settings imports one module).
 */
import { z } from 'zod';
import { DEFAULT_LIMITS, HISTORY_STORES } from './options.js';

export { ConfigError, describeIssues, keyName, nearestName, parseJsonText, parseWith } from './config-problems.js';

const MiB = 1024 * 1024;

/** Messages of our own start with "must be": the formatter uses them as they are. */
const must = (what: string) => ({ error: `must be ${what}` });
const range = (min: number, max: number): string =>
  max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer from ${min} to ${max}`;
export const int = (min: number, max: number) =>
  z
    .number(must(range(min, max)))
    .int(must(range(min, max)))
    .min(min, must(range(min, max)))
    .max(max, must(range(min, max)));
const text = (max = 4096) =>
  z
    .string(must('a string'))
    .min(1, must('a non-empty string'))
    .max(max, must(`at most ${max} characters`));
const httpUrl = () => z.url({ protocol: /^https?$/, ...must('an http:// or https:// URL') });

/** An origin is `scheme://host[:port]` of http or https, nothing more (no path, no trailing slash). */
export function isOrigin(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value;
  } catch {
    return false;
  }
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const LOG_FORMATS = ['pretty', 'json'] as const;

/** Bounds of the limits people set; any other limit is a count of at least 1. */
const LIMIT_BOUNDS: Record<string, [number, number]> = {
  maxFrameBytes: [1024, 16 * MiB],
  messagesPerSecond: [1, 1_000_000],
  burst: [1, 1_000_000],
  maxQueuedBytes: [4096, 1024 * MiB],
  maxConnections: [1, 1_000_000],
  maxConnectionsPerUser: [1, 1_000_000],
  maxConnectionsPerIp: [1, 1_000_000],
  maxHttpBodyBytes: [1024, 64 * MiB],
};

/** Every limit the hub has a default for (so a limit added there is accepted here too). */
export const limitFields = Object.fromEntries(
  Object.keys(DEFAULT_LIMITS).map((key) => {
    const [min, max] = LIMIT_BOUNDS[key] ?? [1, Number.MAX_SAFE_INTEGER];
    return [key, int(min, max)];
  }),
) as Record<keyof typeof DEFAULT_LIMITS, ReturnType<typeof int>>;

export const fields = {
  port: int(0, 65535),
  host: text(255),
  dataDir: text(),
  publicUrl: httpUrl(),
  origin: z
    .string(must('an origin like "https://dash.example.com"'))
    .refine(isOrigin, must('an origin like "https://dash.example.com" (no path)')),
  hostName: text(255),
  redis: z.url({ protocol: /^rediss?$/, ...must('a redis:// or rediss:// URL') }),
  logLevel: z.enum(LOG_LEVELS, must(`one of ${LOG_LEVELS.join(', ')}`)),
  logFormat: z.enum(LOG_FORMATS, must(`one of ${LOG_FORMATS.join(', ')}`)),
  milliseconds: int(1, 24 * 3_600_000),
  historyMessages: int(0, 1_000_000),
  historyAgeMs: int(0, 30 * 24 * 3_600_000),
  historyBytes: int(0, 4096 * MiB),
  historyStore: z.enum(HISTORY_STORES as readonly ['memory', 'sqlite'], must(`one of ${HISTORY_STORES.join(', ')}`)),
  historyBudgetBytes: int(1024 * 1024, 64 * 1024 * MiB),
};

const historyRoom = z.strictObject({
  pattern: text(128),
  maxMessages: fields.historyMessages.optional(),
  maxAgeMs: fields.historyAgeMs.optional(),
  maxBytes: fields.historyBytes.optional(),
});

export const authFields = {
  secret: z.string(must('a string')).min(32, must('at least 32 characters')),
  secretFile: text(),
  publicKey: text(64 * 1024),
  jwksUrl: httpUrl(),
  issuer: text(256),
  clockToleranceSec: int(0, 600),
};

/** The config file (`--config`, `INSIGHT_HUB_CONFIG`): the JSON-able part of `createHub`'s options. */
export const hubConfigSchema = z.strictObject({
  port: fields.port.optional(),
  host: fields.host.optional(),
  dataDir: fields.dataDir.optional(),
  publicUrl: fields.publicUrl.optional(),
  allowedOrigins: z.array(fields.origin).max(100).optional(),
  allowedHosts: z.array(fields.hostName).max(100).optional(),
  tls: z.strictObject({ cert: text(64 * 1024), key: text(64 * 1024) }).optional(),
  auth: z.strictObject(authFields).partial().optional(),
  heartbeatMs: fields.milliseconds.optional(),
  drainTimeoutMs: fields.milliseconds.optional(),
  reconnectAfterMs: fields.milliseconds.optional(),
  presenceCoalesceMs: fields.milliseconds.optional(),
  presenceBigRoom: int(2, 1_000_000).optional(),
  presenceBigRoomMs: fields.milliseconds.optional(),
  logRefusalsPerSecond: int(1, 100_000).optional(),
  tokenExpiryNoticeMs: fields.milliseconds.optional(),
  limits: z.strictObject(limitFields).partial().optional(),
  history: z
    .strictObject({
      maxMessages: fields.historyMessages.optional(),
      maxAgeMs: fields.historyAgeMs.optional(),
      maxBytes: fields.historyBytes.optional(),
      rooms: z.array(historyRoom).max(1000).optional(),
      store: fields.historyStore.optional(),
      budgetBytes: fields.historyBudgetBytes.optional(),
    })
    .optional(),
  redis: fields.redis.optional(),
  webRoot: text().optional(),
  logLevel: fields.logLevel.optional(),
  logFormat: fields.logFormat.optional(),
  auditMaxBytes: int(4096, 4096 * MiB).optional(),
});

export type HubConfigFile = z.infer<typeof hubConfigSchema>;
