/**
 * Desktop settings: plain JSON in the user-data folder, checked against a schema, written
 * atomically. A file that cannot be read as valid settings is kept aside and defaults are used,
 * so a bad edit never stops the app from starting. No Electron here: main and the hub process
 * both read it with the folder they are given.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_LIMITS, DEFAULT_PORT } from '../hub/server/options.js';

/** "This computer only" binds 127.0.0.1; "Share on my network" binds the chosen interface. */
export type SharingMode = 'local' | 'lan';

export interface DesktopLimits {
  maxConnections: number;
  maxConnectionsPerUser: number;
  messagesPerSecond: number;
  burst: number;
  maxFrameBytes: number;
}

export interface DesktopHistory {
  maxMessages: number;
  maxAgeMinutes: number;
}

export interface DesktopSettings {
  version: 1;
  /** 0 picks any free port (tests); the app uses 7420 by default. */
  port: number;
  sharing: SharingMode;
  /** Interface name (`eth0`, `Wi-Fi`) used when sharing; its address is looked up at each start. */
  interfaceName: string | null;
  tls: boolean;
  /** Extra browser origins allowed to open a WebSocket (dashboards embedding the SDK). */
  allowedOrigins: string[];
  limits: DesktopLimits;
  history: DesktopHistory;
}

export const SETTINGS_FILE = 'settings.json';

export const DEFAULT_SETTINGS: DesktopSettings = Object.freeze({
  version: 1,
  port: DEFAULT_PORT,
  sharing: 'local',
  interfaceName: null,
  tls: false,
  allowedOrigins: [],
  limits: {
    maxConnections: 1000,
    maxConnectionsPerUser: DEFAULT_LIMITS.maxConnectionsPerUser,
    messagesPerSecond: DEFAULT_LIMITS.messagesPerSecond,
    burst: DEFAULT_LIMITS.burst,
    maxFrameBytes: DEFAULT_LIMITS.maxFrameBytes,
  },
  history: { maxMessages: 1000, maxAgeMinutes: 10 },
});

export type SettingsCheck = { ok: true; settings: DesktopSettings } | { ok: false; errors: string[] };

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function intIn(errors: string[], path: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    errors.push(`${path} must be an integer from ${min} to ${max}`);
    return min;
  }
  return v;
}

function knownKeys(errors: string[], path: string, v: Record<string, unknown>, keys: readonly string[]): void {
  for (const k of Object.keys(v)) if (!keys.includes(k)) errors.push(`${path}.${k} is not a setting`);
}

/** An origin is `scheme://host[:port]` of http or https, nothing more (no path, no trailing slash). */
export function isOrigin(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value;
}

// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const INTERFACE_NAME = /^[^\u0000-\u001f]{1,64}$/;

/**
 * Check a settings object. Missing fields take their defaults (a file from an older version stays
 * usable); a wrong type, an out-of-range number or an unknown field is an error.
 */
export function checkSettings(input: unknown): SettingsCheck {
  const errors: string[] = [];
  if (!isObject(input)) return { ok: false, errors: ['settings must be a JSON object'] };
  knownKeys(errors, 'settings', input, ['version', 'port', 'sharing', 'interfaceName', 'tls', 'allowedOrigins', 'limits', 'history']);
  const d = DEFAULT_SETTINGS;
  const s = { ...d, ...input } as Record<string, unknown>;

  if (s.version !== 1) errors.push('settings.version must be 1');
  const port = intIn(errors, 'settings.port', s.port, 0, 65535);
  const sharing = s.sharing;
  if (sharing !== 'local' && sharing !== 'lan') errors.push('settings.sharing must be "local" or "lan"');
  const interfaceName = s.interfaceName;
  if (interfaceName !== null && !(typeof interfaceName === 'string' && INTERFACE_NAME.test(interfaceName))) {
    errors.push('settings.interfaceName must be null or an interface name');
  }
  if (sharing === 'lan' && interfaceName === null) errors.push('settings.interfaceName is required when sharing on the network');
  if (typeof s.tls !== 'boolean') errors.push('settings.tls must be true or false');
  const origins = s.allowedOrigins;
  if (!Array.isArray(origins) || origins.length > 100 || !origins.every(isOrigin)) {
    errors.push('settings.allowedOrigins must be a list of origins like "https://dash.example.com"');
  }

  const limitsIn = s.limits;
  const limits = { ...d.limits };
  if (!isObject(limitsIn)) errors.push('settings.limits must be an object');
  else {
    knownKeys(errors, 'settings.limits', limitsIn, Object.keys(d.limits));
    const l = { ...d.limits, ...limitsIn };
    limits.maxConnections = intIn(errors, 'settings.limits.maxConnections', l.maxConnections, 1, 100_000);
    limits.maxConnectionsPerUser = intIn(errors, 'settings.limits.maxConnectionsPerUser', l.maxConnectionsPerUser, 1, 10_000);
    limits.messagesPerSecond = intIn(errors, 'settings.limits.messagesPerSecond', l.messagesPerSecond, 1, 100_000);
    limits.burst = intIn(errors, 'settings.limits.burst', l.burst, 1, 100_000);
    limits.maxFrameBytes = intIn(errors, 'settings.limits.maxFrameBytes', l.maxFrameBytes, 1024, 16 * 1024 * 1024);
  }

  const historyIn = s.history;
  const history = { ...d.history };
  if (!isObject(historyIn)) errors.push('settings.history must be an object');
  else {
    knownKeys(errors, 'settings.history', historyIn, Object.keys(d.history));
    const h = { ...d.history, ...historyIn };
    history.maxMessages = intIn(errors, 'settings.history.maxMessages', h.maxMessages, 0, 1_000_000);
    history.maxAgeMinutes = intIn(errors, 'settings.history.maxAgeMinutes', h.maxAgeMinutes, 0, 7 * 24 * 60);
  }

  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    settings: {
      version: 1,
      port,
      sharing: sharing as SharingMode,
      interfaceName: interfaceName as string | null,
      tls: s.tls as boolean,
      allowedOrigins: [...(origins as string[])],
      limits,
      history,
    },
  };
}

export class InvalidSettingsError extends Error {
  readonly code = 'invalid_settings';
  readonly errors: string[];
  constructor(errors: string[]) {
    super(`invalid settings: ${errors.join('; ')}`);
    this.name = 'InvalidSettingsError';
    this.errors = errors;
  }
}

export interface LoadedSettings {
  settings: DesktopSettings;
  /** Set when the file on disk was unusable: where it was moved and why. */
  keptAside?: { path: string; reason: string };
}

/** Read the settings in `dir`; defaults when there is no file, defaults and the file kept aside when it is bad. */
export async function loadSettings(dir: string): Promise<LoadedSettings> {
  const file = join(dir, SETTINGS_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { settings: structuredClone(DEFAULT_SETTINGS) };
    throw err;
  }
  let reason: string;
  try {
    const check = checkSettings(JSON.parse(text));
    if (check.ok) return { settings: check.settings };
    reason = check.errors.join('; ');
  } catch (err) {
    reason = `not JSON: ${(err as Error).message}`;
  }
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const aside = join(dir, `settings.corrupt-${stamp}.json`);
  await rename(file, aside);
  return { settings: structuredClone(DEFAULT_SETTINGS), keptAside: { path: aside, reason } };
}

/**
 * Write `data` to `file` so that a reader sees either the old or the new content, never half:
 * write a temporary file beside it, flush it to disk, then rename over the target.
 */
export async function writeFileAtomic(file: string, data: string, mode = 0o644): Promise<void> {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await open(tmp, 'wx', mode);
  try {
    await handle.writeFile(data, 'utf8');
    await handle.sync();
  } catch (err) {
    await handle.close();
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await handle.close();
  try {
    await rename(tmp, file);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}

/** Check and save; throws InvalidSettingsError without touching the file when the input is bad. */
export async function saveSettings(dir: string, input: unknown): Promise<DesktopSettings> {
  const check = checkSettings(input);
  if (!check.ok) throw new InvalidSettingsError(check.errors);
  await mkdir(dir, { recursive: true });
  await writeFileAtomic(join(dir, SETTINGS_FILE), `${JSON.stringify(check.settings, null, 2)}\n`);
  return check.settings;
}

/** Whether a change of settings needs the hub restarted (every field configures the hub today). */
export function hubSettingsChanged(before: DesktopSettings, after: DesktopSettings): boolean {
  return JSON.stringify(before) !== JSON.stringify(after);
}
