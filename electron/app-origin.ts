/**
 * The console's own origin inside the desktop app. The window loads the renderer from this
 * privileged scheme instead of `file://`, so it has a real origin: the hub can allow it for
 * WebSocket upgrades, and IPC handlers can tell the console apart from anything else.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'console';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** Whether `url` is a page of the console (parsed, never prefix-matched). */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST && !parsed.username && !parsed.password;
  } catch {
    return false;
  }
}
