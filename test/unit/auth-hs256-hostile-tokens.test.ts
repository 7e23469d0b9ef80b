/**
 * The in-line HS256 path is never laxer than jose: every hostile token jose refuses, the hub refuses
 * (run through both with the same options), and kept claims never touch any prototype.
 */
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TokenVerifier } from '../../hub/auth/verifier.js';
import { importHmacSecret } from '../../hub/auth/keys.js';
import { HubError } from '../../hub/protocol/index.js';
import { AT, NOW, TOLERANCE, b64, hs256Verdicts } from '../support/hs256-verdicts.js';

const SECRET = 'review-secret-that-is-long-enough-0123456789';
const { key: KEY, mac, ours, theirs } = hs256Verdicts(SECRET);

/** Sign raw header/payload JSON text (so duplicate keys, `__proto__` and 1e400 survive). */
function rawToken(headerJson: string, payloadJson: string, secret = SECRET): string {
  const input = `${b64(headerJson)}.${b64(payloadJson)}`;
  return `${input}.${mac(input, secret)}`;
}
const HS = '{"alg":"HS256","typ":"JWT"}';
const base = (extra = ''): string => `{"sub":"alice","aud":"insight-hub","exp":${AT + 600},"iat":${AT}${extra}}`;

const REFUSED: Array<[string, string, string?]> = [
  ['alg none, empty signature', `${b64('{"alg":"none"}')}.${b64(base())}.`],
  ['alg none, with an HMAC signature', rawToken('{"alg":"none"}', base())],
  ['alg NONE', rawToken('{"alg":"NONE"}', base())],
  ['alg hs256 (lower case)', rawToken('{"alg":"hs256"}', base())],
  ['alg "HS256 " (trailing space)', rawToken('{"alg":"HS256 "}', base())],
  ['alg as a list', rawToken('{"alg":["HS256"]}', base())],
  ['alg duplicated, none last', rawToken('{"alg":"HS256","alg":"none"}', base())],
  ['alg only under __proto__', rawToken('{"__proto__":{"alg":"HS256"}}', base())],
  ['crit empty list', rawToken('{"alg":"HS256","crit":[]}', base())],
  ['crit null', rawToken('{"alg":"HS256","crit":null}', base())],
  ['crit exp', rawToken('{"alg":"HS256","crit":["exp"],"exp":1}', base())],
  ['b64 false', rawToken('{"alg":"HS256","b64":false}', base())],
  ['exp missing', rawToken(HS, `{"sub":"alice","aud":"insight-hub"}`)],
  ['exp null', rawToken(HS, `{"sub":"alice","aud":"insight-hub","exp":null}`)],
  ['exp a numeric string', rawToken(HS, `{"sub":"alice","aud":"insight-hub","exp":"${AT + 600}"}`)],
  ['exp a list', rawToken(HS, `{"sub":"alice","aud":"insight-hub","exp":[${AT + 600}]}`)],
  ['exp true', rawToken(HS, `{"sub":"alice","aud":"insight-hub","exp":true}`)],
  ['exp -1e400', rawToken(HS, `{"sub":"alice","aud":"insight-hub","exp":-1e400}`)],
  ['exp only under __proto__', rawToken(HS, `{"sub":"alice","aud":"insight-hub","__proto__":{"exp":${AT + 600}}}`)],
  ['sub only under __proto__', rawToken(HS, `{"aud":"insight-hub","exp":${AT + 600},"__proto__":{"sub":"alice"}}`)],
  ['aud only under __proto__', rawToken(HS, `{"sub":"alice","exp":${AT + 600},"__proto__":{"aud":"insight-hub"}}`)],
  ['aud with other case', rawToken(HS, `{"sub":"alice","aud":"Insight-Hub","exp":${AT + 600}}`)],
  ['aud with a trailing space', rawToken(HS, `{"sub":"alice","aud":"insight-hub ","exp":${AT + 600}}`)],
  ['aud nested list', rawToken(HS, `{"sub":"alice","aud":[["insight-hub"]],"exp":${AT + 600}}`)],
  ['aud an object', rawToken(HS, `{"sub":"alice","aud":{"0":"insight-hub"},"exp":${AT + 600}}`)],
  ['aud null', rawToken(HS, `{"sub":"alice","aud":null,"exp":${AT + 600}}`)],
  ['nbf far ahead', rawToken(HS, base(`,"nbf":${AT + 3600}`))],
  ['nbf null', rawToken(HS, base(`,"nbf":null`))],
  ['nbf 1e400', rawToken(HS, base(`,"nbf":1e400`))],
  ['iat a string', rawToken(HS, base(`,"iat":"now"`))],
  ['iss when configured: missing', rawToken(HS, base()), 'https://idp.example'],
  ['iss when configured: other case', rawToken(HS, base(`,"iss":"https://IDP.example"`)), 'https://idp.example'],
  ['iss when configured: in a list', rawToken(HS, base(`,"iss":["https://idp.example"]`)), 'https://idp.example'],
  ['signature of another secret', rawToken(HS, base(), 'x'.repeat(44))],
  [
    'signature with base64 (+/) alphabet',
    (() => {
      const input = `${b64(HS)}.${b64(base())}`;
      const std = createHmac('sha256', SECRET).update(input).digest('base64').replace(/=+$/, '');
      return std.includes('+') || std.includes('/') ? `${input}.${std}` : `${input}.${std}+`;
    })(),
  ],
  ['leading space', ` ${rawToken(HS, base())}`],
  ['trailing newline', `${rawToken(HS, base())}\n`],
  [
    'non-ASCII in the payload part',
    (() => {
      const t = rawToken(HS, base());
      const [h, p, s] = t.split('.');
      return `${h}.${p}\u00e9.${s}`;
    })(),
  ],
  ['payload with a NUL after the JSON', rawToken(HS, `${base()}\u0000`)],
  ['very long token (1 MB header)', rawToken(`{"alg":"HS256","x":"${'a'.repeat(1_000_000)}"`, base())],
];

describe('hostile HS256 tokens', () => {
  it.each(REFUSED)('%s: jose refuses it, and so does the hub', async (_name, t, issuer) => {
    const mine = ours(t, issuer);
    const jose = await theirs(t, issuer);
    // The hub may be stricter than jose, never looser.
    if (mine === 'ok') expect(jose).toBe('ok');
    expect(mine).not.toBe('ok');
  });

  it('a signed payload with a UTF-8 BOM in front of the JSON: accepted by both (TextDecoder drops it)', async () => {
    const t = rawToken(HS, `\ufeff${base()}`);
    expect(ours(t)).toBe(await theirs(t));
  });

  it('a token jose accepts with exp 1e400 (Infinity) is refused by the hub: it would never expire', async () => {
    const t = rawToken(HS, `{"sub":"alice","aud":"insight-hub","exp":1e400}`);
    expect(await theirs(t)).toBe('ok');
    expect(ours(t)).toBe('claim:exp');
  });

  it('the timing-safe comparison is used for the MAC (no early exit on the first differing byte)', async () => {
    // Not a timing measurement (tests never assert times): the source holds the promise.
    const { readFileSync } = await import('node:fs');
    const source = readFileSync(new URL('../../hub/auth/hs256.ts', import.meta.url), 'utf8');
    expect(source).toMatch(/timingSafeEqual\(signature, expected\)/);
    expect(source).not.toMatch(/signature\s*===\s*expected|encoded\s*===|=== *expected/);
  });

  it('agrees with jose on refusing vs accepting for structured claim values (fuzz)', async () => {
    const value = fc.oneof(
      fc.constant(undefined),
      fc.constant(null),
      fc.boolean(),
      fc.constantFrom(
        AT - 3600,
        AT - TOLERANCE,
        AT - TOLERANCE + 1,
        AT,
        AT + TOLERANCE,
        AT + TOLERANCE + 1,
        AT + 600,
        0,
        -1,
        1.5,
      ),
      fc.constantFrom('insight-hub', 'other', '', 'alice', String(AT + 600)),
      fc.constantFrom(['insight-hub'], ['other', 'insight-hub'], [], ['other'], [null], [['insight-hub']]),
      fc.constantFrom({}, { aud: 'insight-hub' }),
    );
    const claimNames = ['sub', 'aud', 'exp', 'nbf', 'iat', 'iss', 'name', 'role', 'rooms', 'jti'];
    const issuers = [undefined, 'https://idp.example'];
    await fc.assert(
      fc.asyncProperty(
        fc.record(Object.fromEntries(claimNames.map((n) => [n, value])) as Record<string, fc.Arbitrary<unknown>>),
        fc.constantFrom(...issuers),
        async (claims, issuer) => {
          const payload = Object.fromEntries(Object.entries(claims).filter(([, v]) => v !== undefined));
          const t = rawToken(HS, JSON.stringify(payload));
          const mine = ours(t, issuer);
          const jose = await theirs(t, issuer);
          expect(mine === 'ok').toBe(jose === 'ok');
          if (mine === 'expired' || jose === 'expired') expect(mine).toBe(jose);
        },
      ),
      { numRuns: 4000 },
    );
  });

  it('names the same missing claim as jose when several required claims are missing', async () => {
    // jose checks presence of iss, aud, sub, exp in that order; a token missing both aud and exp
    // is "aud" for jose. The in-line check should give the same reason (its differential test says
    // "for the same reason").
    const t = rawToken(HS, `{"sub":"alice"}`);
    expect(await theirs(t)).toBe('claim:aud');
    expect(ours(t)).toBe(await theirs(t));
  });
});

describe('claims kept after verification', () => {
  const verifier = async () => {
    const signingKey = await importHmacSecret(SECRET);
    return new TokenVerifier(
      { key: signingKey, algorithms: ['HS256'], signingKey, hmacSecret: KEY, source: 'test' },
      { clockToleranceSec: 30, now: () => NOW },
    );
  };

  it('a __proto__ claim neither reaches Object.prototype nor the kept claims’ prototype', async () => {
    const v = await verifier();
    const t = rawToken(
      HS,
      base(
        `,"__proto__":{"polluted":"yes","role":"admin","rooms":["*"]},"constructor":{"prototype":{"polluted":"yes"}}`,
      ),
    );
    const verified = await v.verify(t);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(verified.claims)).toBe(Object.prototype);
    expect((verified.claims as unknown as Record<string, unknown>).polluted).toBeUndefined();
    expect(verified.user.role).toBe('viewer');
    expect(verified.access.allows('anything')).toBe(false);
    expect(verified.access.allows('user:alice')).toBe(true);
  });

  it('a sub of "__proto__" or "constructor" is an ordinary user with only its own personal room', async () => {
    const v = await verifier();
    for (const sub of ['__proto__', 'constructor', 'hasOwnProperty']) {
      const verified = await v.verify(rawToken(HS, `{"sub":"${sub}","aud":"insight-hub","exp":${AT + 600}}`));
      expect(verified.user.sub).toBe(sub);
      expect(verified.access.allows(`user:${sub}`)).toBe(true);
      expect(verified.access.allows('user:alice')).toBe(false);
      expect(verified.access.allows('dashboard:1')).toBe(false);
    }
  });

  it('keeps jti, invite and maxUses (used by revocation and invites) and drops aud/iss/iat/nbf', async () => {
    const v = await verifier();
    const verified = await v.verify(rawToken(HS, base(`,"jti":"j-1","invite":true,"maxUses":3,"nbf":${AT - 10}`)));
    expect(verified.claims).toMatchObject({ sub: 'alice', jti: 'j-1', invite: true, maxUses: 3, exp: AT + 600 });
    expect(verified.claims).not.toHaveProperty('aud');
    expect(verified.claims).not.toHaveProperty('nbf');
    expect(verified.claims).not.toHaveProperty('iat');
  });

  it('the verifier maps every refusal to an unauthorized HubError and never to an accepted token', async () => {
    const v = await verifier();
    for (const [, t, issuer] of REFUSED) {
      if (issuer) continue;
      await expect(v.verify(t)).rejects.toBeInstanceOf(HubError);
    }
  });

  it('a header verdict cache cannot be flipped: a refused header stays refused after the cache churns', async () => {
    const bad = rawToken('{"alg":"none","typ":"JWT"}', base());
    expect(ours(bad)).not.toBe('ok');
    for (let i = 0; i < 200; i++) ours(rawToken(`{"alg":"HS256","n":${i}}`, base()));
    expect(ours(bad)).not.toBe('ok');
    expect(ours(rawToken(HS, base()))).toBe('ok');
  });
});
