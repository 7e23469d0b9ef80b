/**
 * The preload exposes one object of named functions and no IPC primitive: the page never gets
 * ipcRenderer, the IPC event, or more than the settings it passes.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { DESKTOP_API_KEY, type DesktopApi } from '../../electron/desktop-api.js';
import { IpcChannel } from '../../electron/ipc-channels.js';

const bridge = vi.hoisted(() => ({
  exposed: new Map<string, unknown>(),
  invoke: vi.fn(async (..._args: unknown[]) => 'answer'),
  listeners: new Map<string, Set<(...args: unknown[]) => void>>(),
}));

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => bridge.exposed.set(key, api) },
  ipcRenderer: {
    invoke: bridge.invoke,
    on: (channel: string, listener: (...args: unknown[]) => void) => {
      if (!bridge.listeners.has(channel)) bridge.listeners.set(channel, new Set());
      bridge.listeners.get(channel)!.add(listener);
    },
    removeListener: (channel: string, listener: (...args: unknown[]) => void) =>
      bridge.listeners.get(channel)?.delete(listener),
    send: () => {
      throw new Error('the preload must not use send');
    },
  },
}));

let api: DesktopApi;
beforeAll(async () => {
  await import('../../electron/preload.js');
  api = bridge.exposed.get(DESKTOP_API_KEY) as DesktopApi;
});

describe('preload', () => {
  it('exposes one object, of named functions only, and no IPC primitive', () => {
    expect([...bridge.exposed.keys()]).toEqual([DESKTOP_API_KEY]);
    expect(Object.keys(api).sort()).toEqual([
      'copyJoinLink',
      'getHubConnection',
      'getHubStatus',
      'getSettings',
      'getShareInfo',
      'listNetworkInterfaces',
      'onHubStatus',
      'quit',
      'saveSettings',
    ]);
    for (const value of Object.values(api)) expect(typeof value).toBe('function');
    expect(Object.keys(api).some((k) => /ipc|send|invoke/i.test(k))).toBe(false);
  });

  it.each([
    ['getHubConnection', IpcChannel.hubConnection],
    ['getHubStatus', IpcChannel.hubStatus],
    ['getSettings', IpcChannel.settingsGet],
    ['listNetworkInterfaces', IpcChannel.networkInterfaces],
    ['getShareInfo', IpcChannel.shareInfo],
    ['copyJoinLink', IpcChannel.copyJoinLink],
    ['quit', IpcChannel.quit],
  ] as const)('%s invokes %s and nothing else', async (name, channel) => {
    bridge.invoke.mockClear();
    await expect((api[name] as () => Promise<unknown>)()).resolves.toBe('answer');
    expect(bridge.invoke.mock.calls).toEqual([[channel]]);
  });

  it('saveSettings passes the settings object only', async () => {
    bridge.invoke.mockClear();
    const settings = { port: 7500 } as never;
    await api.saveSettings(settings);
    expect(bridge.invoke.mock.calls).toEqual([[IpcChannel.settingsSave, settings]]);
  });

  it('onHubStatus hands the listener the status, never the IPC event, and can stop', () => {
    const seen: unknown[][] = [];
    const stop = api.onHubStatus((...args) => seen.push(args));
    const [relay] = bridge.listeners.get(IpcChannel.hubStatusChanged)!;
    const ipcEvent = { sender: { send: () => undefined } };
    relay!(ipcEvent, { state: 'starting', attempt: 0 });
    expect(seen).toEqual([[{ state: 'starting', attempt: 0 }]]);
    stop();
    expect(bridge.listeners.get(IpcChannel.hubStatusChanged)!.size).toBe(0);
  });
});
