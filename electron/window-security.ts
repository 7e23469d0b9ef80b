/**
 * Hardening for every window and web contents: locked-down web preferences, no navigation, no new
 * windows, no webviews, no permissions. Links the console wants opened go to the system browser,
 * and only when they really are http(s) URLs. Takes Electron objects as narrow interfaces so the
 * rules are tested with fakes.
 */
import type { WebPreferences } from 'electron';

/** The web preferences of every window of the app. */
export function secureWebPreferences(preload: string): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
  };
}

/** The URL to hand to the system browser, or null when it is anything but plain http(s). */
export function externalHttpUrl(candidate: string): string | null {
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  // Credentials in a link are a classic way to disguise where it goes.
  if (url.username || url.password) return null;
  return url.href;
}

interface PreventableEvent {
  preventDefault(): void;
}
interface FrameNavigationEvent extends PreventableEvent {
  url: string;
  isMainFrame: boolean;
}

/** The parts of `WebContents` the guards attach to. */
export interface GuardableContents {
  on(event: 'will-navigate', listener: (event: PreventableEvent) => void): unknown;
  on(event: 'will-frame-navigate', listener: (event: FrameNavigationEvent) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: PreventableEvent) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

export type OpenExternal = (url: string) => unknown;

/**
 * Deny every navigation the page starts and every window it opens. A link to an http(s) page opens
 * in the system browser instead, where the user's own browser rules apply.
 */
export function guardWebContents(contents: GuardableContents, openExternal: OpenExternal): void {
  const openOutside = (url: string): void => {
    const safe = externalHttpUrl(url);
    if (safe) void Promise.resolve(openExternal(safe)).catch(() => undefined);
  };
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-frame-navigate', (event) => {
    event.preventDefault();
    if (event.isMainFrame) openOutside(event.url);
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    openOutside(url);
    return { action: 'deny' };
  });
}

/** The parts of `Session` that decide permissions. */
export interface PermissionSession {
  setPermissionRequestHandler(
    handler: (webContents: unknown, permission: string, callback: (granted: boolean) => void) => void,
  ): void;
  setPermissionCheckHandler(handler: () => boolean): void;
  setDevicePermissionHandler(handler: () => boolean): void;
}

/** The console needs no camera, notifications, clipboard reads or devices: refuse them all. */
export function denyAllPermissions(session: PermissionSession): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}
