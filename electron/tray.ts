/**
 * The tray icon: how many people are connected, Show/Hide, Copy join link, Quit. The hub keeps
 * serving while the window is hidden, so the tray is how the analyst sees it is still on.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { HubStatus } from './hub-supervisor.js';

export interface TrayActions {
  toggleWindow(): void;
  copyJoinLink(): void;
  quit(): void;
}

const plural = (n: number, one: string): string => `${n} ${one}${n === 1 ? '' : 's'}`;

/** One line for the tooltip and the menu's first item. */
export function hubSummary(status: HubStatus): string {
  switch (status.state) {
    case 'running':
      return `Hub running · ${plural(status.connections, 'connection')}`;
    case 'starting':
      return 'Hub starting…';
    case 'restarting':
      return `Hub restarting in ${Math.ceil(status.restartInMs / 1000)} s: ${status.reason}`;
    case 'stopping':
      return 'Hub stopping…';
    case 'stopped':
      return 'Hub stopped';
  }
}

export function trayMenuTemplate(
  status: HubStatus,
  windowVisible: boolean,
  actions: TrayActions,
): MenuItemConstructorOptions[] {
  return [
    { label: hubSummary(status), enabled: false },
    { type: 'separator' },
    { label: windowVisible ? 'Hide' : 'Show', click: () => actions.toggleWindow() },
    { label: 'Copy join link', enabled: status.state === 'running', click: () => actions.copyJoinLink() },
    { type: 'separator' },
    { label: 'Quit Insight Hub', click: () => actions.quit() },
  ];
}

/** The parts of Electron's `Tray` used here. */
export interface TrayIcon {
  setToolTip(text: string): void;
  setContextMenu(menu: never): void;
  on(event: 'click', listener: () => void): unknown;
}

export class TrayController<M> {
  readonly #tray: TrayIcon;
  readonly #buildMenu: (template: MenuItemConstructorOptions[]) => M;
  readonly #actions: TrayActions;
  #last = '';

  constructor(tray: TrayIcon, buildMenu: (template: MenuItemConstructorOptions[]) => M, actions: TrayActions) {
    this.#tray = tray;
    this.#buildMenu = buildMenu;
    this.#actions = actions;
    tray.on('click', () => actions.toggleWindow());
  }

  /** Rebuild the menu when what it shows changed (stats arrive every few seconds). */
  update(status: HubStatus, windowVisible: boolean): void {
    const summary = hubSummary(status);
    const key = `${summary}|${status.state}|${windowVisible}`;
    if (key === this.#last) return;
    this.#last = key;
    this.#tray.setToolTip(`Insight Hub — ${summary}`);
    this.#tray.setContextMenu(this.#buildMenu(trayMenuTemplate(status, windowVisible, this.#actions)) as never);
  }
}
