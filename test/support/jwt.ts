/** Test support: JWTs signed (or left unsigned) with any claims and header, for the token tests. */
import type { KeyObject } from 'node:crypto';
import { SignJWT, type JWTPayload } from 'jose';
import { TEST_SECRET } from './fixtures.js';

/** Sign arbitrary JWT claims (defaults: HS256 with the test secret, aud insight-hub, exp in 1 h). */
export async function signJwt(
  claims: Record<string, unknown>,
  opts: {
    alg?: string;
    key?: CryptoKey | KeyObject | Uint8Array;
    header?: Record<string, unknown>;
    omit?: string[];
  } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const payload: Record<string, unknown> = {
    aud: 'insight-hub',
    exp: now + 3600,
    iat: now,
    role: 'editor',
    rooms: ['*'],
    ...claims,
  };
  for (const k of opts.omit ?? []) delete payload[k];
  const alg = opts.alg ?? 'HS256';
  const key = opts.key ?? new TextEncoder().encode(TEST_SECRET);
  return new SignJWT(payload as JWTPayload).setProtectedHeader({ alg, ...opts.header }).sign(key);
}

/** An unsigned `alg: none` token with the given claims (which a hub must refuse). */
export function unsignedJwt(claims: Record<string, unknown>): string {
  const now = Math.floor(Date.now() / 1000);
  const enc = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${enc({ alg: 'none', typ: 'JWT' })}.${enc({ aud: 'insight-hub', exp: now + 3600, role: 'editor', rooms: ['*'], ...claims })}.`;
}
