/**
 * Resolve hub options from flags, environment and a JSON config file (in that order of precedence).
 * Each source is checked against the same schema (config-schema.ts), and a problem is told in the
 * source's own words: `--rate`, `INSIGHT_HUB_PORT`, or `limits.messagesPerSecond in config file x`.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { HistoryStore, HubOptionsInput } from './options.js';
import {
  ConfigError,
  authFields,
  fields,
  hubConfigSchema,
  int,
  keyName,
  limitFields,
  parseJsonText,
  parseWith,
  type HubConfigFile,
} from './config-schema.js';

/** Environment variables the hub reads, for `--help` and the README. */
export const ENVIRONMENT: Record<string, string> = {
  INSIGHT_HUB_CONFIG: 'path of a JSON config file',
  INSIGHT_HUB_PORT: 'port (default 7420)',
  INSIGHT_HUB_HOST: 'bind address (default 127.0.0.1)',
  INSIGHT_HUB_SECRET: 'HS256 signing secret (at least 32 bytes)',
  INSIGHT_HUB_SECRET_FILE: 'file holding the HS256 secret',
  INSIGHT_HUB_PUBLIC_KEY_FILE: 'PEM public key file (RS256/ES256/EdDSA)',
  INSIGHT_HUB_JWKS_URL: 'JWKS URL',
  INSIGHT_HUB_ISSUER: 'expected iss claim',
  INSIGHT_HUB_DATA_DIR: 'data directory (default ~/.insight-hub)',
  INSIGHT_HUB_ALLOWED_ORIGINS: 'comma-separated extra allowed origins',
  INSIGHT_HUB_ALLOWED_HOSTS: 'comma-separated extra allowed Host values',
  INSIGHT_HUB_PUBLIC_URL: 'public URL of the hub (invite links)',
  INSIGHT_HUB_REDIS_URL: 'Redis URL: use the Redis engine',
  INSIGHT_HUB_LOG_LEVEL: 'log level (default info)',
  INSIGHT_HUB_LOG_FORMAT: 'pretty or json (default: pretty on a terminal, json otherwise)',
  INSIGHT_HUB_HISTORY: 'history store without Redis: sqlite (default, in the data directory) or memory',
  INSIGHT_HUB_HISTORY_BUDGET_BYTES: 'history bytes kept across all rooms, memory engine (default: heap limit / 4)',
};

export interface CliFlags {
  config?: string;
  port?: string;
  host?: string;
  dataDir?: string;
  secretFile?: string;
  publicKey?: string;
  jwksUrl?: string;
  issuer?: string;
  allowedOrigin?: string[];
  allowedHost?: string[];
  publicUrl?: string;
  tlsCert?: string;
  tlsKey?: string;
  heartbeatMs?: string;
  drainTimeoutMs?: string;
  historyMessages?: string;
  historyMinutes?: string;
  history?: string;
  historyBudgetBytes?: string;
  maxFrameBytes?: string;
  rate?: string;
  burst?: string;
  maxConnections?: string;
  maxQueuedBytes?: string;
  publishBytesPerSecond?: string;
  headerTimeoutMs?: string;
  maxTcpConnections?: string;
  maxTcpConnectionsPerIp?: string;
  redis?: string;
  logLevel?: string;
  logFormat?: string;
}

/** One setting a flag or a variable can give: where it goes in the options and its schema. */
interface Setting {
  flag?: keyof CliFlags;
  env?: string;
  path: [keyof HubConfigFile, ...string[]];
  schema: z.ZodType;
  kind?: 'number' | 'list';
  /** Multiply the checked value (minutes given, milliseconds kept). */
  scale?: number;
}

const SETTINGS: Setting[] = [
  { flag: 'port', env: 'INSIGHT_HUB_PORT', path: ['port'], schema: fields.port, kind: 'number' },
  { flag: 'host', env: 'INSIGHT_HUB_HOST', path: ['host'], schema: fields.host },
  { flag: 'dataDir', env: 'INSIGHT_HUB_DATA_DIR', path: ['dataDir'], schema: fields.dataDir },
  { flag: 'publicUrl', env: 'INSIGHT_HUB_PUBLIC_URL', path: ['publicUrl'], schema: fields.publicUrl },
  {
    flag: 'allowedOrigin',
    env: 'INSIGHT_HUB_ALLOWED_ORIGINS',
    path: ['allowedOrigins'],
    schema: z.array(fields.origin),
    kind: 'list',
  },
  {
    flag: 'allowedHost',
    env: 'INSIGHT_HUB_ALLOWED_HOSTS',
    path: ['allowedHosts'],
    schema: z.array(fields.hostName),
    kind: 'list',
  },
  { flag: 'heartbeatMs', path: ['heartbeatMs'], schema: fields.milliseconds, kind: 'number' },
  { flag: 'drainTimeoutMs', path: ['drainTimeoutMs'], schema: fields.milliseconds, kind: 'number' },
  { flag: 'historyMessages', path: ['history', 'maxMessages'], schema: fields.historyMessages, kind: 'number' },
  {
    flag: 'historyMinutes',
    path: ['history', 'maxAgeMs'],
    schema: int(0, 30 * 24 * 60),
    kind: 'number',
    scale: 60_000,
  },
  { flag: 'maxFrameBytes', path: ['limits', 'maxFrameBytes'], schema: limitFields.maxFrameBytes, kind: 'number' },
  { flag: 'rate', path: ['limits', 'messagesPerSecond'], schema: limitFields.messagesPerSecond, kind: 'number' },
  { flag: 'burst', path: ['limits', 'burst'], schema: limitFields.burst, kind: 'number' },
  { flag: 'maxConnections', path: ['limits', 'maxConnections'], schema: limitFields.maxConnections, kind: 'number' },
  { flag: 'maxQueuedBytes', path: ['limits', 'maxQueuedBytes'], schema: limitFields.maxQueuedBytes, kind: 'number' },
  {
    flag: 'publishBytesPerSecond',
    path: ['limits', 'publishBytesPerSecond'],
    schema: limitFields.publishBytesPerSecond,
    kind: 'number',
  },
  { flag: 'headerTimeoutMs', path: ['limits', 'headerTimeoutMs'], schema: limitFields.headerTimeoutMs, kind: 'number' },
  {
    flag: 'maxTcpConnections',
    path: ['limits', 'maxTcpConnections'],
    schema: limitFields.maxTcpConnections,
    kind: 'number',
  },
  {
    flag: 'maxTcpConnectionsPerIp',
    path: ['limits', 'maxTcpConnectionsPerIp'],
    schema: limitFields.maxTcpConnectionsPerIp,
    kind: 'number',
  },
  { flag: 'history', env: 'INSIGHT_HUB_HISTORY', path: ['history', 'store'], schema: fields.historyStore },
  {
    flag: 'historyBudgetBytes',
    env: 'INSIGHT_HUB_HISTORY_BUDGET_BYTES',
    path: ['history', 'budgetBytes'],
    schema: fields.historyBudgetBytes,
    kind: 'number',
  },
  { flag: 'redis', env: 'INSIGHT_HUB_REDIS_URL', path: ['redis'], schema: fields.redis },
  { flag: 'logLevel', env: 'INSIGHT_HUB_LOG_LEVEL', path: ['logLevel'], schema: fields.logLevel },
  { flag: 'logFormat', env: 'INSIGHT_HUB_LOG_FORMAT', path: ['logFormat'], schema: fields.logFormat },
  { env: 'INSIGHT_HUB_SECRET', path: ['auth', 'secret'], schema: authFields.secret },
  { flag: 'secretFile', env: 'INSIGHT_HUB_SECRET_FILE', path: ['auth', 'secretFile'], schema: authFields.secretFile },
  { flag: 'jwksUrl', env: 'INSIGHT_HUB_JWKS_URL', path: ['auth', 'jwksUrl'], schema: authFields.jwksUrl },
  { flag: 'issuer', env: 'INSIGHT_HUB_ISSUER', path: ['auth', 'issuer'], schema: authFields.issuer },
];

const flagName = (flag: string): string => `--${flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** Text from a flag or a variable as the schema sees it: numbers as numbers, lists split at commas. */
function fromText(setting: Setting, value: string | string[]): unknown {
  if (setting.kind === 'list')
    return (Array.isArray(value) ? value : value.split(',')).map((s) => s.trim()).filter(Boolean);
  const one = Array.isArray(value) ? value.at(-1)! : value;
  if (setting.kind === 'number' && /^[+-]?\d+(\.\d+)?$/.test(one.trim())) return Number(one);
  return one;
}

function place(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let o = target;
  for (const key of path.slice(0, -1)) o = (o[key] ??= {}) as Record<string, unknown>;
  o[path.at(-1)!] = value;
}

/** The settings one source gives, checked; every problem of the source is reported at once. */
function readSource(
  where: string,
  given: (s: Setting) => { name: string; value: string | string[] } | undefined,
): HubConfigFile {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const setting of SETTINGS) {
    const g = given(setting);
    if (g === undefined || (Array.isArray(g.value) && g.value.length === 0)) continue;
    try {
      const value = parseWith(setting.schema, fromText(setting, g.value), where, (p) =>
        p.length ? `${g.name}[${p.join('.')}]` : g.name,
      );
      place(out, setting.path, setting.scale ? (value as number) * setting.scale : value);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      problems.push(...err.problems);
    }
  }
  if (problems.length > 0) throw new ConfigError(where, problems);
  return out;
}

export function readConfigFile(path: string): HubConfigFile {
  const where = `config file ${path}`;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config file ${path}`, [(err as Error).message]);
  }
  const parsed = parseJsonText(text, where);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(where, ['must be a JSON object like {"port": 7420}']);
  }
  return parseWith(hubConfigSchema, parsed, where, (p) => keyName('', p));
}

/** Later sources win key by key, also inside `auth`, `limits` and `history`. */
function merge(...sources: HubConfigFile[]): HubConfigFile {
  const out: Record<string, unknown> = {};
  for (const source of sources) {
    for (const [key, value] of Object.entries(source)) {
      const nested = key === 'auth' || key === 'limits' || key === 'history';
      out[key] = nested ? { ...(out[key] as object), ...(value as object) } : value;
    }
  }
  return out;
}

export function resolveServeOptions(flags: CliFlags, env: NodeJS.ProcessEnv = process.env): HubOptionsInput {
  const configPath = flags.config ?? env.INSIGHT_HUB_CONFIG;
  const file = configPath ? readConfigFile(configPath) : {};
  const fromEnv = readSource('environment', (s) =>
    s.env && env[s.env] !== undefined && env[s.env] !== '' ? { name: s.env, value: env[s.env]! } : undefined,
  );
  const fromFlags = readSource('command line', (s) => {
    const value = s.flag ? flags[s.flag] : undefined;
    return value === undefined ? undefined : { name: flagName(s.flag!), value };
  });
  const merged = merge(file, fromEnv, fromFlags);
  const publicKeyFile = flags.publicKey ?? env.INSIGHT_HUB_PUBLIC_KEY_FILE;
  if (publicKeyFile)
    merged.auth = {
      ...merged.auth,
      publicKey: readText(publicKeyFile, flags.publicKey ? '--public-key' : 'INSIGHT_HUB_PUBLIC_KEY_FILE'),
    };
  const tlsCert = flags.tlsCert ?? file.tls?.cert;
  const tlsKey = flags.tlsKey ?? file.tls?.key;
  if (Boolean(tlsCert) !== Boolean(tlsKey))
    throw new ConfigError('TLS', ['needs both a certificate and a key (--tls-cert and --tls-key)']);
  // Certificate paths in flags or the file are read here; PEM text in the file is used as is.
  const tls = tlsCert && tlsKey ? { cert: pem(tlsCert, '--tls-cert'), key: pem(tlsKey, '--tls-key') } : undefined;
  const history = { ...merged.history, store: historyStore(merged.history?.store, merged.redis) };
  return { ...merged, history, tls };
}

/** `serve` keeps history on disk unless told otherwise; with Redis, history lives there. */
function historyStore(value: HistoryStore | undefined, redis: string | undefined): HistoryStore | undefined {
  if (redis) {
    if (value !== undefined)
      throw new ConfigError('--history', ['is for the embedded engine; with --redis the history is kept in Redis']);
    return undefined;
  }
  return value ?? 'sqlite';
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(what, [`cannot read ${path}: ${(err as Error).message}`]);
  }
}

function pem(value: string, what: string): string {
  return value.includes('-----BEGIN') ? value : readText(value, what);
}
