/**
 * What the preload gives the console: `window.insightDesktop`, one named function per desktop
 * capability. The console talks to the hub itself over WebSocket; this is only for what a browser
 * tab cannot do (settings, sharing, quitting). Types only, so the preload bundle stays small.
 */
import type { HubEndpoint } from './hub-channel.js';
import type { HubStatus } from './hub-supervisor.js';
import type { LanInterface } from './lan.js';
import type { DesktopSettings, SharingMode } from './settings.js';

export const DESKTOP_API_KEY = 'insightDesktop';

/** Everything the console needs to connect as the desktop's admin. */
export interface HubConnection {
  url: string;
  wsUrl: string;
  /** Admin token minted just now by the hub; ask again for a new one before `expiresAt`. */
  token: string;
  expiresAt: number;
  fingerprint: string | null;
}

export interface ShareInfo {
  sharing: SharingMode;
  joinUrl: string;
  /** SHA-256 certificate fingerprint to read out next to the link; null without TLS. */
  fingerprint: string | null;
  /** PNG data URL of a QR code for `joinUrl`. */
  qrCode: string;
  warning?: string;
}

export type SaveSettingsResult =
  { ok: true; settings: DesktopSettings; hubRestarted: boolean } | { ok: false; errors: string[] };

export interface DesktopApi {
  getHubConnection(): Promise<HubConnection>;
  getHubStatus(): Promise<HubStatus>;
  /** Called on every hub status change; returns a function that stops the calls. */
  onHubStatus(listener: (status: HubStatus) => void): () => void;
  getSettings(): Promise<DesktopSettings>;
  saveSettings(settings: DesktopSettings): Promise<SaveSettingsResult>;
  listNetworkInterfaces(): Promise<LanInterface[]>;
  getShareInfo(): Promise<ShareInfo>;
  copyJoinLink(): Promise<string>;
  quit(): Promise<void>;
}

export type { HubEndpoint, HubStatus, LanInterface, DesktopSettings };
