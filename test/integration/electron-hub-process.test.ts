/**
 * The desktop hub process run for real as a Node child, under the same supervisor Electron main
 * uses: start from settings, crash and restart, drain on quit, binding, TLS.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { APP_ORIGIN } from '../../electron/app-origin.js';
import { hubPaths } from '../../electron/hub-config.js';
import { lanInterfaces } from '../../electron/lan.js';
import { CERT_FILE } from '../../electron/tls-certificate.js';
import type { ServerMessage } from '../../hub/protocol/index.js';
import { TestClient } from '../support/hub.js';
import { until } from '../support/until.js';
import {
  runningEndpoint,
  superviseHub,
  userDataDir,
  writeSettings,
  type SupervisedHub,
} from '../support/electron-hub-harness.js';

const running: SupervisedHub[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((h) => h.supervisor.stop()));
});

async function startSupervised(dir: string): Promise<SupervisedHub & { endpoint: ReturnType<typeof runningEndpoint> }> {
  const hub = superviseHub(dir);
  running.push(hub);
  const ready = hub.next('running');
  hub.supervisor.start();
  return { ...hub, endpoint: runningEndpoint(await ready) };
}

function open(wsUrl: string, token: string, extra: WebSocket.ClientOptions = {}): WebSocket {
  return new WebSocket(wsUrl, ['insight.v1'], { headers: { authorization: `Bearer ${token}` }, ...extra });
}

async function connectClient(wsUrl: string, token: string, extra: WebSocket.ClientOptions = {}): Promise<TestClient> {
  const client = new TestClient(open(wsUrl, token, extra));
  await client.waitFor((m) => m.type === 'welcome');
  return client;
}

/** Resolves with the HTTP status of a refused upgrade, or the socket error code when nothing listens. */
function refusal(wsUrl: string, token: string, extra: WebSocket.ClientOptions = {}): Promise<number | string> {
  const ws = open(wsUrl, token, extra);
  return new Promise((resolve, reject) => {
    ws.on('open', () => reject(new Error('upgrade was accepted')));
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

const lan = lanInterfaces().find((i) => i.family === 'IPv4');

describe('desktop hub process', () => {
  it('starts from the saved settings on loopback and mints admin tokens for the console', async () => {
    const dir = userDataDir();
    await writeSettings(dir, { history: { maxMessages: 5, maxAgeMinutes: 1 } });
    const { supervisor, endpoint } = await startSupervised(dir);
    expect(endpoint).toMatchObject({ host: '127.0.0.1', tls: false, fingerprint: null });
    expect(endpoint.wsUrl).toBe(`ws://127.0.0.1:${endpoint.port}/ws`);
    expect(endpoint.joinUrl).toBe(`http://127.0.0.1:${endpoint.port}/`);

    const { token, expiresAt } = await supervisor.mintAdminToken();
    expect(expiresAt).toBeGreaterThan(Date.now());
    // The console connects from the app origin, as a browser would.
    const console_ = await connectClient(endpoint.wsUrl, token, { origin: APP_ORIGIN });
    expect(console_.welcome.user).toMatchObject({ sub: 'desktop-admin', role: 'admin' });
    expect(await refusal(endpoint.wsUrl, token, { origin: 'https://evil.example' })).toBe(403);

    // The settings' history window reached the hub: only the last 5 messages are kept.
    for (let i = 1; i <= 8; i++)
      await console_.request({ type: 'publish', room: 'dashboard:1', event: 'refresh', data: { i } });
    const late = await connectClient(endpoint.wsUrl, token);
    const ack = await late.request({
      type: 'subscribe',
      room: 'dashboard:1',
      since: { epoch: (await console_.request({ type: 'subscribe', room: 'dashboard:1' })).epoch, seq: 0 },
    });
    expect(ack).toMatchObject({ type: 'ack', recovered: false, reason: 'evicted' });
    console_.close();
    late.close();

    const secret = hubPaths(dir).secretFile;
    if (process.platform !== 'win32') expect(statSync(secret).mode & 0o777).toBe(0o600);
  });

  it('reports the connection count to main', async () => {
    const dir = userDataDir();
    await writeSettings(dir, {});
    const { supervisor, endpoint, statuses } = await startSupervised(dir);
    const { token } = await supervisor.mintAdminToken();
    const clients = await Promise.all([1, 2, 3].map(() => connectClient(endpoint.wsUrl, token)));
    await until(() => supervisor.status.state === 'running' && supervisor.status.connections === 3);
    clients.forEach((c) => c.close());
    await until(() => supervisor.status.state === 'running' && supervisor.status.connections === 0);
    expect(statuses.some((s) => s.state === 'running' && s.connections === 3)).toBe(true);
  });

  it('is restarted after a crash, with the same secret, and clients can come back', async () => {
    const dir = userDataDir();
    await writeSettings(dir, {});
    const hub = await startSupervised(dir);
    const { token } = await hub.supervisor.mintAdminToken();
    const client = await connectClient(hub.endpoint.wsUrl, token);

    const restarting = hub.next('restarting');
    const back = hub.next('running');
    hub.children[0]!.kill('SIGKILL');
    const crash = await restarting;
    expect(crash).toMatchObject({ state: 'restarting', attempt: 1 });
    expect((await client.waitForClose()).code).toBe(1006);

    const again = runningEndpoint(await back);
    expect(hub.children).toHaveLength(2);
    expect(hub.children[1]!.pid).not.toBe(hub.children[0]!.pid);
    // A token minted before the crash still verifies: the secret was kept, not regenerated.
    const returning = await connectClient(again.wsUrl, token);
    expect(returning.welcome.user.sub).toBe('desktop-admin');
    returning.close();
  });

  it('drains on quit: clients get notice shutdown, then close 1001, and the process exits cleanly', async () => {
    const dir = userDataDir();
    await writeSettings(dir, {});
    const hub = await startSupervised(dir);
    const { token } = await hub.supervisor.mintAdminToken();
    const clients = await Promise.all([1, 2].map(() => connectClient(hub.endpoint.wsUrl, token)));
    const exited = new Promise<number | null>((resolve) => hub.children[0]!.once('exit', (code) => resolve(code)));

    await hub.supervisor.stop();

    for (const client of clients) {
      const closed = await client.waitForClose();
      expect(closed.code).toBe(1001);
      const notice = client.received.findIndex((m: ServerMessage) => m.type === 'notice' && m.event === 'shutdown');
      expect(notice).toBeGreaterThan(-1);
      expect(notice).toBe(client.received.length - 1);
    }
    expect(await exited).toBe(0);
    expect(hub.supervisor.status.state).toBe('stopped');
    expect(hub.children).toHaveLength(1);
  });

  it('stays on 127.0.0.1 when not sharing: the LAN address does not answer', async () => {
    if (!lan) throw new Error('this machine has no non-loopback IPv4 interface to test against');
    const dir = userDataDir();
    await writeSettings(dir, { sharing: 'local', interfaceName: lan.name });
    const { supervisor, endpoint } = await startSupervised(dir);
    const { token } = await supervisor.mintAdminToken();
    expect(await refusal(`ws://${lan.address}:${endpoint.port}/ws`, token)).toBe('ECONNREFUSED');
    (await connectClient(endpoint.wsUrl, token)).close();
  });

  it('binds the chosen interface when sharing, and only that address', async () => {
    if (!lan) throw new Error('this machine has no non-loopback IPv4 interface to test against');
    const dir = userDataDir();
    await writeSettings(dir, { sharing: 'lan', interfaceName: lan.name });
    const { supervisor, endpoint } = await startSupervised(dir);
    expect(endpoint.host).toBe(lan.address);
    expect(endpoint.joinUrl).toBe(`http://${lan.address}:${endpoint.port}/`);
    const { token } = await supervisor.mintAdminToken();
    const colleague = await connectClient(endpoint.wsUrl, token, { origin: `http://${lan.address}:${endpoint.port}` });
    colleague.close();
    expect(await refusal(`ws://127.0.0.1:${endpoint.port}/ws`, token)).toBe('ECONNREFUSED');
  });

  it('falls back to loopback, and says so, when the chosen interface is gone', async () => {
    const dir = userDataDir();
    await writeSettings(dir, { sharing: 'lan', interfaceName: 'no-such-interface0' });
    const { endpoint } = await startSupervised(dir);
    expect(endpoint.host).toBe('127.0.0.1');
    expect(endpoint.warning).toMatch(/no-such-interface0/);
  });

  it('serves wss:// with the generated certificate, whose fingerprint is the one shown', async () => {
    const dir = userDataDir();
    await writeSettings(dir, lan ? { tls: true, sharing: 'lan', interfaceName: lan.name } : { tls: true });
    const { supervisor, endpoint } = await startSupervised(dir);
    expect(endpoint.wsUrl.startsWith('wss://')).toBe(true);
    expect(endpoint.joinUrl.startsWith('https://')).toBe(true);
    const certPem = readFileSync(join(hubPaths(dir).tlsDir, CERT_FILE), 'utf8');
    expect(endpoint.fingerprint).toBe(new X509Certificate(certPem).fingerprint256);

    const { token } = await supervisor.mintAdminToken();
    // Trusting only this certificate: the handshake verifies it and the address it names.
    const ws = open(endpoint.wsUrl, token, { ca: certPem });
    const client = new TestClient(ws);
    await client.waitFor((m) => m.type === 'welcome');
    const peer = (ws as unknown as { _socket: TLSSocket })._socket.getPeerCertificate();
    expect(peer.fingerprint256).toBe(endpoint.fingerprint);
    client.close();

    // Without trusting it, the self-signed certificate is rejected as it should be.
    expect(await refusal(endpoint.wsUrl, token)).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
  });

  it('reports a taken port as the reason and keeps trying', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const dir = userDataDir();
      await writeSettings(dir, { port });
      const hub = superviseHub(dir);
      running.push(hub);
      const first = hub.next('restarting');
      hub.supervisor.start();
      expect(await first).toMatchObject({ state: 'restarting', reason: expect.stringContaining('already in use') });
      await hub.next('restarting');
      expect(hub.children.length).toBeGreaterThanOrEqual(2);
    } finally {
      blocker.close();
    }
  });
});
