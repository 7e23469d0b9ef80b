/**
 * The upgrade handshake's request shape: Origin and Host are matched exactly, the token is taken
 * only from a header or the bearer subprotocol, the answer is exactly insight.v1, a refusal closes
 * the socket, and no token is ever echoed in a response or written to a log line.
 */
import { describe, expect, it } from 'vitest';
import type { Hub } from '../../hub/server/types.js';
import {
  TestClient,
  captureLogs,
  connect,
  expectRefused,
  openSocket,
  rawUpgrade,
  signJwt,
  token,
  until,
} from '../support/hub.js';
import { useHandshakeHub } from '../support/handshake-hub.js';

const now = (): number => Math.floor(Date.now() / 1000);

describe('handshake with an HS256 secret', () => {
  let hub: Hub;
  const logs = captureLogs('debug');
  useHandshakeHub(logs.logger, (started) => (hub = started));

  it('accepts its own origin and a configured one, exactly', async () => {
    const own = await connect(hub, await token(hub, { sub: 'o1' }), { origin: `http://127.0.0.1:${hub.port}` });
    const configured = await connect(hub, await token(hub, { sub: 'o2' }), { origin: 'https://allowed.example' });
    own.close();
    configured.close();
  });

  it.each([
    ['a look-alike host', 'https://allowed.example.evil.com'],
    ['another port', 'https://allowed.example:8443'],
    ['another scheme', 'http://allowed.example'],
    ['a trailing slash', 'https://allowed.example/'],
    ['the null origin', 'null'],
    ['the hub on another port', 'http://127.0.0.1:1'],
    ['a prefix trick', 'https://allowed.exampl'],
    ['different case', 'HTTPS://ALLOWED.EXAMPLE'],
  ])('refuses an Origin that is not on the list: %s', async (_what, origin) => {
    const r = await expectRefused(hub, await token(hub, { sub: 'alice' }), { origin });
    expect(r.status).toBe(403);
    expect(r.body).toEqual({ error: 'forbidden', message: 'origin not allowed', reason: 'not_allowed' });
  });

  it.each([
    ['a foreign name (DNS rebinding)', () => `rebind.attacker.example:${hub.port}`],
    ['the right name on another port', () => '127.0.0.1:1'],
    ['a look-alike', () => `127.0.0.1.attacker.example:${hub.port}`],
  ])('refuses a Host that is not allowed: %s', async (_what, host) => {
    const r = await expectRefused(hub, await token(hub, { sub: 'alice' }), { headers: { host: host() } });
    expect(r.status).toBe(403);
    expect(r.body).toEqual({ error: 'forbidden', message: 'host not allowed', reason: 'not_allowed' });
  });

  it('accepts localhost as a Host for a loopback hub', async () => {
    const c = await connect(hub, await token(hub, { sub: 'alice' }), { headers: { host: `localhost:${hub.port}` } });
    c.close();
  });

  it('refuses a token only in the query string with 400', async () => {
    const t = await token(hub, { sub: 'alice' });
    for (const param of ['token', 'access_token', 'jwt']) {
      const r = await expectRefused(hub, undefined, { path: `/ws?${param}=${encodeURIComponent(t)}` });
      expect(r.status).toBe(400);
      expect(r.body.error).toBe('bad_request');
    }
  });

  it('accepts the token through the bearer subprotocol and answers exactly insight.v1', async () => {
    const t = await token(hub, { sub: 'browser' });
    const ws = openSocket(hub, t, { via: 'subprotocol' });
    const client = new TestClient(ws);
    const headers = await new Promise<Record<string, string | string[] | undefined>>((resolve, reject) => {
      ws.on('upgrade', (res) => resolve(res.headers));
      ws.on('unexpected-response', () => reject(new Error('refused')));
    });
    await client.waitFor((m) => m.type === 'welcome');
    expect(headers['sec-websocket-protocol']).toBe('insight.v1');
    expect(ws.protocol).toBe('insight.v1');
    for (const value of Object.values(headers)) expect(String(value)).not.toContain(t);
    expect(client.welcome.user.sub).toBe('browser');
    client.close();
  });

  it('answers insight.v1 for a raw upgrade offering the bearer entry first', async () => {
    const t = await token(hub, { sub: 'raw' });
    const peer = await rawUpgrade(hub, { 'Sec-WebSocket-Protocol': `bearer.${t}, insight.v1` });
    expect(peer.status).toBe(101);
    expect(peer.response).toMatch(/\r\nSec-WebSocket-Protocol: insight\.v1\r\n/i);
    expect(peer.response).not.toContain(t);
    expect(peer.response).not.toContain(t.split('.')[2]!);
    peer.destroy();
  });

  it('refuses an upgrade that does not offer insight.v1 with 400', async () => {
    const t = await token(hub, { sub: 'alice' });
    const none = await expectRefused(hub, t, { protocols: [] });
    expect(none.status).toBe(400);
    expect(none.body.error).toBe('bad_request');
    const other = await expectRefused(hub, t, { protocols: ['insight.v2'] });
    expect(other.status).toBe(400);
    expect(other.body.error).toBe('bad_request');
  });

  it('refuses a wrong path with 404', async () => {
    const r = await expectRefused(hub, await token(hub, { sub: 'alice' }), { path: '/socket' });
    expect(r.status).toBe(404);
    expect(r.body.error).toBe('not_found');
  });

  it('closes the socket after a refusal', async () => {
    const peer = await rawUpgrade(hub, { 'Sec-WebSocket-Protocol': 'insight.v1' });
    expect(peer.status).toBe(401);
    await until(() => peer.ended, 5000, 'socket closed');
    expect(peer.response).not.toMatch(/upgrade: websocket/i);
    expect(JSON.parse(peer.body.toString('utf8'))).toEqual({
      error: 'unauthorized',
      message: 'token missing',
      reason: 'invalid',
    });
    expect(peer.frames).toHaveLength(0);
  });

  it('never puts a token in a response header or a log line', async () => {
    const valid = await token(hub, { sub: 'secretive' });
    const expired = await signJwt({ sub: 'secretive', exp: now() - 3600 });
    const forged = await signJwt({ sub: 'secretive' }, { key: new TextEncoder().encode('x'.repeat(48)) });
    const seen: string[] = [];
    const collect = (r: { headers: Record<string, unknown>; body: unknown }): void =>
      void seen.push(JSON.stringify(r.headers), JSON.stringify(r.body));

    const ok = await connect(hub, valid, { via: 'subprotocol' });
    ok.close();
    await ok.waitForClose();
    collect(await expectRefused(hub, expired, { via: 'subprotocol' }));
    collect(await expectRefused(hub, forged));
    collect(await expectRefused(hub, valid, { origin: 'null' }));
    collect(await expectRefused(hub, valid, { path: '/nope' }));
    collect(await expectRefused(hub, undefined, { path: `/ws?token=${valid}` }));
    collect(await expectRefused(hub, valid, { protocols: [`bearer.${valid}`] }));
    const raw = await rawUpgrade(hub, { 'Sec-WebSocket-Protocol': `insight.v1, bearer.${valid}` });
    seen.push(raw.response);
    raw.destroy();

    await until(() => logs.lines.filter((l) => l.includes('upgrade refused')).length >= 6, 5000, 'refusals logged');
    const logged = logs.text();
    expect(logged).toContain('upgrade refused');
    for (const t of [valid, expired, forged]) {
      const signature = t.split('.')[2]!;
      for (const text of [...seen, logged]) {
        expect(text).not.toContain(t);
        expect(text).not.toContain(signature);
      }
    }
  });
});
