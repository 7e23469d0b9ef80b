/**
 * Token verification and keys: algorithms pinned by key kind, required claims, clock tolerance,
 * the verified-token cache, secret files; and minting with the hub's own secret.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { importHmacSecret, loadOrCreateSecret, loadVerificationKey } from '../../hub/auth/keys.js';
import { mintToken, parseTtl } from '../../hub/auth/mint.js';
import { TokenVerifier } from '../../hub/auth/verifier.js';
import { HubError } from '../../hub/protocol/index.js';
import { TEST_SECRET, signJwt, tempDir, unsignedJwt } from '../support/hub.js';

const SEC = 1000;

async function hsVerifier(
  opts: { issuer?: string; now?: () => number; tolerance?: number; cacheSize?: number } = {},
): Promise<TokenVerifier> {
  const key = await loadVerificationKey({ secret: TEST_SECRET, dataDir: tempDir() });
  return new TokenVerifier(key, {
    issuer: opts.issuer,
    clockToleranceSec: opts.tolerance ?? 30,
    now: opts.now,
    cacheSize: opts.cacheSize,
  });
}

async function esVerifier(
  opts: { now?: () => number; tolerance?: number; cacheSize?: number } = {},
): Promise<{ verifier: TokenVerifier; privateKey: KeyObject }> {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const key = await loadVerificationKey({
    publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    dataDir: tempDir(),
  });
  const verifier = new TokenVerifier(key, {
    clockToleranceSec: opts.tolerance ?? 30,
    now: opts.now,
    cacheSize: opts.cacheSize,
  });
  return { verifier, privateKey };
}

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(HubError);
    expect((err as HubError).code).toBe('unauthorized');
    return (err as HubError).message;
  }
  throw new Error('token accepted');
}

describe('TokenVerifier', () => {
  it('returns the user, room access and expiry; role defaults to viewer and name to sub', async () => {
    const v = await hsVerifier();
    const exp = Math.floor(Date.now() / 1000) + 600;
    const t = await signJwt({ sub: 'alice', exp, rooms: ['dashboard:*'] }, {});
    const bare = await new SignJWT({ rooms: [] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('bob')
      .setAudience('insight-hub')
      .setExpirationTime(exp)
      .sign(new TextEncoder().encode(TEST_SECRET));
    const a = await v.verify(t);
    expect(a.user).toEqual({ sub: 'alice', name: 'alice', role: 'editor' });
    expect(a.expiresAt).toBe(exp * SEC);
    expect(a.access.allows('dashboard:1')).toBe(true);
    expect(a.access.allows('user:alice')).toBe(true);
    expect(a.access.allows('other:1')).toBe(false);
    expect((await v.verify(bare)).user).toEqual({ sub: 'bob', name: 'bob', role: 'viewer' });
  });

  it('keeps the checked claims and any others for the connection, never the handshake-only ones', async () => {
    const v = await hsVerifier();
    const exp = Math.floor(Date.now() / 1000) + 600;
    const plain = await v.verify(await signJwt({ sub: 'carol', name: 'Carol', exp, rooms: ['team:*'] }));
    expect(plain.claims).toEqual({ sub: 'carol', name: 'Carol', role: 'editor', rooms: ['team:*'], exp });
    const extra = await v.verify(
      await signJwt({ sub: 'dave', exp, rooms: [], jti: 'j-1', invite: true, maxUses: 3, iss: 'insight-hub' }),
    );
    expect(extra.claims).toEqual({
      sub: 'dave',
      name: 'dave',
      role: 'editor',
      rooms: [],
      exp,
      jti: 'j-1',
      invite: true,
      maxUses: 3,
    });
  });

  it('refuses alg none, another key, another algorithm, a tampered payload', async () => {
    const v = await hsVerifier();
    expect(await refusal(v.verify(unsignedJwt({ sub: 'a' })))).toBe('token algorithm not allowed');
    expect(
      await refusal(v.verify(await signJwt({ sub: 'a' }, { key: new TextEncoder().encode('q'.repeat(40)) }))),
    ).toBe('token signature invalid');
    expect(await refusal(v.verify(await signJwt({ sub: 'a' }, { alg: 'HS512' })))).toBe('token algorithm not allowed');
    const t = await signJwt({ sub: 'a', role: 'viewer' });
    const [h, p, s] = t.split('.');
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(p!, 'base64url').toString()), role: 'admin' }),
    ).toString('base64url');
    expect(await refusal(v.verify(`${h}.${forged}.${s}`))).toBe('token signature invalid');
  });

  it('requires exp, sub and aud insight-hub, and checks iss when configured', async () => {
    const v = await hsVerifier();
    await refusal(v.verify(await signJwt({ sub: 'a' }, { omit: ['exp'] })));
    await refusal(v.verify(await signJwt({})));
    expect(await refusal(v.verify(await signJwt({ sub: 'a', aud: 'x' })))).toBe('token claim "aud" invalid');
    await refusal(v.verify(await signJwt({ sub: 'a' }, { omit: ['aud'] })));
    const withIss = await hsVerifier({ issuer: 'https://idp' });
    await withIss.verify(await signJwt({ sub: 'a', iss: 'https://idp' }));
    expect(await refusal(withIss.verify(await signJwt({ sub: 'a', iss: 'https://other' })))).toBe(
      'token claim "iss" invalid',
    );
    // Without an issuer configured, any iss is fine.
    await v.verify(await signJwt({ sub: 'a', iss: 'https://anyone' }));
  });

  it('refuses invalid sub, name, role and rooms claims', async () => {
    const v = await hsVerifier();
    for (const claims of [
      { sub: 'x'.repeat(129) },
      { sub: 'a', name: 5 },
      { sub: 'a', name: 'n'.repeat(129) },
      { sub: 'a', role: 'root' },
      { sub: 'a', rooms: ['a b'] },
      { sub: 'a', rooms: 'x' },
    ]) {
      await refusal(v.verify(await signJwt(claims)));
    }
  });

  it('applies the clock tolerance to exp and nbf', async () => {
    const now = 2_000_000_000 * SEC;
    const v = await hsVerifier({ now: () => now, tolerance: 30 });
    const at = now / SEC;
    await v.verify(await signJwt({ sub: 'a', exp: at - 29, iat: at - 100 }));
    expect(await refusal(v.verify(await signJwt({ sub: 'a', exp: at - 31, iat: at - 100 })))).toBe('token expired');
    await v.verify(await signJwt({ sub: 'a', exp: at + 600, nbf: at + 29, iat: at }));
    await refusal(v.verify(await signJwt({ sub: 'a', exp: at + 600, nbf: at + 31, iat: at })));
  });

  it('does not cache HS256 tokens: each is checked again, with the clock', async () => {
    let now = 2_000_000_000 * SEC;
    const v = await hsVerifier({ now: () => now, tolerance: 30 });
    const at = now / SEC;
    const t = await signJwt({ sub: 'a', exp: at + 60, iat: at });
    const first = await v.verify(t);
    const second = await v.verify(t);
    expect(second).not.toBe(first);
    expect(second).toEqual(first);
    now += 90 * SEC + 1000;
    expect(await refusal(v.verify(t))).toBe('token expired');
  });

  it('caches a token verified with a public key until exp (plus tolerance), then refuses it', async () => {
    let now = 2_000_000_000 * SEC;
    const es = await esVerifier({ now: () => now, tolerance: 30 });
    const v = es.verifier;
    const at = now / SEC;
    const t = await signJwt({ sub: 'a', exp: at + 60, iat: at }, { alg: 'ES256', key: es.privateKey });
    const first = await v.verify(t);
    expect(await v.verify(t)).toBe(first); // the same verified object: no second verification
    now += 60 * SEC + 30 * SEC;
    expect(await v.verify(t)).toBe(first);
    now += 1;
    expect(await refusal(v.verify(t))).toBe('token expired');
    expect(await refusal(v.verify(t))).toBe('token expired');
  });

  it('keeps the cache bounded, dropping the oldest entries', async () => {
    const es = await esVerifier({ cacheSize: 2 });
    const v = es.verifier;
    const sign = (sub: string) => signJwt({ sub }, { alg: 'ES256', key: es.privateKey });
    const a = await sign('a');
    const b = await sign('b');
    const c = await sign('c');
    const va = await v.verify(a);
    await v.verify(b);
    await v.verify(c);
    const again = await v.verify(a);
    expect(again).not.toBe(va); // re-verified after eviction
    expect(again.user.sub).toBe('a');
  });
});

describe('verification keys', () => {
  it('pins HS256 for a secret and can mint with it', async () => {
    const key = await loadVerificationKey({ secret: TEST_SECRET, dataDir: tempDir() });
    expect(key.algorithms).toEqual(['HS256']);
    expect(key.signingKey).toBeDefined();
    expect(key.source).not.toContain(TEST_SECRET);
  });

  it('refuses a secret shorter than 32 bytes', async () => {
    await expect(loadVerificationKey({ secret: 'short', dataDir: tempDir() })).rejects.toThrow(/32 bytes/);
  });

  it.each([
    ['rsa', { modulusLength: 2048 }, 'RS256'],
    ['ec', { namedCurve: 'P-256' }, 'ES256'],
    ['ed25519', {}, 'EdDSA'],
  ] as const)('detects the algorithm of a PEM %s public key (%s) and cannot mint', async (type, options, alg) => {
    const { publicKey } = generateKeyPairSync(type as 'rsa', options as { modulusLength: number });
    const key = await loadVerificationKey({
      publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      dataDir: tempDir(),
    });
    expect(key.algorithms).toEqual([alg]);
    expect(key.signingKey).toBeUndefined();
    expect(key.source).toContain(alg);
  });

  it('refuses an EC key that is not P-256', async () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    await expect(
      loadVerificationKey({
        publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
        dataDir: tempDir(),
      }),
    ).rejects.toThrow(/P-256/);
  });

  it('generates a secret file with mode 0600 on first run and reuses it', async () => {
    const dir = join(tempDir(), 'data');
    const first = await loadVerificationKey({ dataDir: dir });
    const file = join(dir, 'secret');
    expect(first.source).toBe(`generated secret file ${file}`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const secret = readFileSync(file, 'utf8').trim();
    expect(Buffer.byteLength(secret)).toBeGreaterThanOrEqual(32);
    const second = await loadVerificationKey({ dataDir: dir });
    expect(second.source).toBe(`secret file ${file}`);
    // Tokens minted with the first load verify with the second.
    const t = await mintToken(first.signingKey!, { sub: 'a', role: 'viewer', rooms: [], ttlSec: 60 });
    await new TokenVerifier(second, { clockToleranceSec: 0 }).verify(t);
    expect(loadOrCreateSecret(file)).toEqual({ secret, created: false });
  });

  it('reads a configured secret file', async () => {
    const file = join(tempDir(), 'my-secret');
    writeFileSync(file, `${TEST_SECRET}\n`);
    const key = await loadVerificationKey({ secretFile: file, dataDir: tempDir() });
    const t = await signJwt({ sub: 'a' });
    await new TokenVerifier(key, { clockToleranceSec: 0 }).verify(t);
  });
});

describe('minting', () => {
  it('mints HS256 tokens with sub, name, role, rooms, aud, iat, exp, jti and optional iss', async () => {
    const key = await importHmacSecret(TEST_SECRET);
    const now = 1_900_000_000_000;
    const t = await mintToken(
      key,
      {
        sub: 'alice',
        name: 'Alice',
        role: 'editor',
        rooms: ['d:*'],
        ttlSec: 90,
        issuer: 'me',
        extra: { invite: true },
      },
      now,
    );
    const [header, payload] = t
      .split('.')
      .slice(0, 2)
      .map((p) => JSON.parse(Buffer.from(p, 'base64url').toString()));
    expect(header).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(payload).toMatchObject({
      sub: 'alice',
      name: 'Alice',
      role: 'editor',
      rooms: ['d:*'],
      aud: 'insight-hub',
      iss: 'me',
      iat: now / 1000,
      exp: now / 1000 + 90,
      invite: true,
    });
    expect(typeof payload.jti).toBe('string');
  });

  it('refuses bad requests', async () => {
    const key = await importHmacSecret(TEST_SECRET);
    await expect(mintToken(key, { sub: '', role: 'viewer', rooms: [], ttlSec: 1 })).rejects.toThrow(/sub/);
    await expect(mintToken(key, { sub: 'a', role: 'root' as 'viewer', rooms: [], ttlSec: 1 })).rejects.toThrow(/role/);
    await expect(mintToken(key, { sub: 'a', role: 'viewer', rooms: [], ttlSec: 0 })).rejects.toThrow(/ttl/);
    await expect(mintToken(key, { sub: 'a', role: 'viewer', rooms: ['a b'], ttlSec: 1 })).rejects.toThrow(HubError);
  });

  it('parses lifetimes', () => {
    expect(parseTtl('90')).toBe(90);
    expect(parseTtl('90s')).toBe(90);
    expect(parseTtl('15m')).toBe(900);
    expect(parseTtl('8h')).toBe(28_800);
    expect(parseTtl('7d')).toBe(604_800);
    expect(parseTtl('1.5h')).toBe(5400);
    for (const bad of ['', 'h', '8w', '-1h', 'forever']) expect(() => parseTtl(bad)).toThrow(/invalid ttl/);
  });
});
