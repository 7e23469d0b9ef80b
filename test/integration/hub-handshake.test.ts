/**
 * The upgrade handshake: every refusal is an HTTP status with a JSON body before any 101, the
 * token is never echoed or logged, and a client already connected is unharmed by all of it.
 */
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../hub/server/types.js';
import {
  TEST_SECRET,
  TestClient,
  captureLogs,
  connect,
  expectRefused,
  openSocket,
  rawUpgrade,
  signJwt,
  startHub,
  startHubWithCore,
  token,
  unsignedJwt,
  until,
} from '../support/hub.js';

const now = (): number => Math.floor(Date.now() / 1000);

async function ping(client: TestClient): Promise<void> {
  const id = `p${Math.random().toString(36).slice(2)}`;
  const pong = client.waitFor((m) => m.type === 'pong' && m.id === id);
  client.send({ type: 'ping', id });
  await pong;
}

describe('handshake with an HS256 secret', () => {
  let hub: Hub;
  let bystander: TestClient;
  const logs = captureLogs('debug');

  beforeAll(async () => {
    hub = await startHub({
      logger: logs.logger,
      allowedOrigins: ['https://allowed.example'],
      limits: { maxConnectionsPerUser: 1000 },
    });
    bystander = await connect(hub, await token(hub, { sub: 'bystander' }));
  });
  afterEach(async () => {
    // Whatever the last refusal was, the connected client carries on.
    expect(bystander.closed).toBeUndefined();
    await ping(bystander);
  });
  afterAll(async () => {
    bystander.close();
    await hub.close();
  });

  it('accepts a valid token in the Authorization header and sends welcome', async () => {
    const c = await connect(
      hub,
      await token(hub, { sub: 'alice', name: 'Alice', role: 'editor', rooms: ['dashboard:*'] }),
    );
    expect(c.welcome).toMatchObject({ type: 'welcome', user: { sub: 'alice', name: 'Alice', role: 'editor' } });
    expect(typeof c.welcome.clientId).toBe('string');
    expect(c.welcome.limits.maxFrameBytes).toBe(64 * 1024);
    c.close();
  });

  it('refuses an upgrade with no token: 401 unauthorized, JSON body, nothing upgraded', async () => {
    const r = await expectRefused(hub, undefined);
    expect(r.status).toBe(401);
    expect(r.body).toEqual({ error: 'unauthorized', message: 'token missing', reason: 'invalid' });
    expect(r.headers['content-type']).toMatch(/application\/json/);
  });

  it('refuses an Authorization header that is not a Bearer token', async () => {
    const r = await expectRefused(hub, undefined, {
      headers: { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` },
    });
    expect(r.status).toBe(401);
    expect(r.body.error).toBe('unauthorized');
  });

  it('refuses an expired token', async () => {
    const t = await signJwt({ sub: 'alice', exp: now() - 120, iat: now() - 3600 });
    const r = await expectRefused(hub, t);
    expect(r.status).toBe(401);
    expect(r.body).toEqual({ error: 'unauthorized', message: 'token expired', reason: 'expired' });
  });

  it('accepts a token that expired inside the 30 s clock tolerance', async () => {
    const t = await signJwt({ sub: 'skewed', exp: now() - 5, iat: now() - 600 });
    const c = await connect(hub, t);
    expect(c.welcome.user.sub).toBe('skewed');
    c.close();
  });

  it('refuses a token that is not yet valid (nbf beyond the tolerance)', async () => {
    const t = await signJwt({ sub: 'alice', nbf: now() + 600 });
    const r = await expectRefused(hub, t);
    expect(r.status).toBe(401);
    expect(r.body.error).toBe('unauthorized');
  });

  it('refuses a token without exp', async () => {
    const r = await expectRefused(hub, await signJwt({ sub: 'alice' }, { omit: ['exp'] }));
    expect(r.status).toBe(401);
    expect(r.body.error).toBe('unauthorized');
  });

  it('refuses a token without sub', async () => {
    const r = await expectRefused(hub, await signJwt({}));
    expect(r.status).toBe(401);
    expect(r.body.error).toBe('unauthorized');
  });

  it('refuses a wrong aud, and a missing one', async () => {
    const wrong = await expectRefused(hub, await signJwt({ sub: 'alice', aud: 'another-service' }));
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ error: 'unauthorized', message: 'token claim "aud" invalid', reason: 'invalid' });
    const missing = await expectRefused(hub, await signJwt({ sub: 'alice' }, { omit: ['aud'] }));
    expect(missing.status).toBe(401);
    expect(missing.body.error).toBe('unauthorized');
  });

  it('refuses alg none', async () => {
    const r = await expectRefused(hub, unsignedJwt({ sub: 'mallory', role: 'admin' }));
    expect(r.status).toBe(401);
    expect(r.body.error).toBe('unauthorized');
  });

  it('refuses a token signed with another key', async () => {
    const other = new TextEncoder().encode('another-secret-of-sufficient-length-0123456789abcdef');
    const r = await expectRefused(hub, await signJwt({ sub: 'alice' }, { key: other }));
    expect(r.status).toBe(401);
    expect(r.body).toEqual({ error: 'unauthorized', message: 'token signature invalid', reason: 'invalid' });
  });

  it('refuses a token whose payload was tampered with', async () => {
    const t = await token(hub, { sub: 'alice', role: 'viewer', rooms: ['dashboard:1'] });
    const [h, p, s] = t.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, role: 'admin', rooms: ['*'] })).toString('base64url');
    const r = await expectRefused(hub, `${h}.${forged}.${s}`);
    expect(r.status).toBe(401);
    expect(r.body.error).toBe('unauthorized');
  });

  it('refuses a token signed with RS256 when the hub is pinned to HS256', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const r = await expectRefused(hub, await signJwt({ sub: 'alice' }, { alg: 'RS256', key: privateKey }));
    expect(r.status).toBe(401);
    expect(r.body.error).toBe('unauthorized');
  });

  it('refuses garbage in place of a token', async () => {
    const r = await expectRefused(hub, 'not-a-jwt');
    expect(r.status).toBe(401);
    expect(r.body).toEqual({ error: 'unauthorized', message: 'token malformed', reason: 'invalid' });
  });

  it('refuses a token with an invalid role or rooms claim', async () => {
    const role = await expectRefused(hub, await signJwt({ sub: 'alice', role: 'superuser' }));
    expect(role.status).toBe(401);
    const rooms = await expectRefused(hub, await signJwt({ sub: 'alice', rooms: 'dashboard:*' }));
    expect(rooms.status).toBe(401);
  });

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

describe('handshake with an issuer configured', () => {
  let hub: Hub;
  beforeAll(async () => {
    hub = await startHub({ auth: { issuer: 'https://idp.example' } });
  });
  afterAll(() => hub.close());

  it('accepts the configured iss', async () => {
    const c = await connect(hub, await signJwt({ sub: 'alice', iss: 'https://idp.example' }));
    c.close();
  });

  it('refuses a wrong iss and a missing one', async () => {
    const wrong = await expectRefused(hub, await signJwt({ sub: 'alice', iss: 'https://evil.example' }));
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ error: 'unauthorized', message: 'token claim "iss" invalid', reason: 'invalid' });
    const missing = await expectRefused(hub, await signJwt({ sub: 'alice' }));
    expect(missing.status).toBe(401);
    expect(missing.body.error).toBe('unauthorized');
  });

  it('mints tokens carrying its issuer', async () => {
    const c = await connect(hub, await token(hub, { sub: 'minted' }));
    c.close();
  });
});

describe.each([
  ['RS256', () => generateKeyPairSync('rsa', { modulusLength: 2048 })],
  ['ES256', () => generateKeyPairSync('ec', { namedCurve: 'P-256' })],
  ['EdDSA', () => generateKeyPairSync('ed25519')],
] as const)('handshake with a %s public key', (alg, makePair) => {
  let hub: Hub;
  const pair = makePair();
  const publicPem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();

  beforeAll(async () => {
    hub = await startHub({ auth: { publicKey: publicPem } });
  });
  afterAll(() => hub.close());

  it('accepts a token signed with the matching private key', async () => {
    const c = await connect(hub, await signJwt({ sub: 'alice', name: 'Alice' }, { alg, key: pair.privateKey }));
    expect(c.welcome.user).toEqual({ sub: 'alice', name: 'Alice', role: 'editor' });
    c.close();
  });

  it('refuses a token signed by another private key of the same kind', async () => {
    const other = makePair();
    const r = await expectRefused(hub, await signJwt({ sub: 'alice' }, { alg, key: other.privateKey }));
    expect(r.status).toBe(401);
    expect(r.body.error).toBe('unauthorized');
  });

  it('refuses HS256 signed with the public key text (algorithm confusion)', async () => {
    const r = await expectRefused(
      hub,
      await signJwt({ sub: 'alice' }, { alg: 'HS256', key: new TextEncoder().encode(publicPem) }),
    );
    expect(r.status).toBe(401);
    expect(r.body.error).toBe('unauthorized');
  });

  it('refuses an HS256 token made with the usual test secret', async () => {
    const r = await expectRefused(hub, await signJwt({ sub: 'alice' }, { key: new TextEncoder().encode(TEST_SECRET) }));
    expect(r.status).toBe(401);
  });

  it('refuses alg none', async () => {
    const r = await expectRefused(hub, unsignedJwt({ sub: 'alice' }));
    expect(r.status).toBe(401);
  });

  it('cannot mint tokens', async () => {
    await expect(hub.mintToken({ sub: 'a', role: 'viewer', rooms: [], ttlSec: 60 })).rejects.toThrow(/public key/);
  });
});

describe('draining, bans and connection limits at upgrade', () => {
  it('refuses new upgrades with 503 while draining', async () => {
    const hub = await startHub();
    // A peer that never answers the close handshake keeps the drain going until its timeout.
    const stuck = await rawUpgrade(hub, {
      authorization: `Bearer ${await token(hub, { sub: 'stuck' })}`,
      'Sec-WebSocket-Protocol': 'insight.v1',
    });
    expect(stuck.status).toBe(101);
    const drained = hub.drain(3000);
    await until(() => hub.state === 'draining', 5000, 'draining');
    const r = await expectRefused(hub, await token(hub, { sub: 'late' }));
    expect(r.status).toBe(503);
    expect(r.body.error).toBe('unavailable');
    await drained;
    stuck.destroy();
  });

  it('refuses a banned user with 403 and a revoked token with 401', async () => {
    const { hub, ctx } = await startHubWithCore();
    try {
      await ctx.bans.ban({ sub: 'banned', until: Date.now() + 60_000, reason: 'spam', by: 'test', at: Date.now() });
      const r = await expectRefused(hub, await token(hub, { sub: 'banned' }));
      expect(r.status).toBe(403);
      expect(r.body.error).toBe('forbidden');
      expect(r.body.message).toMatch(/^banned until .*: spam$/);

      await ctx.revocations.revoke('jti-1', Date.now() + 60_000);
      const revoked = await expectRefused(hub, await token(hub, { sub: 'someone', jti: 'jti-1' }));
      expect(revoked.status).toBe(401);
      expect(revoked.body).toEqual({ error: 'unauthorized', message: 'token revoked', reason: 'revoked' });
      const fine = await connect(hub, await token(hub, { sub: 'someone', jti: 'jti-2' }));
      fine.close();
    } finally {
      await hub.close();
    }
  });

  it('limits connections per user with 429, and frees the slot when one closes', async () => {
    const hub = await startHub({ limits: { maxConnectionsPerUser: 2 } });
    try {
      const t = await token(hub, { sub: 'alice' });
      const a = await connect(hub, t);
      const b = await connect(hub, t);
      const r = await expectRefused(hub, t);
      expect(r.status).toBe(429);
      expect(r.body).toEqual({ error: 'rate_limited', message: 'too many connections for this user' });
      // Another user is not affected.
      const bob = await connect(hub, await token(hub, { sub: 'bob' }));
      a.close();
      await a.waitForClose();
      await until(
        async () => {
          const ws = openSocket(hub, t);
          const opened = await new Promise<boolean>((resolve) => {
            ws.on('open', () => resolve(true));
            ws.on('unexpected-response', () => resolve(false));
            ws.on('error', () => resolve(false));
          });
          ws.close();
          return opened;
        },
        5000,
        'a slot for alice',
      );
      await ping(b);
      await ping(bob);
      b.close();
      bob.close();
    } finally {
      await hub.close();
    }
  });

  it('limits connections per IP with 429', async () => {
    const hub = await startHub({ limits: { maxConnectionsPerIp: 2 } });
    try {
      const a = await connect(hub, await token(hub, { sub: 'a' }));
      const b = await connect(hub, await token(hub, { sub: 'b' }));
      const r = await expectRefused(hub, await token(hub, { sub: 'c' }));
      expect(r.status).toBe(429);
      expect(r.body).toEqual({ error: 'rate_limited', message: 'too many connections from this address' });
      await ping(a);
      a.close();
      b.close();
    } finally {
      await hub.close();
    }
  });

  it('limits connections in total with 503', async () => {
    const hub = await startHub({ limits: { maxConnections: 2 } });
    try {
      const a = await connect(hub, await token(hub, { sub: 'a' }));
      const b = await connect(hub, await token(hub, { sub: 'b' }));
      const r = await expectRefused(hub, await token(hub, { sub: 'c' }));
      expect(r.status).toBe(503);
      expect(r.body).toEqual({ error: 'unavailable', message: 'hub connection limit reached' });
      await ping(b);
      a.close();
      b.close();
    } finally {
      await hub.close();
    }
  });

  it('checks the path before the credentials and the Host before the token', async () => {
    const hub = await startHub();
    try {
      expect((await expectRefused(hub, undefined, { path: '/elsewhere' })).status).toBe(404);
      expect((await expectRefused(hub, undefined, { headers: { host: 'evil.example' } })).status).toBe(403);
      expect((await expectRefused(hub, undefined, { origin: 'https://evil.example' })).status).toBe(403);
    } finally {
      await hub.close();
    }
  });
});
