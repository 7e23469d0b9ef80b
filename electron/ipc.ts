/**
 * Main's IPC handlers. Each one first checks who is asking: only the console's own top frame,
 * loaded from the app origin, gets an answer. A frame from anywhere else (an injected iframe, a
 * page that got navigated despite the guards) is refused and logged. Arguments are never trusted:
 * settings are schema-checked by the service before anything is saved.
 */
import { isAppUrl } from './app-origin.js';
import type { HubConnection, SaveSettingsResult, ShareInfo } from './desktop-api.js';
import type { HubStatus } from './hub-supervisor.js';
import { IpcChannel, type InvokeChannel } from './ipc-channels.js';
import type { LanInterface } from './lan.js';
import type { DesktopSettings } from './settings.js';

/** The parts of Electron's `WebFrameMain` the check reads. */
export interface SenderFrame {
  url: string;
  parent: unknown;
}

export interface InvokeEvent {
  senderFrame: SenderFrame | null;
}

export interface IpcRegistrar {
  handle(channel: string, listener: (event: InvokeEvent, ...args: unknown[]) => unknown): void;
}

/** What main does for the console; main.ts supplies the real ones, tests supply fakes. */
export interface DesktopServices {
  hubConnection(): Promise<HubConnection>;
  hubStatus(): HubStatus;
  getSettings(): DesktopSettings;
  saveSettings(input: unknown): Promise<SaveSettingsResult>;
  networkInterfaces(): LanInterface[];
  shareInfo(): Promise<ShareInfo>;
  copyJoinLink(): Promise<string>;
  quit(): void;
}

export class ForeignSenderError extends Error {
  readonly code = 'foreign_sender';
  constructor(channel: string) {
    super(`refused ${channel}: the request did not come from the console`);
    this.name = 'ForeignSenderError';
  }
}

/** Only the console's top frame, at the app origin, may use desktop capabilities. */
export function isConsoleFrame(frame: SenderFrame | null | undefined): boolean {
  // A frame that navigated away or was destroyed has no sender; refuse rather than guess.
  if (!frame) return false;
  return frame.parent === null && isAppUrl(frame.url);
}

type Handler = (args: unknown[]) => unknown;

export function registerIpcHandlers(
  ipc: IpcRegistrar,
  services: DesktopServices,
  log: (message: string) => void = () => undefined,
): void {
  const handlers: Record<InvokeChannel, Handler> = {
    [IpcChannel.hubConnection]: () => services.hubConnection(),
    [IpcChannel.hubStatus]: () => services.hubStatus(),
    [IpcChannel.settingsGet]: () => services.getSettings(),
    [IpcChannel.settingsSave]: (args) => services.saveSettings(args[0]),
    [IpcChannel.networkInterfaces]: () => services.networkInterfaces(),
    [IpcChannel.shareInfo]: () => services.shareInfo(),
    [IpcChannel.copyJoinLink]: () => services.copyJoinLink(),
    [IpcChannel.quit]: () => services.quit(),
  };
  for (const [channel, handler] of Object.entries(handlers)) {
    ipc.handle(channel, (event, ...args) => {
      if (!isConsoleFrame(event.senderFrame)) {
        log(`${channel}: refused a request from ${event.senderFrame?.url ?? 'a frame that is gone'}`);
        throw new ForeignSenderError(channel);
      }
      return handler(args);
    });
  }
}
