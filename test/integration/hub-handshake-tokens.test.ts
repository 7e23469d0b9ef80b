/**
 * The upgrade handshake's token checks: a missing, expired, unsigned, forged or mis-claimed token is
 * refused with 401 and a JSON body before any 101, under an HS256 secret, an issuer or a public key.
 */
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../hub/server/types.js';
import {
  TEST_SECRET,
  captureLogs,
  connect,
  expectRefused,
  signJwt,
  startHub,
  token,
  unsignedJwt,
} from '../support/hub.js';
import { useHandshakeHub } from '../support/handshake-hub.js';

const now = (): number => Math.floor(Date.now() / 1000);

describe('handshake with an HS256 secret', () => {
  let hub: Hub;
  useHandshakeHub(captureLogs('debug').logger, (started) => (hub = started));

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
