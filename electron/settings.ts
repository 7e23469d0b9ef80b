/**
 * Desktop settings: plain JSON in the user-data folder, checked against the hub's schema, written
 * atomically. A file that cannot be read as valid settings is kept aside and defaults are used,
 * so a bad edit never stops the app from starting. No Electron here: main and the hub process
 * both read it with the folder they are given.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { DEFAULT_LIMITS, DEFAULT_PORT } from '../hub/server/options.js';
import { describeIssues, fields, int, isOrigin, keyName, limitFields } from '../hub/server/config-schema.js';

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

// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const INTERFACE_NAME = /^[^\u0000-\u001f]{1,64}$/;

export { isOrigin };

/** The desktop file's schema: the hub's own field schemas (config-schema.ts) for the hub's keys. */
const settingsSchema = z
  .strictObject({
    version: z.literal(1),
    port: fields.port,
    sharing: z.enum(['local', 'lan'], { error: 'must be "local" or "lan"' }),
    interfaceName: z.string().regex(INTERFACE_NAME, { error: 'must be null or an interface name' }).nullable(),
    tls: z.boolean({ error: 'must be true or false' }),
    allowedOrigins: z.array(fields.origin).max(100),
    limits: z.strictObject({
      maxConnections: limitFields.maxConnections,
      maxConnectionsPerUser: limitFields.maxConnectionsPerUser,
      messagesPerSecond: limitFields.messagesPerSecond,
      burst: limitFields.burst,
      maxFrameBytes: limitFields.maxFrameBytes,
    }),
    history: z.strictObject({ maxMessages: fields.historyMessages, maxAgeMinutes: int(0, 7 * 24 * 60) }),
  })
  .refine((s) => s.sharing !== 'lan' || s.interfaceName !== null, {
    error: 'is required when sharing on the network',
    path: ['interfaceName'],
  });

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Check a settings object. Missing fields take their defaults (a file from an older version stays
 * usable); a wrong type, an out-of-range number or an unknown field is an error.
 */
export function checkSettings(input: unknown): SettingsCheck {
  if (!isObject(input)) return { ok: false, errors: ['settings must be a JSON object'] };
  const d = DEFAULT_SETTINGS;
  const filled: Record<string, unknown> = { ...structuredClone(d), ...input };
  if (isObject(input.limits)) filled.limits = { ...d.limits, ...input.limits };
  if (isObject(input.history)) filled.history = { ...d.history, ...input.history };
  const result = settingsSchema.safeParse(filled);
  if (result.success) return { ok: true, settings: result.data };
  const name = (path: readonly PropertyKey[]): string => keyName('settings', path);
  return { ok: false, errors: describeIssues(settingsSchema, filled, result.error.issues, name) };
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
