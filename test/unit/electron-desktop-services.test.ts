/**
 * What main offers the console: a live hub with a fresh admin token (or "unavailable", never a dead
 * endpoint), settings saved only when valid and the hub restarted only when they changed, copies
 * the console cannot mutate.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDesktopServices, type ServiceDeps } from '../../electron/desktop-services.js';
import type { HubStatus } from '../../electron/hub-supervisor.js';
import { HubUnavailableError } from '../../electron/hub-supervisor.js';
import { DEFAULT_SETTINGS, SETTINGS_FILE } from '../../electron/settings.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'insight-services-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const runningStatus: HubStatus = {
  state: 'running',
  connections: 2,
  endpoint: {
    url: 'https://192.168.1.20:7420',
    wsUrl: 'wss://192.168.1.20:7420/ws',
    host: '192.168.1.20',
    port: 7420,
    tls: true,
    fingerprint: 'AB:CD',
    joinUrl: 'https://192.168.1.20:7420/',
  },
};

function services(status: HubStatus = runningStatus) {
  const deps = {
    userDataDir: dir,
    hub: {
      status,
      mintAdminToken: vi.fn(async () => ({ token: 'admin-token', expiresAt: 123 })),
      restart: vi.fn(async () => undefined),
    },
    settings: { current: structuredClone(DEFAULT_SETTINGS) },
    networkInterfaces: () => [{ name: 'eth0', address: '192.168.1.20', family: 'IPv4' as const }],
    writeClipboard: vi.fn(),
    qrCode: vi.fn(async (text: string) => `data:image/png;base64,${Buffer.from(text).toString('base64')}`),
    quit: vi.fn(),
  } satisfies ServiceDeps;
  return { deps, s: createDesktopServices(deps) };
}

describe('desktop services', () => {
  it('hands the console its hub and a freshly minted admin token', async () => {
    const { s, deps } = services();
    expect(await s.hubConnection()).toEqual({
      url: 'https://192.168.1.20:7420',
      wsUrl: 'wss://192.168.1.20:7420/ws',
      token: 'admin-token',
      expiresAt: 123,
      fingerprint: 'AB:CD',
    });
    await s.hubConnection();
    expect(deps.hub.mintAdminToken).toHaveBeenCalledTimes(2);
  });

  it('says the hub is unavailable instead of handing out a dead endpoint', async () => {
    const { s } = services({ state: 'restarting', reason: 'crash', exitCode: 1, restartInMs: 500, attempt: 1 });
    await expect(s.hubConnection()).rejects.toBeInstanceOf(HubUnavailableError);
    await expect(s.shareInfo()).rejects.toBeInstanceOf(HubUnavailableError);
    await expect(s.copyJoinLink()).rejects.toBeInstanceOf(HubUnavailableError);
  });

  it('rejects invalid settings with the reasons, saving nothing and keeping the hub', async () => {
    const { s, deps } = services();
    expect(await s.saveSettings({ ...DEFAULT_SETTINGS, port: 'x' })).toEqual({
      ok: false,
      errors: ['settings.port must be an integer from 0 to 65535, got string "x"'],
    });
    await expect(readFile(join(dir, SETTINGS_FILE))).rejects.toThrow();
    expect(deps.hub.restart).not.toHaveBeenCalled();
  });

  it('saves changed settings and restarts the hub with them', async () => {
    const { s, deps } = services();
    const next = { ...DEFAULT_SETTINGS, sharing: 'lan' as const, interfaceName: 'eth0', tls: true };
    expect(await s.saveSettings(next)).toEqual({ ok: true, settings: next, hubRestarted: true });
    expect(JSON.parse(await readFile(join(dir, SETTINGS_FILE), 'utf8'))).toEqual(next);
    expect(deps.hub.restart).toHaveBeenCalledTimes(1);
    expect(s.getSettings()).toEqual(next);
  });

  it('saving the same settings again does not restart the hub', async () => {
    const { s, deps } = services();
    expect(await s.saveSettings(structuredClone(DEFAULT_SETTINGS))).toMatchObject({ ok: true, hubRestarted: false });
    expect(deps.hub.restart).not.toHaveBeenCalled();
  });

  it('getSettings returns a copy the console cannot use to change main state', () => {
    const { s, deps } = services();
    const copy = s.getSettings();
    copy.port = 1;
    expect(deps.settings.current.port).toBe(DEFAULT_SETTINGS.port);
  });

  it('shares the join link with its fingerprint and QR code, and copies it', async () => {
    const { s, deps } = services();
    const info = await s.shareInfo();
    expect(info).toMatchObject({ sharing: 'local', joinUrl: 'https://192.168.1.20:7420/', fingerprint: 'AB:CD' });
    expect(deps.qrCode).toHaveBeenCalledWith('https://192.168.1.20:7420/');
    expect(await s.copyJoinLink()).toBe('https://192.168.1.20:7420/');
    expect(deps.writeClipboard).toHaveBeenCalledWith('https://192.168.1.20:7420/');
  });

  it('lists interfaces and quits through main', () => {
    const { s, deps } = services();
    expect(s.networkInterfaces()).toEqual([{ name: 'eth0', address: '192.168.1.20', family: 'IPv4' }]);
    s.quit();
    expect(deps.quit).toHaveBeenCalledTimes(1);
  });
});
