/**
 * The console window is isolated and sandboxed without Node: every navigation and new window is
 * denied (http(s) links open in the system browser), no webview, no permission is ever granted.
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { mainWindowOptions } from '../../electron/main-window.js';
import {
  denyAllPermissions,
  externalHttpUrl,
  guardWebContents,
  secureWebPreferences,
} from '../../electron/window-security.js';

/** A web contents stand-in: emits navigation events and records the window-open handler. */
class FakeContents extends EventEmitter {
  openHandler?: (details: { url: string }) => { action: 'deny' };
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void {
    this.openHandler = handler;
  }
  navigate(event: string, extra: Record<string, unknown> = {}): { prevented: boolean } {
    const e = {
      prevented: false,
      preventDefault() {
        this.prevented = true;
      },
      ...extra,
    };
    this.emit(event, e);
    return e;
  }
}

function guarded() {
  const contents = new FakeContents();
  const openExternal = vi.fn(async (_url: string) => undefined);
  guardWebContents(contents, openExternal);
  return { contents, openExternal };
}

describe('window web preferences', () => {
  it('the console window is isolated, sandboxed, without Node, with web security', () => {
    const prefs = mainWindowOptions('/app/electron-dist/preload.cjs').webPreferences!;
    expect(prefs).toEqual(secureWebPreferences('/app/electron-dist/preload.cjs'));
    expect(prefs).toMatchObject({
      preload: '/app/electron-dist/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
    });
  });

  it('the window is shown only when ready', () => {
    expect(mainWindowOptions('/p').show).toBe(false);
  });
});

describe('navigation and new windows', () => {
  it('denies every navigation the page starts', () => {
    const { contents, openExternal } = guarded();
    expect(contents.navigate('will-navigate', { url: 'https://evil.example/' }).prevented).toBe(true);
    expect(contents.navigate('will-frame-navigate', { url: 'app://console/other', isMainFrame: true }).prevented).toBe(
      true,
    );
    expect(
      contents.navigate('will-frame-navigate', { url: 'https://ads.example/', isMainFrame: false }).prevented,
    ).toBe(true);
    // Only a top-level http(s) link goes to the system browser; a subframe's never does.
    expect(openExternal.mock.calls).toEqual([]);
  });

  it('opens a top-level http(s) link in the system browser instead of navigating', () => {
    const { contents, openExternal } = guarded();
    contents.navigate('will-frame-navigate', { url: 'https://docs.example.com/hub?x=1', isMainFrame: true });
    expect(openExternal).toHaveBeenCalledWith('https://docs.example.com/hub?x=1');
  });

  it('denies new windows; http(s) targets open outside, anything else nowhere', () => {
    const { contents, openExternal } = guarded();
    for (const url of [
      'https://example.com/a',
      'http://10.0.0.5:7420/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'app://console/x',
      'smb://share/x',
      'https://user:pw@example.com/',
      'not a url',
    ]) {
      expect(contents.openHandler!({ url })).toEqual({ action: 'deny' });
    }
    expect(openExternal.mock.calls.map((c) => c[0])).toEqual(['https://example.com/a', 'http://10.0.0.5:7420/']);
  });

  it('refuses to attach webviews', () => {
    const { contents } = guarded();
    expect(contents.navigate('will-attach-webview').prevented).toBe(true);
  });

  it('parses links with URL rather than matching prefixes', () => {
    expect(externalHttpUrl('HTTPS://Example.COM')).toBe('https://example.com/');
    expect(externalHttpUrl('https:evil.example')).toBe('https://evil.example/');
    expect(externalHttpUrl(' javascript:alert(1)')).toBeNull();
    expect(externalHttpUrl('httpx://example.com')).toBeNull();
    expect(externalHttpUrl('data:text/html,<script>1</script>')).toBeNull();
  });

  it('a failing system browser does not break the app', async () => {
    const contents = new FakeContents();
    guardWebContents(contents, () => Promise.reject(new Error('no browser')));
    expect(contents.openHandler!({ url: 'https://example.com' })).toEqual({ action: 'deny' });
    await new Promise((r) => setImmediate(r));
  });
});

describe('permissions', () => {
  it('denies every permission request and check', () => {
    const session = {
      request: undefined as undefined | ((c: unknown, p: string, cb: (granted: boolean) => void) => void),
      check: undefined as undefined | (() => boolean),
      device: undefined as undefined | (() => boolean),
      setPermissionRequestHandler(h: (c: unknown, p: string, cb: (granted: boolean) => void) => void) {
        this.request = h;
      },
      setPermissionCheckHandler(h: () => boolean) {
        this.check = h;
      },
      setDevicePermissionHandler(h: () => boolean) {
        this.device = h;
      },
    };
    denyAllPermissions(session);
    for (const permission of [
      'media',
      'geolocation',
      'notifications',
      'clipboard-read',
      'openExternal',
      'fullscreen',
    ]) {
      const answer = vi.fn();
      session.request!({}, permission, answer);
      expect(answer).toHaveBeenCalledWith(false);
    }
    expect(session.check!()).toBe(false);
    expect(session.device!()).toBe(false);
  });
});
