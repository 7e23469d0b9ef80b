/**
 * The console's preload, bundled to one CommonJS file for the sandbox. It exposes one named
 * function per capability and never `ipcRenderer` itself, so the page cannot send arbitrary IPC;
 * listeners get the payload, never the IPC event (whose `sender` would leak `ipcRenderer`).
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { DESKTOP_API_KEY, type DesktopApi, type DesktopSettings } from './desktop-api.js';
import type { HubStatus } from './hub-supervisor.js';
import { IpcChannel } from './ipc-channels.js';

const api: DesktopApi = {
  getHubConnection: () => ipcRenderer.invoke(IpcChannel.hubConnection),
  getHubStatus: () => ipcRenderer.invoke(IpcChannel.hubStatus),
  onHubStatus: (listener) => {
    const relay = (_event: IpcRendererEvent, status: HubStatus): void => listener(status);
    ipcRenderer.on(IpcChannel.hubStatusChanged, relay);
    return () => {
      ipcRenderer.removeListener(IpcChannel.hubStatusChanged, relay);
    };
  },
  getSettings: () => ipcRenderer.invoke(IpcChannel.settingsGet),
  saveSettings: (settings: DesktopSettings) => ipcRenderer.invoke(IpcChannel.settingsSave, settings),
  listNetworkInterfaces: () => ipcRenderer.invoke(IpcChannel.networkInterfaces),
  getShareInfo: () => ipcRenderer.invoke(IpcChannel.shareInfo),
  copyJoinLink: () => ipcRenderer.invoke(IpcChannel.copyJoinLink),
  quit: () => ipcRenderer.invoke(IpcChannel.quit),
};

contextBridge.exposeInMainWorld(DESKTOP_API_KEY, api);
