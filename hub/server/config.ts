/** Resolve hub options from flags, environment and a JSON config file (in that order of precedence). */
import { readFileSync } from 'node:fs';
import type { HubOptionsInput } from './options.js';

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
  maxFrameBytes?: string;
  rate?: string;
  burst?: string;
  maxConnections?: string;
  maxQueuedBytes?: string;
  redis?: string;
  logLevel?: string;
}

const list = (v: string | undefined): string[] | undefined => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : undefined);

function int(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${v}"`);
  return n;
}

function readConfigFile(path: string): HubOptionsInput {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read config file ${path}: ${(err as Error).message}`, { cause: err });
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    return parsed;
  } catch (err) {
    throw new Error(`config file ${path} is not a JSON object: ${(err as Error).message}`, { cause: err });
  }
}

const drop = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

export function resolveServeOptions(flags: CliFlags, env: NodeJS.ProcessEnv = process.env): HubOptionsInput {
  const configPath = flags.config ?? env.INSIGHT_HUB_CONFIG;
  const file = configPath ? readConfigFile(configPath) : {};
  const publicKeyFile = flags.publicKey ?? env.INSIGHT_HUB_PUBLIC_KEY_FILE;
  const tlsCert = flags.tlsCert ?? file.tls?.cert;
  const tlsKey = flags.tlsKey ?? file.tls?.key;
  if (Boolean(tlsCert) !== Boolean(tlsKey)) throw new Error('TLS needs both a certificate and a key');
  const historyMinutes = int('--history-minutes', flags.historyMinutes);
  return {
    ...file,
    ...drop({
      port: int('port', flags.port ?? env.INSIGHT_HUB_PORT),
      host: flags.host ?? env.INSIGHT_HUB_HOST,
      dataDir: flags.dataDir ?? env.INSIGHT_HUB_DATA_DIR,
      allowedOrigins: flags.allowedOrigin?.length ? flags.allowedOrigin : list(env.INSIGHT_HUB_ALLOWED_ORIGINS),
      allowedHosts: flags.allowedHost?.length ? flags.allowedHost : list(env.INSIGHT_HUB_ALLOWED_HOSTS),
      publicUrl: flags.publicUrl ?? env.INSIGHT_HUB_PUBLIC_URL,
      heartbeatMs: int('--heartbeat-ms', flags.heartbeatMs),
      drainTimeoutMs: int('--drain-timeout-ms', flags.drainTimeoutMs),
      redis: flags.redis ?? env.INSIGHT_HUB_REDIS_URL,
      logLevel: flags.logLevel ?? env.INSIGHT_HUB_LOG_LEVEL,
    }),
    // Certificate paths in flags or the file are read here; PEM text in the file is used as is.
    tls: tlsCert && tlsKey ? { cert: pem(tlsCert), key: pem(tlsKey) } : undefined,
    auth: drop({
      ...file.auth,
      secret: env.INSIGHT_HUB_SECRET ?? file.auth?.secret,
      secretFile: flags.secretFile ?? env.INSIGHT_HUB_SECRET_FILE ?? file.auth?.secretFile,
      publicKey: publicKeyFile ? readFileSync(publicKeyFile, 'utf8') : file.auth?.publicKey,
      jwksUrl: flags.jwksUrl ?? env.INSIGHT_HUB_JWKS_URL ?? file.auth?.jwksUrl,
      issuer: flags.issuer ?? env.INSIGHT_HUB_ISSUER ?? file.auth?.issuer,
    }),
    // Flags override the file's values one by one; a flag not given leaves the file's value.
    limits: {
      ...file.limits,
      ...drop({
        maxFrameBytes: int('--max-frame-bytes', flags.maxFrameBytes),
        messagesPerSecond: int('--rate', flags.rate),
        burst: int('--burst', flags.burst),
        maxConnections: int('--max-connections', flags.maxConnections),
        maxQueuedBytes: int('--max-queued-bytes', flags.maxQueuedBytes),
      }),
    },
    history: {
      ...file.history,
      ...drop({
        maxMessages: int('--history-messages', flags.historyMessages),
        maxAgeMs: historyMinutes === undefined ? undefined : historyMinutes * 60_000,
      }),
    },
  };
}

function pem(value: string): string {
  return value.includes('-----BEGIN') ? value : readFileSync(value, 'utf8');
}
