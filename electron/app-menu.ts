/** The native application menu: the platform's usual roles plus the hub's own commands. */
import type { MenuItemConstructorOptions } from 'electron';

export interface AppMenuOptions {
  platform: NodeJS.Platform;
  appName: string;
  /** Developer tools only in a development run, not in the installed app. */
  isPackaged: boolean;
  copyJoinLink(): void;
}

export function appMenuTemplate(o: AppMenuOptions): MenuItemConstructorOptions[] {
  const mac = o.platform === 'darwin';
  const copyJoinLink: MenuItemConstructorOptions = {
    label: 'Copy Join Link',
    accelerator: 'CmdOrCtrl+Shift+L',
    click: () => o.copyJoinLink(),
  };
  const view: MenuItemConstructorOptions[] = [
    { role: 'reload' },
    ...(o.isPackaged ? [] : [{ role: 'toggleDevTools' } as const]),
    { type: 'separator' },
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { type: 'separator' },
    { role: 'togglefullscreen' },
  ];
  return [
    ...(mac
      ? [
          {
            label: o.appName,
            submenu: [
              { role: 'about' },
              { type: 'separator' },
              { role: 'services' },
              { type: 'separator' },
              { role: 'hide' },
              { role: 'hideOthers' },
              { role: 'unhide' },
              { type: 'separator' },
              { role: 'quit' },
            ],
          } satisfies MenuItemConstructorOptions,
        ]
      : []),
    {
      label: 'File',
      submenu: mac
        ? [copyJoinLink, { type: 'separator' }, { role: 'close' }]
        : [copyJoinLink, { type: 'separator' }, { role: 'quit' }],
    },
    { role: 'editMenu' },
    { label: 'View', submenu: view },
    { role: 'windowMenu' },
  ];
}
