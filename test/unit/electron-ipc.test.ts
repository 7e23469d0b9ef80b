/**
 * Main registers exactly the console's IPC capabilities and answers only the console's top frame on
 * the app origin.
 */
import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_SETTINGS } from '../../electron/settings.js';
import {
  ForeignSenderError,
  isConsoleFrame,
  registerIpcHandlers,
  type DesktopServices,
  type InvokeEvent,
} from '../../electron/ipc.js';
import { INVOKE_CHANNELS, IpcChannel } from '../../electron/ipc-channels.js';

function setup() {
  const handlers = new Map<string, (event: InvokeEvent, ...args: unknown[]) => unknown>();
  const services: DesktopServices = {
    hubConnection: vi.fn(async () => ({
      url: 'http://127.0.0.1:7420',
      wsUrl: 'ws://127.0.0.1:7420/ws',
      token: 't',
      expiresAt: 1,
      fingerprint: null,
    })),
    hubStatus: vi.fn(() => ({ state: 'stopped' as const })),
    getSettings: vi.fn(() => DEFAULT_SETTINGS),
    saveSettings: vi.fn(async () => ({ ok: false as const, errors: ['x'] })),
    networkInterfaces: vi.fn(() => []),
    shareInfo: vi.fn(async () => ({ sharing: 'local' as const, joinUrl: 'u', fingerprint: null, qrCode: 'q' })),
    copyJoinLink: vi.fn(async () => 'u'),
    quit: vi.fn(),
  };
  const log = vi.fn();
  registerIpcHandlers({ handle: (channel, listener) => void handlers.set(channel, listener) }, services, log);
  return { handlers, services, log };
}

const consoleFrame = { url: 'app://console/index.html#/settings', parent: null };

describe('IPC handlers', () => {
  it('registers exactly the console capabilities', () => {
    const { handlers } = setup();
    expect([...handlers.keys()].sort()).toEqual([...INVOKE_CHANNELS].sort());
  });

  it('answer the console top frame', async () => {
    const { handlers, services } = setup();
    await handlers.get(IpcChannel.settingsSave)!({ senderFrame: consoleFrame }, { port: 1 });
    expect(services.saveSettings).toHaveBeenCalledWith({ port: 1 });
    await handlers.get(IpcChannel.hubConnection)!({ senderFrame: consoleFrame });
    expect(services.hubConnection).toHaveBeenCalledTimes(1);
    handlers.get(IpcChannel.quit)!({ senderFrame: consoleFrame });
    expect(services.quit).toHaveBeenCalledTimes(1);
  });

  it.each([
    ['a web page', { url: 'https://evil.example/', parent: null }],
    ['an iframe inside the console', { url: 'app://console/index.html', parent: { url: 'app://console/' } }],
    ['a local file', { url: 'file:///home/user/evil.html', parent: null }],
    ['a look-alike host', { url: 'app://console.evil/index.html', parent: null }],
    ['credentials in the URL', { url: 'app://user@console/index.html', parent: null }],
    ['a hub page', { url: 'http://127.0.0.1:7420/', parent: null }],
    ['a frame that is gone', null],
  ])('refuse %s on every channel, without calling the service', (_what, senderFrame) => {
    const { handlers, services, log } = setup();
    for (const channel of INVOKE_CHANNELS) {
      expect(() => handlers.get(channel)!({ senderFrame }, DEFAULT_SETTINGS)).toThrow(ForeignSenderError);
    }
    for (const fn of Object.values(services)) expect(fn).not.toHaveBeenCalled();
    expect(log).toHaveBeenCalledTimes(INVOKE_CHANNELS.length);
  });

  it('only the app origin top frame is the console', () => {
    expect(isConsoleFrame(consoleFrame)).toBe(true);
    expect(isConsoleFrame({ url: 'app://console/', parent: null })).toBe(true);
    expect(isConsoleFrame(undefined)).toBe(false);
    expect(isConsoleFrame({ url: 'not a url', parent: null })).toBe(false);
  });
});
