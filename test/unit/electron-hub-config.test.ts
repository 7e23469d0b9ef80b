/**
 * Settings become the hub's plan as the user chose: loopback unless sharing, the interface address
 * when sharing, limits, origins, the secret and TLS passed through; the hub channel drops malformed
 * messages.
 */
import type { NetworkInterfaceInfo } from 'node:os';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { APP_ORIGIN } from '../../electron/app-origin.js';
import { isHubToMain, isMainToHub } from '../../electron/hub-channel.js';
import { chooseBindHost, hubPaths, planHub } from '../../electron/hub-config.js';
import type { InterfaceTable } from '../../electron/lan.js';
import { DEFAULT_SETTINGS, type DesktopSettings } from '../../electron/settings.js';

const info = (address: string, internal = false): NetworkInterfaceInfo => ({
  address,
  netmask: '255.255.255.0',
  family: 'IPv4',
  mac: '02:00:00:00:00:01',
  internal,
  cidr: `${address}/24`,
});
const table: InterfaceTable = { lo: [info('127.0.0.1', true)], 'Wi-Fi': [info('192.168.1.20')] };
const settings = (patch: Partial<DesktopSettings>): DesktopSettings => ({
  ...structuredClone(DEFAULT_SETTINGS),
  ...patch,
});

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'insight-plan-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('hub plan from settings', () => {
  it('binds loopback when not sharing, the interface address when sharing', () => {
    expect(chooseBindHost(settings({}), table)).toEqual({ host: '127.0.0.1' });
    expect(chooseBindHost(settings({ sharing: 'local', interfaceName: 'Wi-Fi' }), table)).toEqual({
      host: '127.0.0.1',
    });
    expect(chooseBindHost(settings({ sharing: 'lan', interfaceName: 'Wi-Fi' }), table)).toEqual({
      host: '192.168.1.20',
    });
    const gone = chooseBindHost(settings({ sharing: 'lan', interfaceName: 'eth7' }), table);
    expect(gone.host).toBe('127.0.0.1');
    expect(gone.warning).toMatch(/eth7/);
  });

  it('passes port, limits, history, origins and the generated secret to the hub', async () => {
    const plan = await planHub({
      settings: settings({
        port: 7500,
        allowedOrigins: ['https://dash.example.com'],
        history: { maxMessages: 50, maxAgeMinutes: 2 },
      }),
      userDataDir: dir,
      webRoot: '/app/renderer-dist',
      interfaces: table,
    });
    const secret = (await readFile(hubPaths(dir).secretFile, 'utf8')).trim();
    expect(plan).toMatchObject({ host: '127.0.0.1', tls: false, fingerprint: null });
    expect(plan.options).toMatchObject({
      port: 7500,
      host: '127.0.0.1',
      dataDir: hubPaths(dir).dataDir,
      webRoot: '/app/renderer-dist',
      auth: { secret },
      history: { maxMessages: 50, maxAgeMs: 120_000 },
      limits: DEFAULT_SETTINGS.limits,
      publicUrl: 'http://127.0.0.1:7500',
    });
    expect(plan.options.allowedOrigins).toEqual(['http://127.0.0.1:7500', APP_ORIGIN, 'https://dash.example.com']);
    expect(plan.options.tls).toBeUndefined();
  });

  it('serves TLS with the kept certificate naming the bound address', async () => {
    const plan = await planHub({
      settings: settings({ sharing: 'lan', interfaceName: 'Wi-Fi', tls: true }),
      userDataDir: dir,
      interfaces: table,
    });
    const cert = new X509Certificate(plan.options.tls!.cert);
    expect(cert.checkIP('192.168.1.20')).toBe('192.168.1.20');
    expect(plan.fingerprint).toBe(cert.fingerprint256);
    expect(plan.options.publicUrl).toBe('https://192.168.1.20:7420');
    const again = await planHub({
      settings: settings({ sharing: 'lan', interfaceName: 'Wi-Fi', tls: true }),
      userDataDir: dir,
      interfaces: table,
    });
    expect(again.fingerprint).toBe(plan.fingerprint);
  });
});

describe('hub channel messages', () => {
  it('accepts well-formed messages and drops anything else', () => {
    expect(
      isHubToMain({
        type: 'ready',
        url: 'u',
        wsUrl: 'w',
        host: 'h',
        port: 1,
        tls: false,
        fingerprint: null,
        joinUrl: 'j',
      }),
    ).toBe(true);
    expect(
      isHubToMain({
        type: 'ready',
        url: 'u',
        wsUrl: 'w',
        host: 'h',
        port: -1,
        tls: false,
        fingerprint: null,
        joinUrl: 'j',
      }),
    ).toBe(false);
    expect(isHubToMain({ type: 'stats', connections: 2 })).toBe(true);
    expect(isHubToMain({ type: 'admin-token', requestId: 1, token: 5, expiresAt: 1 })).toBe(false);
    expect(isHubToMain({ type: 'exec', command: 'rm' })).toBe(false);
    expect(isHubToMain(null)).toBe(false);
    expect(isMainToHub({ type: 'drain' })).toBe(true);
    expect(isMainToHub({ type: 'drain', timeoutMs: 'soon' })).toBe(false);
    expect(isMainToHub({ type: 'mint-admin-token', requestId: 3 })).toBe(true);
    expect(isMainToHub({ type: 'mint-admin-token' })).toBe(false);
    expect(isMainToHub(['drain'])).toBe(false);
  });
});
