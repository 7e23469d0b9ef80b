/**
 * The in-line HS256 check against jose's `jwtVerify` with the hub's options: for every crafted and
 * every randomly mutated token both accept or both refuse, for the same reason. The two places
 * where the hub is stricter (`crit`/`b64` headers, non-canonical signatures) are asserted as such.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AT, TOLERANCE, b64, hs256Verdicts } from '../support/hs256-verdicts.js';

const { mac, ours, theirs } = hs256Verdicts('s'.repeat(40));
function token(header: unknown, payload: unknown, secret?: string): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${mac(input, secret)}`;
}
const claims = (extra: Record<string, unknown> = {}) => ({
  sub: 'alice',
  aud: 'insight-hub',
  exp: AT + 600,
  iat: AT,
  ...extra,
});

const HS = { alg: 'HS256', typ: 'JWT' };
const CASES: Array<[string, string, string?]> = [
  ['valid', token(HS, claims())],
  ['valid without typ', token({ alg: 'HS256' }, claims())],
  ['valid with aud list', token(HS, claims({ aud: ['other', 'insight-hub'] }))],
  ['alg none', `${b64({ alg: 'none' })}.${b64(claims())}.`],
  ['alg HS512', token({ alg: 'HS512' }, claims())],
  ['alg RS256 signed with the secret', token({ alg: 'RS256' }, claims())],
  ['alg missing', token({ typ: 'JWT' }, claims())],
  ['alg empty', token({ alg: '' }, claims())],
  ['alg a number', token({ alg: 256 }, claims())],
  ['header an array', token(['HS256'], claims())],
  ['header null', token(null, claims())],
  ['header not JSON', token('{alg:HS256}', claims())],
  ['header not base64url', `${b64(HS)}!.${b64(claims())}.${mac(`${b64(HS)}!.${b64(claims())}`)}`],
  ['payload an array', token(HS, [claims()])],
  ['payload a string', token(HS, 'alice')],
  ['payload null', token(HS, null)],
  ['payload not JSON', token(HS, 'not json')],
  [
    'payload invalid UTF-8',
    (() => {
      const input = `${b64(HS)}.${Buffer.from([0x7b, 0xff, 0x7d]).toString('base64url')}`;
      return `${input}.${mac(input)}`;
    })(),
  ],
  ['two parts', `${b64(HS)}.${b64(claims())}`],
  ['four parts', `${token(HS, claims())}.x`],
  ['empty', ''],
  ['other secret', token(HS, claims(), 'o'.repeat(40))],
  ['signature truncated', token(HS, claims()).slice(0, -2)],
  ['signature empty', `${b64(HS)}.${b64(claims())}.`],
  [
    'payload tampered',
    (() => {
      const [h, , s] = token(HS, claims()).split('.');
      return `${h}.${b64(claims({ sub: 'mallory' }))}.${s}`;
    })(),
  ],
  ['exp missing', token(HS, claims({ exp: undefined }))],
  ['exp a string', token(HS, claims({ exp: String(AT + 600) }))],
  ['exp just inside tolerance', token(HS, claims({ exp: AT - TOLERANCE + 1 }))],
  ['exp at the tolerance', token(HS, claims({ exp: AT - TOLERANCE }))],
  ['exp long ago', token(HS, claims({ exp: AT - 3600 }))],
  ['nbf inside tolerance', token(HS, claims({ nbf: AT + TOLERANCE }))],
  ['nbf beyond tolerance', token(HS, claims({ nbf: AT + TOLERANCE + 1 }))],
  ['nbf a string', token(HS, claims({ nbf: 'soon' }))],
  ['iat a string', token(HS, claims({ iat: 'now' }))],
  ['iat in the future', token(HS, claims({ iat: AT + 86_400 }))],
  ['sub missing', token(HS, claims({ sub: undefined }))],
  ['only sub', token(HS, { sub: 'alice' })],
  ['nothing but iss', token(HS, { iss: 'https://idp' }), 'https://idp'],
  ['aud missing', token(HS, claims({ aud: undefined }))],
  ['aud other', token(HS, claims({ aud: 'other' }))],
  ['aud a number', token(HS, claims({ aud: 5 }))],
  ['aud list without the hub', token(HS, claims({ aud: ['a', 'b'] }))],
  ['iss expected and right', token(HS, claims({ iss: 'https://idp' })), 'https://idp'],
  ['iss expected and wrong', token(HS, claims({ iss: 'https://evil' })), 'https://idp'],
  ['iss expected and missing', token(HS, claims()), 'https://idp'],
];

/** The signature part decodes to the right MAC but is not its canonical base64url (padding, spare bits). */
function nonCanonicalSignature(t: string): boolean {
  const parts = t.split('.');
  if (parts.length !== 3) return false;
  const right = mac(`${parts[0]}.${parts[1]}`);
  return (
    parts[2] !== right && Buffer.from(parts[2]!.replace(/=+$/, ''), 'base64url').equals(Buffer.from(right, 'base64url'))
  );
}

describe('in-line HS256 verification agrees with jose', () => {
  it.each(CASES)('%s', async (_name, t, issuer) => {
    expect(ours(t, issuer)).toBe(await theirs(t, issuer));
  });

  it('agrees on random mutations of a valid token', async () => {
    const base = token(HS, claims({ name: 'Alice', role: 'editor', rooms: ['dashboard:*'] }));
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=!';
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(fc.nat(base.length - 1), fc.constantFrom(...alphabet), fc.constantFrom('set', 'insert', 'delete')),
          { minLength: 1, maxLength: 4 },
        ),
        async (edits) => {
          let t = base;
          for (const [at, ch, op] of edits) {
            const i = at % Math.max(1, t.length);
            t =
              op === 'set'
                ? t.slice(0, i) + ch + t.slice(i + 1)
                : op === 'insert'
                  ? t.slice(0, i) + ch + t.slice(i)
                  : t.slice(0, i) + t.slice(i + 1);
          }
          const mine = ours(t);
          const jose = await theirs(t);
          if (jose === 'ok' && mine !== 'ok') expect(nonCanonicalSignature(t)).toBe(true);
          else expect(mine).toBe(jose);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('is stricter than jose in two places', async () => {
    const crit = token({ alg: 'HS256', crit: ['b64'], b64: true }, claims());
    expect(await theirs(crit)).toBe('ok');
    expect(ours(crit)).toBe('malformed');
    const good = token(HS, claims());
    const sig = good.split('.')[2]!;
    // 32 bytes → 43 characters; the last carries 4 spare bits that base64url decoders ignore.
    const last = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const flipped = last[last.indexOf(sig.at(-1)!) ^ 1]!;
    const nonCanonical = good.slice(0, -1) + flipped;
    expect(await theirs(nonCanonical)).toBe('ok');
    expect(ours(nonCanonical)).toBe('signature');
    const padded = `${good}=`;
    expect(await theirs(padded)).toBe('ok');
    expect(ours(padded)).toBe('signature'); // refused: not the canonical encoding
  });
});

describe('HMAC from the key blocks', () => {
  // RFC 2104: a key up to the 64-byte block is padded, a longer one is hashed first.
  it.each([1, 16, 40, 63, 64, 65, 200])('agrees with jose for a %i-byte secret, and refuses a wrong one', async (n) => {
    const secret = 'k'.repeat(n - 1) + String.fromCharCode(0x41 + (n % 26));
    const v = hs256Verdicts(secret);
    const input = `${b64(HS)}.${b64(claims())}`;
    const signed = `${input}.${v.mac(input)}`;
    expect(v.ours(signed)).toBe('ok');
    expect(await v.theirs(signed)).toBe('ok');
    const other = `${input}.${v.mac(input, `${secret}x`)}`;
    expect(v.ours(other)).toBe('signature');
    expect(await v.theirs(other)).toBe('signature');
  });
});

describe('the signed part written after the key pad', () => {
  // Up to 4 KB it is written in place after the pad; a longer one gets its own buffer.
  it.each([4000, 4096 - 64, 4200, 12_000])('verifies a token of about %i bytes, then a short one', async (n) => {
    const long = token(HS, claims({ note: 'n'.repeat(n) }));
    expect(ours(long)).toBe('ok');
    expect(await theirs(long)).toBe('ok');
    // Nothing of the long token is left to sign the next one with.
    const short = token(HS, claims());
    expect(ours(short)).toBe('ok');
    expect(ours(`${short.slice(0, -2)}AA`)).toBe('signature');
  });
});
