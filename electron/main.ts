/**
 * Electron main: wires the plain modules of this folder to Electron. Single instance; the hub in a
 * utility process, restarted with backoff when it dies and drained on quit; the console window
 * loaded from the app origin with the hardening of window-security.ts; tray and menu.
 */
import { networkInterfaces } from 'node:os';
import { dirname, join } from 'node:path';
import {
  BrowserWindow,
  Menu,
  Tray,
  app,
  clipboard,
  ipcMain,
  nativeImage,
  powerMonitor,
  protocol,
  session,
  shell,
  utilityProcess,
  type UtilityProcess,
} from 'electron';
import QRCode from 'qrcode';
import { APP_ENTRY_URL, APP_SCHEME } from './app-origin.js';
import { appMenuTemplate } from './app-menu.js';
import { serveAppRequest } from './app-protocol.js';
import { contentSecurityPolicy } from './content-security.js';
import { createDesktopServices } from './desktop-services.js';
import { drainHubBeforeQuit } from './drain-on-quit.js';
import type { HubEndpoint, MainToHub } from './hub-channel.js';
import { HubSupervisor, type HubChild, type HubStatus } from './hub-supervisor.js';
import { registerIpcHandlers } from './ipc.js';
import { IpcChannel } from './ipc-channels.js';
import { lanInterfaces } from './lan.js';
import { consoleLoadFor, keepHostingOnClose, mainWindowOptions } from './main-window.js';
import { relayPowerEvents } from './power-watch.js';
import { loadSettings } from './settings.js';
import { claimSingleInstance, revealWindow } from './single-instance.js';
import { verifyHubCertificate } from './tls-trust.js';
import { TrayController } from './tray.js';
import { denyAllPermissions, guardWebContents } from './window-security.js';

const log = (message: string): void => console.log(`[insight-hub] ${message}`);

let mainWindow: BrowserWindow | undefined;
const showMainWindow = (): void => {
  if (mainWindow && !mainWindow.isDestroyed()) revealWindow(mainWindow);
};

/** Where the build puts each program, relative to the app root (a folder or app.asar). */
function appFiles(root: string) {
  return {
    preload: join(root, 'electron-dist', 'preload.cjs'),
    hubEntry: join(root, 'dist', 'hub', 'hub-process.cjs'),
    rendererRoot: join(root, 'renderer-dist'),
    trayIcon: join(root, 'electron-dist', 'tray-icon.png'),
    windowIcon: join(root, 'electron-dist', 'icon.png'),
  };
}

function utilityHubChild(proc: UtilityProcess): HubChild {
  return {
    postMessage: (message: MainToHub) => proc.postMessage(message),
    kill: () => proc.kill(),
    on: (event: 'message' | 'exit', listener: (value: never) => void) => {
      if (event === 'message') proc.on('message', listener as (message: unknown) => void);
      else proc.on('exit', listener as (code: number) => void);
    },
  };
}

async function boot(): Promise<void> {
  const userDataDir = app.getPath('userData');
  // Packaged, the app is the archive; in development it is electron-dist/ (`electron electron-dist`,
  // so the package's own `main` can be the library) and the files are beside that folder.
  const files = appFiles(app.isPackaged ? app.getAppPath() : dirname(app.getAppPath()));
  const loaded = await loadSettings(userDataDir);
  if (loaded.keptAside)
    log(`settings were unusable (${loaded.keptAside.reason}); kept as ${loaded.keptAside.path}, using defaults`);
  const settings = { current: loaded.settings };

  let window: BrowserWindow | undefined;
  let tray: TrayController<Menu> | undefined;
  let loadedFor: string | null | undefined;
  let endpoint: HubEndpoint | undefined;

  const ses = session.defaultSession;
  denyAllPermissions(ses);
  ses.setCertificateVerifyProc((request, callback) => callback(verifyHubCertificate(request, endpoint)));
  protocol.handle(APP_SCHEME, (request) =>
    serveAppRequest(files.rendererRoot, request, () => contentSecurityPolicy(endpoint)),
  );

  const onHubStatus = (status: HubStatus): void => {
    if (status.state === 'running') endpoint = status.endpoint;
    tray?.update(status, window?.isVisible() ?? false);
    if (!window || window.isDestroyed()) return;
    window.webContents.send(IpcChannel.hubStatusChanged, status);
    const target = consoleLoadFor(loadedFor, status);
    if (target !== undefined) {
      loadedFor = target;
      // A failed load shows as did-fail-load (handled with the window); the promise adds nothing.
      window.loadURL(APP_ENTRY_URL).catch(() => undefined);
    }
  };

  const supervisor = new HubSupervisor({
    fork: () =>
      utilityHubChild(
        utilityProcess.fork(files.hubEntry, ['--user-data', userDataDir, '--web-root', files.rendererRoot], {
          serviceName: 'Insight Hub',
          stdio: 'inherit',
        }),
      ),
    onStatus: onHubStatus,
  });
  const quit = drainHubBeforeQuit(app, () => supervisor.stop(), log);
  relayPowerEvents(powerMonitor, supervisor, log);

  const services = createDesktopServices({
    userDataDir,
    hub: supervisor,
    settings,
    networkInterfaces: () => lanInterfaces(networkInterfaces()),
    writeClipboard: (text) => clipboard.writeText(text),
    qrCode: (text) => QRCode.toDataURL(text, { margin: 1, width: 256 }),
    quit: () => app.quit(),
  });
  registerIpcHandlers(ipcMain, services, log);
  const copyJoinLink = (): void => {
    services.copyJoinLink().catch((err: Error) => log(`copy join link: ${err.message}`));
  };

  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      appMenuTemplate({ platform: process.platform, appName: app.name, isPackaged: app.isPackaged, copyJoinLink }),
    ),
  );

  window = new BrowserWindow(mainWindowOptions(files.preload, files.windowIcon));
  mainWindow = window;
  keepHostingOnClose(window, () => quit.quitting);
  window.once('ready-to-show', () => window?.show());
  const toggleWindow = (): void => {
    if (!window || window.isDestroyed()) return;
    if (window.isVisible()) window.hide();
    else revealWindow(window);
    tray?.update(supervisor.status, window.isVisible());
  };
  window.on('show', () => tray?.update(supervisor.status, true));
  window.on('hide', () => tray?.update(supervisor.status, false));

  try {
    tray = new TrayController(new Tray(nativeImage.createFromPath(files.trayIcon)), (t) => Menu.buildFromTemplate(t), {
      toggleWindow,
      copyJoinLink,
      quit: () => app.quit(),
    });
  } catch (err) {
    // Some Linux desktops have no tray; the window and menu still offer everything.
    log(`no tray: ${(err as Error).message}`);
  }

  app.on('activate', showMainWindow);
  // The hub keeps serving with every window closed; Quit (menu or tray) ends it.
  app.on('window-all-closed', () => undefined);

  supervisor.start();
  onHubStatus(supervisor.status);
}

// Tests and portable installs pick the user-data folder; the single-instance lock is per folder,
// so this must come before the lock is taken.
if (process.env.INSIGHT_HUB_USER_DATA) app.setPath('userData', process.env.INSIGHT_HUB_USER_DATA);

// Before `ready`: the console's scheme behaves like https (origin, fetch, secure context).
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
]);
app.enableSandbox();
app.on('web-contents-created', (_event, contents) => guardWebContents(contents, (url) => shell.openExternal(url)));

// A second launch hands over to the running instance, which shows its window.
if (claimSingleInstance(app, showMainWindow)) {
  app.whenReady().then(boot, (err: unknown) => {
    log(`could not start: ${(err as Error).message}`);
    app.exit(1);
  });
}
