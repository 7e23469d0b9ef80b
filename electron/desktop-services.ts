/**
 * What the console can ask main for, built from the supervisor, the settings and the OS bits main
 * hands in. No Electron import: tests build it with fakes and call it like the IPC handlers do.
 */
import type { HubConnection, SaveSettingsResult, ShareInfo } from './desktop-api.js';
import type { AdminToken, HubStatus } from './hub-supervisor.js';
import { HubUnavailableError } from './hub-supervisor.js';
import type { DesktopServices } from './ipc.js';
import type { LanInterface } from './lan.js';
import { checkSettings, hubSettingsChanged, saveSettings, type DesktopSettings } from './settings.js';

export interface ServiceDeps {
  userDataDir: string;
  hub: {
    readonly status: HubStatus;
    mintAdminToken(): Promise<AdminToken>;
    restart(): Promise<void>;
  };
  /** The settings in effect; updated by a successful save. */
  settings: { current: DesktopSettings };
  networkInterfaces(): LanInterface[];
  writeClipboard(text: string): void;
  qrCode(text: string): Promise<string>;
  quit(): void;
}

function runningEndpoint(status: HubStatus) {
  if (status.state !== 'running') throw new HubUnavailableError(`the hub is ${status.state}`);
  return status.endpoint;
}

export function createDesktopServices(deps: ServiceDeps): DesktopServices {
  return {
    async hubConnection(): Promise<HubConnection> {
      const endpoint = runningEndpoint(deps.hub.status);
      const { token, expiresAt } = await deps.hub.mintAdminToken();
      return { url: endpoint.url, wsUrl: endpoint.wsUrl, token, expiresAt, fingerprint: endpoint.fingerprint };
    },
    hubStatus: () => deps.hub.status,
    getSettings: () => structuredClone(deps.settings.current),
    async saveSettings(input: unknown): Promise<SaveSettingsResult> {
      const check = checkSettings(input);
      if (!check.ok) return { ok: false, errors: check.errors };
      const before = deps.settings.current;
      const saved = await saveSettings(deps.userDataDir, check.settings);
      deps.settings.current = saved;
      const hubRestarted = hubSettingsChanged(before, saved);
      // The hub process reads the saved file when it starts, so a restart applies the change.
      if (hubRestarted) await deps.hub.restart();
      return { ok: true, settings: structuredClone(saved), hubRestarted };
    },
    networkInterfaces: () => deps.networkInterfaces(),
    async shareInfo(): Promise<ShareInfo> {
      const endpoint = runningEndpoint(deps.hub.status);
      return {
        sharing: deps.settings.current.sharing,
        joinUrl: endpoint.joinUrl,
        fingerprint: endpoint.fingerprint,
        qrCode: await deps.qrCode(endpoint.joinUrl),
        ...(endpoint.warning ? { warning: endpoint.warning } : {}),
      };
    },
    async copyJoinLink(): Promise<string> {
      const { joinUrl } = runningEndpoint(deps.hub.status);
      deps.writeClipboard(joinUrl);
      return joinUrl;
    },
    quit: () => deps.quit(),
  };
}
