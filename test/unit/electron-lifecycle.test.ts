/**
 * One desktop instance at a time (a second launch shows the first window and quits), a quit drains
 * the hub first and still quits if it fails, and closing the window only hides it while the hub
 * serves.
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { drainHubBeforeQuit } from '../../electron/drain-on-quit.js';
import { consoleLoadFor, keepHostingOnClose } from '../../electron/main-window.js';
import { claimSingleInstance, revealWindow } from '../../electron/single-instance.js';
import type { HubEndpoint } from '../../electron/hub-channel.js';

class FakeApp extends EventEmitter {
  quit = vi.fn(() => {
    const event = {
      defaultPrevented: false,
      preventDefault() {
        this.defaultPrevented = true;
      },
    };
    this.emit('before-quit', event);
    if (!event.defaultPrevented) this.quitted += 1;
  });
  quitted = 0;
  constructor(readonly lock: boolean) {
    super();
  }
  requestSingleInstanceLock = vi.fn(() => this.lock);
}

const fakeWindow = (minimized: boolean) => ({
  isMinimized: () => minimized,
  restore: vi.fn(),
  show: vi.fn(),
  focus: vi.fn(),
});

describe('single instance', () => {
  it('the first instance keeps the lock and answers a second launch by showing its window', () => {
    const app = new FakeApp(true);
    const win = fakeWindow(true);
    expect(claimSingleInstance(app, () => revealWindow(win))).toBe(true);
    expect(app.quit).not.toHaveBeenCalled();
    app.emit('second-instance');
    expect(win.restore).toHaveBeenCalled();
    expect(win.show).toHaveBeenCalled();
    expect(win.focus).toHaveBeenCalled();
  });

  it('a second instance quits at once and starts nothing', () => {
    const app = new FakeApp(false);
    const onSecond = vi.fn();
    expect(claimSingleInstance(app, onSecond)).toBe(false);
    expect(app.quit).toHaveBeenCalledTimes(1);
    expect(app.listenerCount('second-instance')).toBe(0);
  });

  it('a visible window is just brought forward', () => {
    const win = fakeWindow(false);
    revealWindow(win);
    expect(win.restore).not.toHaveBeenCalled();
    expect(win.focus).toHaveBeenCalled();
  });
});

describe('quit drains the hub first', () => {
  it('holds the first quit until the hub has stopped, then quits once', async () => {
    const app = new FakeApp(true);
    let finishDrain!: () => void;
    const stopHub = vi.fn(() => new Promise<void>((resolve) => (finishDrain = resolve)));
    const state = drainHubBeforeQuit(app, stopHub);
    expect(state.quitting).toBe(false);
    app.quit();
    app.quit();
    expect(state.quitting).toBe(true);
    expect(stopHub).toHaveBeenCalledTimes(1);
    expect(app.quitted).toBe(0);
    finishDrain();
    await vi.waitFor(() => expect(app.quitted).toBe(1));
  });

  it('still quits when the hub fails to stop cleanly', async () => {
    const app = new FakeApp(true);
    const log = vi.fn();
    drainHubBeforeQuit(app, () => Promise.reject(new Error('hung')), log);
    app.quit();
    await vi.waitFor(() => expect(app.quitted).toBe(1));
    expect(log).toHaveBeenCalledWith(expect.stringContaining('hung'));
  });
});

describe('console window', () => {
  it('closing hides the window while the hub keeps serving; during quit it closes', () => {
    const win = Object.assign(new EventEmitter(), { hide: vi.fn() });
    let quitting = false;
    keepHostingOnClose(win, () => quitting);
    const close = () => {
      const e = {
        prevented: false,
        preventDefault() {
          this.prevented = true;
        },
      };
      win.emit('close', e);
      return e.prevented;
    };
    expect(close()).toBe(true);
    expect(win.hide).toHaveBeenCalledTimes(1);
    quitting = true;
    expect(close()).toBe(false);
  });

  it('is loaded for the running hub, reloaded when the hub moves, and shown anyway when it cannot start', () => {
    const endpoint = (url: string): HubEndpoint => ({
      url,
      wsUrl: `${url.replace('http', 'ws')}/ws`,
      host: '127.0.0.1',
      port: 1,
      tls: false,
      fingerprint: null,
      joinUrl: `${url}/`,
    });
    const running = (url: string) => ({ state: 'running' as const, endpoint: endpoint(url), connections: 0 });
    expect(consoleLoadFor(undefined, { state: 'starting', attempt: 0 })).toBeUndefined();
    expect(consoleLoadFor(undefined, running('http://127.0.0.1:7420'))).toBe('http://127.0.0.1:7420');
    expect(consoleLoadFor('http://127.0.0.1:7420', running('http://127.0.0.1:7420'))).toBeUndefined();
    expect(consoleLoadFor('http://127.0.0.1:7420', running('https://192.168.1.20:7420'))).toBe(
      'https://192.168.1.20:7420',
    );
    expect(
      consoleLoadFor(undefined, {
        state: 'restarting',
        reason: 'port taken',
        exitCode: 78,
        restartInMs: 500,
        attempt: 1,
      }),
    ).toBeNull();
    expect(
      consoleLoadFor('http://127.0.0.1:7420', {
        state: 'restarting',
        reason: 'crash',
        exitCode: 1,
        restartInMs: 500,
        attempt: 1,
      }),
    ).toBeUndefined();
    expect(consoleLoadFor(null, running('http://127.0.0.1:7420'))).toBe('http://127.0.0.1:7420');
  });
});
