/**
 * The tray and the application menu show the hub's real state and connection count, update only
 * when that changes, and offer only the actions that work now (the join link while running).
 */
import { describe, expect, it, vi } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import { appMenuTemplate } from '../../electron/app-menu.js';
import type { HubStatus } from '../../electron/hub-supervisor.js';
import { TrayController, hubSummary, trayMenuTemplate } from '../../electron/tray.js';

const running = (connections: number): HubStatus => ({
  state: 'running',
  connections,
  endpoint: {
    url: 'http://127.0.0.1:7420',
    wsUrl: 'ws://127.0.0.1:7420/ws',
    host: '127.0.0.1',
    port: 7420,
    tls: false,
    fingerprint: null,
    joinUrl: 'http://127.0.0.1:7420/',
  },
});

const actions = () => ({ toggleWindow: vi.fn(), copyJoinLink: vi.fn(), quit: vi.fn() });
const click = (item: MenuItemConstructorOptions) => (item.click as unknown as () => void)();

describe('tray', () => {
  it('shows the connection count and the hub state', () => {
    expect(hubSummary(running(1))).toBe('Hub running · 1 connection');
    expect(hubSummary(running(12))).toBe('Hub running · 12 connections');
    expect(hubSummary({ state: 'restarting', reason: 'port taken', exitCode: 78, restartInMs: 1500, attempt: 2 })).toBe(
      'Hub restarting in 2 s: port taken',
    );
    expect(hubSummary({ state: 'stopped' })).toBe('Hub stopped');
  });

  it('offers Show/Hide, Copy join link (only while running) and Quit', () => {
    const a = actions();
    const items = trayMenuTemplate(running(2), false, a);
    const labels = items.filter((i) => i.label).map((i) => i.label);
    expect(labels).toEqual(['Hub running · 2 connections', 'Show', 'Copy join link', 'Quit Insight Hub']);
    items.filter((i) => i.click).forEach(click);
    expect(a.toggleWindow).toHaveBeenCalledTimes(1);
    expect(a.copyJoinLink).toHaveBeenCalledTimes(1);
    expect(a.quit).toHaveBeenCalledTimes(1);
    expect(trayMenuTemplate(running(0), true, a).find((i) => i.label === 'Hide')).toBeDefined();
    expect(
      trayMenuTemplate({ state: 'starting', attempt: 0 }, true, a).find((i) => i.label === 'Copy join link')!.enabled,
    ).toBe(false);
  });

  it('updates tooltip and menu only when what they show changes; a click toggles the window', () => {
    const tray = {
      setToolTip: vi.fn(),
      setContextMenu: vi.fn(),
      handlers: [] as Array<() => void>,
      on(_e: 'click', l: () => void) {
        this.handlers.push(l);
      },
    };
    const a = actions();
    const built: MenuItemConstructorOptions[][] = [];
    const controller = new TrayController(tray, (t) => (built.push(t), t), a);
    controller.update(running(1), true);
    controller.update(running(1), true);
    controller.update(running(2), true);
    expect(tray.setToolTip.mock.calls.map((c) => c[0])).toEqual([
      'Insight Hub — Hub running · 1 connection',
      'Insight Hub — Hub running · 2 connections',
    ]);
    expect(built).toHaveLength(2);
    tray.handlers[0]!();
    expect(a.toggleWindow).toHaveBeenCalledTimes(1);
  });
});

describe('application menu', () => {
  const roles = (items: MenuItemConstructorOptions[]): string[] =>
    items.flatMap((i) => [...(i.role ? [i.role] : []), ...(Array.isArray(i.submenu) ? roles(i.submenu) : [])]);

  it('uses the usual roles, with the app menu on macOS', () => {
    const mac = appMenuTemplate({
      platform: 'darwin',
      appName: 'Insight Hub',
      isPackaged: true,
      copyJoinLink: vi.fn(),
    });
    expect(mac[0]!.label).toBe('Insight Hub');
    expect(roles(mac)).toEqual(
      expect.arrayContaining(['about', 'hide', 'quit', 'editMenu', 'windowMenu', 'reload', 'togglefullscreen']),
    );
    const linux = appMenuTemplate({
      platform: 'linux',
      appName: 'Insight Hub',
      isPackaged: true,
      copyJoinLink: vi.fn(),
    });
    expect(linux[0]!.label).toBe('File');
    expect(roles(linux)).toContain('quit');
    expect(roles(linux)).not.toContain('about');
  });

  it('has developer tools only outside the installed app', () => {
    expect(
      roles(appMenuTemplate({ platform: 'linux', appName: 'x', isPackaged: true, copyJoinLink: vi.fn() })),
    ).not.toContain('toggleDevTools');
    expect(
      roles(appMenuTemplate({ platform: 'linux', appName: 'x', isPackaged: false, copyJoinLink: vi.fn() })),
    ).toContain('toggleDevTools');
  });

  it('Copy Join Link calls the action', () => {
    const copyJoinLink = vi.fn();
    const file = appMenuTemplate({ platform: 'win32', appName: 'x', isPackaged: true, copyJoinLink })[0]!;
    click((file.submenu as MenuItemConstructorOptions[]).find((i) => i.label === 'Copy Join Link')!);
    expect(copyJoinLink).toHaveBeenCalledTimes(1);
  });
});
