/** The console window: its options, and closing it hides it while the hub keeps serving. */
import type { BrowserWindowConstructorOptions } from 'electron';
import type { HubStatus } from './hub-supervisor.js';
import { secureWebPreferences } from './window-security.js';

export function mainWindowOptions(preload: string, icon?: string): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 820,
    minWidth: 800,
    minHeight: 560,
    title: 'Insight Hub',
    // Shown once the first paint is ready, so there is no white flash.
    show: false,
    backgroundColor: '#101318',
    ...(icon ? { icon } : {}),
    webPreferences: secureWebPreferences(preload),
  };
}

export interface ClosableWindow {
  on(event: 'close', listener: (event: { preventDefault(): void }) => void): unknown;
  hide(): void;
}

/** Colleagues stay connected when the window closes; only Quit stops the hub. */
export function keepHostingOnClose(window: ClosableWindow, isQuitting: () => boolean): void {
  window.on('close', (event) => {
    if (isQuitting()) return;
    event.preventDefault();
    window.hide();
  });
}

/**
 * Which hub the console page must be (re)loaded for. The CSP sent with the page names the hub's
 * origin, so a page loaded before the hub was up, or for another port or address, is reloaded
 * once the hub runs. Returns the hub URL to load for, null to load without a hub, or undefined
 * to leave the page as it is.
 */
export function consoleLoadFor(loadedFor: string | null | undefined, status: HubStatus): string | null | undefined {
  if (status.state === 'running') return status.endpoint.url === loadedFor ? undefined : status.endpoint.url;
  // Never loaded yet and the hub will not be up soon: show the console so it can say why.
  if (loadedFor === undefined && status.state === 'restarting') return null;
  return undefined;
}
