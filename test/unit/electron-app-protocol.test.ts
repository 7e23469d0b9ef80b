/**
 * The desktop app protocol serves only the renderer folder's files (routes get index.html), each
 * answer with the CSP, and that CSP allows no inline code, frames or foreign scripts and only its
 * own hub.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppUrl } from '../../electron/app-origin.js';
import { resolveAppAsset, serveAppRequest } from '../../electron/app-protocol.js';
import { contentSecurityPolicy } from '../../electron/content-security.js';

let root: string;
let outside: string;
beforeAll(async () => {
  const base = await mkdtemp(join(tmpdir(), 'insight-app-'));
  root = join(base, 'renderer-dist');
  outside = join(base, 'secret.txt');
  await mkdir(join(root, 'assets'), { recursive: true });
  await writeFile(join(root, 'index.html'), '<!doctype html><title>console</title>');
  await writeFile(join(root, 'assets', 'app.js'), 'console.log(1)');
  await writeFile(outside, 'do not serve');
});
afterAll(async () => {
  await rm(join(root, '..'), { recursive: true, force: true });
});

describe('app protocol', () => {
  it('maps console URLs to files in the renderer folder; routes get index.html', () => {
    expect(resolveAppAsset(root, 'app://console/')).toBe(join(root, 'index.html'));
    expect(resolveAppAsset(root, 'app://console/assets/app.js')).toBe(join(root, 'assets', 'app.js'));
    expect(resolveAppAsset(root, 'app://console/rooms/dashboard:42')).toBe(join(root, 'index.html'));
    expect(resolveAppAsset(root, 'app://console/assets/app.js?v=2#x')).toBe(join(root, 'assets', 'app.js'));
  });

  it.each([
    'app://console/../secret.txt',
    'app://console/%2e%2e/secret.txt',
    'app://console/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
    'app://console/..%5csecret.txt',
    'app://console/assets/app.js%00.png',
    'app://console/%E0%A4%A',
    'app://other/index.html',
    'https://console/index.html',
    'file:///etc/passwd',
    'not a url',
  ])('never leaves the folder or serves another origin: %s', (url) => {
    // The URL parser already folds `..` away; what is left must still land inside the folder.
    const file = resolveAppAsset(root, url);
    if (file !== null) expect(file.startsWith(root + sep)).toBe(true);
    expect(file).not.toBe(outside);
  });

  it('serves files with their type and the CSP on every answer', async () => {
    const policy = () => "default-src 'none'";
    const ok = await serveAppRequest(root, { url: 'app://console/assets/app.js', method: 'GET' }, policy);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(ok.headers.get('content-security-policy')).toBe("default-src 'none'");
    expect(ok.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await ok.text()).toBe('console.log(1)');

    const missing = await serveAppRequest(root, { url: 'app://console/assets/none.js', method: 'GET' }, policy);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-security-policy')).toBe("default-src 'none'");
    const escape = await serveAppRequest(root, { url: 'app://console/%2e%2e/secret.txt', method: 'GET' }, policy);
    expect(escape.status).toBe(404);
    expect(await escape.text()).not.toContain('do not serve');
    expect((await serveAppRequest(root, { url: 'app://console/', method: 'POST' }, policy)).status).toBe(405);
  });

  it('recognises the console origin by parsing', () => {
    expect(isAppUrl('app://console/index.html')).toBe(true);
    expect(isAppUrl('app://console.evil/index.html')).toBe(false);
    expect(isAppUrl('app://consolex/')).toBe(false);
    expect(isAppUrl('http://console/')).toBe(false);
  });
});

describe('content security policy', () => {
  const directives = (csp: string) => new Map(csp.split('; ').map((d) => [d.split(' ')[0]!, d.split(' ').slice(1)]));

  it('allows no inline code, frames, plugins or foreign scripts', () => {
    const d = directives(contentSecurityPolicy(undefined));
    expect(d.get('default-src')).toEqual(["'none'"]);
    expect(d.get('script-src')).toEqual(["'self'"]);
    expect(d.get('style-src')).toEqual(["'self'"]);
    expect(d.get('object-src')).toEqual(["'none'"]);
    expect(d.get('frame-ancestors')).toEqual(["'none'"]);
    expect(d.get('base-uri')).toEqual(["'none'"]);
    expect(d.get('connect-src')).toEqual(["'self'"]);
    expect(contentSecurityPolicy(undefined)).not.toMatch(/unsafe-|\*/);
  });

  it('lets the console reach exactly its hub', () => {
    const d = directives(
      contentSecurityPolicy({ url: 'https://192.168.1.20:7420', wsUrl: 'wss://192.168.1.20:7420/ws' }),
    );
    expect(d.get('connect-src')).toEqual(["'self'", 'https://192.168.1.20:7420', 'wss://192.168.1.20:7420']);
  });
});
