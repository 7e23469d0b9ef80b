/**
 * Desktop settings are defaulted, validated and written atomically: an invalid save changes
 * nothing, a corrupt or failing file is kept aside (and why is said), and a failed write leaves the
 * old file intact.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_SETTINGS,
  InvalidSettingsError,
  SETTINGS_FILE,
  checkSettings,
  hubSettingsChanged,
  isOrigin,
  loadSettings,
  saveSettings,
  writeFileAtomic,
} from '../../electron/settings.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'insight-settings-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('settings schema', () => {
  it('defaults: this computer only on 7420, no TLS', () => {
    expect(DEFAULT_SETTINGS).toMatchObject({
      port: 7420,
      sharing: 'local',
      interfaceName: null,
      tls: false,
      allowedOrigins: [],
    });
    expect(checkSettings(DEFAULT_SETTINGS)).toEqual({ ok: true, settings: DEFAULT_SETTINGS });
  });

  it('fills fields missing from an older file with defaults', () => {
    const check = checkSettings({ version: 1, port: 9000, limits: { burst: 10 } });
    expect(check.ok).toBe(true);
    if (!check.ok) return;
    expect(check.settings.port).toBe(9000);
    expect(check.settings.limits.burst).toBe(10);
    expect(check.settings.limits.messagesPerSecond).toBe(DEFAULT_SETTINGS.limits.messagesPerSecond);
    expect(check.settings.history).toEqual(DEFAULT_SETTINGS.history);
  });

  it.each([
    [{ port: 70000 }, 'settings.port'],
    [{ port: 1.5 }, 'settings.port'],
    [{ port: '7420' }, 'settings.port'],
    [{ sharing: 'everyone' }, 'settings.sharing'],
    [{ sharing: 'lan', interfaceName: null }, 'interfaceName is required'],
    [{ interfaceName: 'eth0\n' }, 'settings.interfaceName'],
    [{ tls: 'yes' }, 'settings.tls'],
    [{ allowedOrigins: ['https://dash.example.com/path'] }, 'allowedOrigins'],
    [{ allowedOrigins: ['javascript:alert(1)'] }, 'allowedOrigins'],
    [{ allowedOrigins: 'https://dash.example.com' }, 'allowedOrigins'],
    [{ limits: { maxConnections: 0 } }, 'settings.limits.maxConnections'],
    [{ limits: { turbo: true } }, 'settings.limits.turbo is not a setting'],
    [{ history: [] }, 'settings.history must be an object'],
    [{ version: 2 }, 'settings.version'],
    [{ admin: true }, 'settings.admin is not a setting'],
  ])('rejects %j', (patch, message) => {
    const check = checkSettings({ ...DEFAULT_SETTINGS, ...patch });
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.errors.join('\n')).toContain(message);
  });

  it('rejects what is not an object', () => {
    for (const bad of [null, [], 'settings', 42]) expect(checkSettings(bad).ok).toBe(false);
  });

  it('accepts network sharing with an interface and exact origins', () => {
    const check = checkSettings({
      ...DEFAULT_SETTINGS,
      sharing: 'lan',
      interfaceName: 'Wi-Fi',
      tls: true,
      allowedOrigins: ['https://dash.example.com', 'http://10.0.0.5:8080'],
    });
    expect(check.ok).toBe(true);
  });

  it('origins are scheme, host and port only', () => {
    expect(isOrigin('https://dash.example.com')).toBe(true);
    expect(isOrigin('https://dash.example.com/')).toBe(false);
    expect(isOrigin('ftp://dash.example.com')).toBe(false);
    expect(isOrigin('null')).toBe(false);
  });

  it('sees any change as needing a hub restart, and no change as none', () => {
    expect(hubSettingsChanged(DEFAULT_SETTINGS, structuredClone(DEFAULT_SETTINGS))).toBe(false);
    expect(hubSettingsChanged(DEFAULT_SETTINGS, { ...DEFAULT_SETTINGS, tls: true })).toBe(true);
  });
});

describe('settings file', () => {
  it('gives defaults when there is no file, without creating one', async () => {
    const loaded = await loadSettings(dir);
    expect(loaded).toEqual({ settings: DEFAULT_SETTINGS });
    expect(await readdir(dir)).toEqual([]);
  });

  it('saves and loads back', async () => {
    const wanted = { ...DEFAULT_SETTINGS, port: 7500, tls: true };
    await saveSettings(dir, wanted);
    expect((await loadSettings(dir)).settings).toEqual(wanted);
    expect(JSON.parse(await readFile(join(dir, SETTINGS_FILE), 'utf8'))).toEqual(wanted);
  });

  it('refuses to save invalid settings and leaves the file alone', async () => {
    await saveSettings(dir, DEFAULT_SETTINGS);
    const before = await readFile(join(dir, SETTINGS_FILE), 'utf8');
    await expect(saveSettings(dir, { ...DEFAULT_SETTINGS, port: -1 })).rejects.toBeInstanceOf(InvalidSettingsError);
    expect(await readFile(join(dir, SETTINGS_FILE), 'utf8')).toBe(before);
  });

  it('keeps a corrupt file aside and uses defaults', async () => {
    await writeFile(join(dir, SETTINGS_FILE), '{"port": 7421,');
    const loaded = await loadSettings(dir);
    expect(loaded.settings).toEqual(DEFAULT_SETTINGS);
    expect(loaded.keptAside?.reason).toMatch(/not JSON/);
    expect(await readFile(loaded.keptAside!.path, 'utf8')).toBe('{"port": 7421,');
    expect(await readdir(dir)).not.toContain(SETTINGS_FILE);
  });

  it('keeps a file that fails the schema aside and says why', async () => {
    await writeFile(join(dir, SETTINGS_FILE), JSON.stringify({ version: 1, port: 'high' }));
    const loaded = await loadSettings(dir);
    expect(loaded.settings).toEqual(DEFAULT_SETTINGS);
    expect(loaded.keptAside?.reason).toContain('settings.port');
  });

  it('writes atomically: the target is replaced whole and no temporary file is left', async () => {
    const file = join(dir, 'target.json');
    await writeFile(file, 'old');
    await writeFileAtomic(file, 'new content');
    expect(await readFile(file, 'utf8')).toBe('new content');
    expect(await readdir(dir)).toEqual(['target.json']);
  });

  it('leaves the old file intact when the write cannot complete', async () => {
    // The target is a directory, so the final rename fails after the temporary file was written.
    const target = join(dir, 'occupied');
    await mkdir(join(target, 'child'), { recursive: true });
    await expect(writeFileAtomic(target, 'x')).rejects.toThrow();
    expect((await stat(target)).isDirectory()).toBe(true);
    expect(await readdir(dir)).toEqual(['occupied']);
  });
});
