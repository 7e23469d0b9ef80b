/**
 * Electron main wired for real against a mocked `electron` module (the runtime cannot exist on
 * this machine): the utility process is a real Node child running the hub entry, so boot, the
 * console's IPC, the app protocol and drain-on-quit are exercised end to end.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { APP_ENTRY_URL } from '../../electron/app-origin.js';
import type { HubConnection } from '../../electron/desktop-api.js';
import type { HubStatus } from '../../electron/hub-supervisor.js';
import { IpcChannel, INVOKE_CHANNELS } from '../../electron/ipc-channels.js';
import { TestClient } from '../support/hub.js';
import { HUB_ENTRY_SOURCE, userDataDir, writeSettings } from '../support/electron-hub-harness.js';
import { until } from '../support/until.js';

type Listener = (...args: any[]) => unknown;

const electron = vi.hoisted(() => {
  const { EventEmitter } = require('node:events') as typeof import('node:events');
  class FakeApp extends EventEmitter {
    lock = true;
    userData = '';
    appPath = '';
    quits = 0;
    exited: number | undefined;
    readonly name = 'Insight Hub';
    readonly isPackaged = false;
    ready: () => void = () => undefined;
    readyPromise = new Promise<void>((resolve) => (this.ready = resolve));
    requestSingleInstanceLock = () => this.lock;
    enableSandbox = () => undefined;
    /** How often main asked for `ready`: the only way it starts a hub or a window. */
    readyAsked = 0;
    whenReady = () => (this.readyAsked++, this.readyPromise);
    getPath = (name: string) => (name === 'userData' ? this.userData : '/nowhere');
    getAppPath = () => this.appPath;
    setPath = (name: string, path: string) => void (name === 'userData' && (this.userData = path));
    exit = (code: number) => void (this.exited = code);
    quit = () => {
      const event = {
        defaultPrevented: false,
        preventDefault() {
          this.defaultPrevented = true;
        },
      };
      this.emit('before-quit', event);
      if (!event.defaultPrevented) this.quits += 1;
    };
  }
  return {
    app: new FakeApp(),
    windows: [] as any[],
    trays: [] as any[],
    ipcHandlers: new Map<string, Listener>(),
    protocolHandlers: new Map<string, (request: Request) => Promise<Response>>(),
    privileged: [] as unknown[],
    forks: [] as Array<{ modulePath: string; args: string[] }>,
    children: [] as ChildProcess[],
    certificateVerifier: undefined as undefined | Listener,
    permissionHandler: undefined as undefined | Listener,
    clipboard: [] as string[],
    opened: [] as string[],
    powerMonitor: new EventEmitter(),
    forkChild: undefined as undefined | ((modulePath: string, args: string[]) => unknown),
  };
});

vi.mock('electron', () => {
  const { EventEmitter } = require('node:events') as typeof import('node:events');
  class BrowserWindow extends EventEmitter {
    visible = false;
    loads: string[] = [];
    sent: Array<[string, unknown]> = [];
    webContents = { send: (channel: string, payload: unknown) => this.sent.push([channel, payload]) };
    constructor(readonly options: any) {
      super();
      electron.windows.push(this);
    }
    loadURL = async (url: string) => {
      this.loads.push(url);
      this.emit('ready-to-show');
    };
    isDestroyed = () => false;
    isVisible = () => this.visible;
    isMinimized = () => false;
    show = () => void (this.visible = true);
    hide = () => void (this.visible = false);
    focus = () => undefined;
    restore = () => undefined;
  }
  class Tray {
    tooltip = '';
    constructor() {
      electron.trays.push(this);
    }
    setToolTip(text: string) {
      this.tooltip = text;
    }
    setContextMenu() {}
    on() {}
  }
  return {
    app: electron.app,
    BrowserWindow,
    Tray,
    Menu: { buildFromTemplate: (t: unknown) => t, setApplicationMenu: () => undefined },
    nativeImage: { createFromPath: (p: string) => ({ path: p }) },
    powerMonitor: electron.powerMonitor,
    clipboard: { writeText: (text: string) => electron.clipboard.push(text) },
    shell: { openExternal: async (url: string) => void electron.opened.push(url) },
    ipcMain: { handle: (channel: string, listener: Listener) => electron.ipcHandlers.set(channel, listener) },
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown[]) => electron.privileged.push(...schemes),
      handle: (scheme: string, handler: (request: Request) => Promise<Response>) =>
        electron.protocolHandlers.set(scheme, handler),
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (h: Listener) => void (electron.permissionHandler = h),
        setPermissionCheckHandler: () => undefined,
        setDevicePermissionHandler: () => undefined,
        setCertificateVerifyProc: (h: Listener) => void (electron.certificateVerifier = h),
      },
    },
    utilityProcess: {
      fork: (modulePath: string, args: string[]) => {
        electron.forks.push({ modulePath, args });
        return electron.forkChild!(modulePath, args);
      },
    },
  };
});

/** A real Node child running the hub entry, shaped like Electron's UtilityProcess. */
function utilityProcessStandIn(_modulePath: string, args: string[]) {
  const child = fork(HUB_ENTRY_SOURCE, [...args, '--log-level', 'warn'], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  electron.children.push(child);
  return {
    postMessage: (message: unknown) => child.connected && child.send(message as object),
    kill: () => child.kill('SIGKILL'),
    on: (event: string, listener: Listener) =>
      event === 'exit' ? child.on('exit', (code) => listener(code)) : child.on('message', listener),
  };
}

const consoleEvent = { senderFrame: { url: APP_ENTRY_URL, parent: null } };
const invoke = (channel: string, ...args: unknown[]) => electron.ipcHandlers.get(channel)!(consoleEvent, ...args);

describe('Electron main, second instance', () => {
  beforeEach(() => {
    vi.resetModules();
  });

  it('quits without starting a hub or a window when another instance holds the lock', async () => {
    electron.app.lock = false;
    const asked = electron.app.readyAsked;
    await import('../../electron/main.js');
    // Nothing waits for ready (neither whenReady nor a 'ready' listener), so nothing can start
    // later: no waiting needed to see that no hub or window comes.
    expect(electron.app.readyAsked).toBe(asked);
    expect(electron.app.listenerCount('ready')).toBe(0);
    expect(electron.app.quits).toBe(1);
    expect(electron.forks).toHaveLength(0);
    expect(electron.windows).toHaveLength(0);
    // The console's scheme is still registered before ready, as Electron requires.
    expect(electron.privileged).toEqual([
      expect.objectContaining({ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) }),
    ]);
  });
});

describe('Electron main, first instance', () => {
  const appRoot = mkdtempSync(join(tmpdir(), 'insight-approot-'));
  let dataDir: string;

  afterAll(() => {
    for (const child of electron.children) if (child.exitCode === null) child.kill('SIGKILL');
  });

  it('boots the hub in a utility process and loads the hardened console once the hub is up', async () => {
    vi.resetModules();
    Object.assign(electron, { privileged: [], forks: [], windows: [] });
    electron.app.removeAllListeners();
    electron.app.lock = true;
    electron.app.quits = 0;
    electron.forkChild = utilityProcessStandIn;
    dataDir = userDataDir();
    await writeSettings(dataDir, {});
    mkdirSync(join(appRoot, 'renderer-dist'), { recursive: true });
    writeFileSync(join(appRoot, 'renderer-dist', 'index.html'), '<!doctype html><title>console</title>');
    electron.app.userData = dataDir;
    // As `npm start` runs it: `electron electron-dist`, the built files beside that folder.
    electron.app.appPath = join(appRoot, 'electron-dist');

    await import('../../electron/main.js');
    electron.app.ready();
    await until(() => electron.windows[0]?.loads.length > 0, 20_000, 'the console to load');

    expect(electron.forks[0]).toEqual({
      modulePath: join(appRoot, 'dist', 'hub', 'hub-process.cjs'),
      args: ['--user-data', dataDir, '--web-root', join(appRoot, 'renderer-dist')],
    });
    const window = electron.windows[0];
    expect(window.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      preload: join(appRoot, 'electron-dist', 'preload.cjs'),
    });
    expect(window.loads).toEqual([APP_ENTRY_URL]);
    expect(window.visible).toBe(true);
    expect([...electron.ipcHandlers.keys()].sort()).toEqual([...INVOKE_CHANNELS].sort());
    const statuses = window.sent
      .filter(([c]: [string]) => c === IpcChannel.hubStatusChanged)
      .map(([, s]: [string, HubStatus]) => s.state);
    expect(statuses).toContain('running');
    expect(electron.trays[0].tooltip).toMatch(/Hub running/);

    // Permissions are refused; every new web contents gets the navigation guards.
    const answer = vi.fn();
    electron.permissionHandler!({}, 'media', answer);
    expect(answer).toHaveBeenCalledWith(false);
    const contents = Object.assign(new EventEmitter(), { setWindowOpenHandler: vi.fn() });
    electron.app.emit('web-contents-created', {}, contents);
    expect(contents.setWindowOpenHandler).toHaveBeenCalled();
  });

  it('serves the console with a CSP that names the running hub', async () => {
    const status = (await invoke(IpcChannel.hubStatus)) as Extract<HubStatus, { state: 'running' }>;
    const response = await electron.protocolHandlers.get('app')!(new Request(APP_ENTRY_URL));
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<title>console</title>');
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toContain(`connect-src 'self' ${status.endpoint.url} ${new URL(status.endpoint.wsUrl).origin}`);
  });

  it('gives the console a working admin connection, and refuses a foreign frame', async () => {
    const connection = (await invoke(IpcChannel.hubConnection)) as HubConnection;
    const ws = new WebSocket(connection.wsUrl, ['insight.v1', `bearer.${connection.token}`], {
      origin: 'app://console',
    });
    const client = new TestClient(ws);
    await client.waitFor((m) => m.type === 'welcome');
    expect(client.welcome.user.role).toBe('admin');
    client.close();

    const foreign = { senderFrame: { url: 'https://evil.example/', parent: null } };
    expect(() => electron.ipcHandlers.get(IpcChannel.hubConnection)!(foreign)).toThrow(/did not come from the console/);
  });

  it('copies the join link and shares it with a QR code', async () => {
    const link = await invoke(IpcChannel.copyJoinLink);
    expect(electron.clipboard).toEqual([link]);
    const share = (await invoke(IpcChannel.shareInfo)) as { qrCode: string; joinUrl: string };
    expect(share.joinUrl).toBe(link);
    expect(share.qrCode.startsWith('data:image/png;base64,')).toBe(true);
  });

  it('on suspend the hub tells its clients to come back later; on resume it reports the sleep to the console', async () => {
    const connection = (await invoke(IpcChannel.hubConnection)) as HubConnection;
    const open = async (): Promise<TestClient> => {
      const c = new TestClient(
        new WebSocket(connection.wsUrl, ['insight.v1'], { headers: { authorization: `Bearer ${connection.token}` } }),
      );
      await c.waitFor((m) => m.type === 'welcome');
      return c;
    };
    const client = await open();
    electron.powerMonitor.emit('suspend');
    expect((await client.waitForClose(10_000)).code).toBe(1001);
    expect(client.received).toContainEqual(
      expect.objectContaining({ type: 'notice', event: 'shutdown', reason: 'sleep' }),
    );

    electron.powerMonitor.emit('resume');
    const console_ = await open();
    await console_.request({ type: 'subscribe', room: '$admin' });
    const stats = await console_.waitFor(
      (m) =>
        m.type === 'message' &&
        m.event === 'stats' &&
        (m.data as { sleep?: { source?: string } }).sleep?.source === 'power',
      15_000,
    );
    expect(
      (stats as unknown as { data: { sleep: { durationMs: number; wokeAt: number } } }).data.sleep.durationMs,
    ).toBeGreaterThanOrEqual(0);
    console_.close();
  });

  it('quitting drains the hub: connected clients get notice shutdown and 1001, then the app quits', async () => {
    const connection = (await invoke(IpcChannel.hubConnection)) as HubConnection;
    const client = new TestClient(
      new WebSocket(connection.wsUrl, ['insight.v1'], { headers: { authorization: `Bearer ${connection.token}` } }),
    );
    await client.waitFor((m) => m.type === 'welcome');
    const child = electron.children.at(-1)!;

    await invoke(IpcChannel.quit);
    expect((await client.waitForClose()).code).toBe(1001);
    expect(client.received.some((m) => m.type === 'notice' && m.event === 'shutdown')).toBe(true);
    await until(() => electron.app.quits === 1, 20_000, 'the app to quit after the drain');
    expect(child.exitCode).toBe(0);
  });
});
