/**
 * HS256 compact JWS verification on node:crypto, in line. jose verifies HMAC through WebCrypto,
 * which hands every token to the thread pool and back; when each connection brings its own token
 * that round trip is a large share of a handshake, while HMAC-SHA256 of a token takes ~2 µs here.
 *
 * The checks mirror jose's `jwtVerify` for the options the hub uses (a differential test holds
 * them to it) and are stricter in two places: a header with `crit` or `b64` is refused, and the
 * signature must be the canonical base64url of the MAC.
 */
import { createHash, hash, timingSafeEqual, type KeyObject } from 'node:crypto';
import type { JWTPayload } from 'jose';
import { isNumericDate } from './claim-values.js';

export type Hs256Failure = 'malformed' | 'algorithm' | 'signature' | 'expired' | { claim: string };

export class Hs256Error extends Error {
  constructor(readonly failure: Hs256Failure) {
    super(typeof failure === 'string' ? failure : `claim ${failure.claim}`);
  }
}

export interface ClaimRules {
  audience: string;
  issuer?: string;
  /** Seconds. */
  clockTolerance: number;
  /** Milliseconds since the epoch. */
  now: number;
  requiredClaims: readonly string[];
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;
const ASCII = /^[\x20-\x7e]*$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

export function verifyHs256(token: string, key: KeyObject, rules: ClaimRules): JWTPayload {
  const firstDot = token.indexOf('.');
  const secondDot = token.indexOf('.', firstDot + 1);
  if (firstDot < 0 || secondDot < 0 || token.indexOf('.', secondDot + 1) >= 0 || !ASCII.test(token))
    throw new Hs256Error('malformed');
  const headerFailure = checkHeader(token.slice(0, firstDot));
  if (headerFailure) throw new Hs256Error(headerFailure);
  const encoded = token.slice(secondDot + 1);
  // Not base64url at all is a malformed token (as jose says), not a wrong signature.
  if (!isBase64url(encoded)) throw new Hs256Error('malformed');
  const signature = Buffer.from(encoded);
  const expected = Buffer.from(hmacSha256(key, token.slice(0, secondDot)));
  if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) throw new Hs256Error('signature');
  return checkClaims(decodeJsonObject(token.slice(firstDot + 1, secondDot)), rules);
}

/**
 * HMAC-SHA256 (RFC 2104) as two one-shot hashes over the key's padded blocks: `createHmac` sets
 * OpenSSL's HMAC up from the key on every call, and a `Hash` object per step is a stream with a
 * native handle that the GC must finalize; together about 13 µs of a handshake in a profile
 * (`npm run bench -- --only 4 --cpu-prof`). `crypto.hash` builds no object but its answer.
 */
interface KeyPads {
  /** The key's inner pad, then room for the signed part of a token. */
  inner: Buffer;
  /** The key's outer pad, then the inner digest. */
  outer: Buffer;
}

const keyPads = new WeakMap<KeyObject, KeyPads>();
const SHA256_BLOCK = 64;
const SHA256_BYTES = 32;
/** Signed parts up to this long are written after the pad in place; longer ones get their own buffer. */
const SIGNED_PART_ROOM = 4096;

function padsOf(key: KeyObject): KeyPads {
  let pads = keyPads.get(key);
  if (!pads) {
    let secret = key.export();
    if (secret.length > SHA256_BLOCK) secret = createHash('sha256').update(secret).digest();
    const block = Buffer.alloc(SHA256_BLOCK);
    secret.copy(block);
    const inner = Buffer.alloc(SHA256_BLOCK + SIGNED_PART_ROOM);
    const outer = Buffer.alloc(SHA256_BLOCK + SHA256_BYTES);
    for (let i = 0; i < SHA256_BLOCK; i++) {
      inner[i] = block[i] ^ 0x36;
      outer[i] = block[i] ^ 0x5c;
    }
    pads = { inner, outer };
    keyPads.set(key, pads);
  }
  return pads;
}

/** `data` is ASCII (checked before), so latin1 writes it byte for byte. */
function hmacSha256(key: KeyObject, data: string): string {
  const pads = padsOf(key);
  let inner = pads.inner;
  if (data.length > SIGNED_PART_ROOM) {
    inner = Buffer.allocUnsafe(SHA256_BLOCK + data.length);
    pads.inner.copy(inner, 0, 0, SHA256_BLOCK);
  }
  const written = inner.write(data, SHA256_BLOCK, 'latin1');
  hash('sha256', inner.subarray(0, SHA256_BLOCK + written), 'buffer').copy(pads.outer, SHA256_BLOCK);
  return hash('sha256', pads.outer, 'base64url');
}

/** An issuer sends the same header on every token: each distinct one is checked once. */
const headerVerdicts = new Map<string, Hs256Failure | null>();
const HEADER_CACHE_LIMIT = 64;

function checkHeader(encoded: string): Hs256Failure | null {
  let verdict = headerVerdicts.get(encoded);
  if (verdict === undefined) {
    verdict = headerFailure(encoded);
    if (headerVerdicts.size >= HEADER_CACHE_LIMIT) headerVerdicts.clear();
    headerVerdicts.set(encoded, verdict);
  }
  return verdict;
}

function headerFailure(encoded: string): Hs256Failure | null {
  let header: Record<string, unknown>;
  try {
    header = decodeJsonObject(encoded);
  } catch {
    return 'malformed';
  }
  if (header.crit !== undefined || header.b64 !== undefined) return 'malformed';
  if (header.alg !== 'HS256') return typeof header.alg === 'string' && header.alg ? 'algorithm' : 'malformed';
  return null;
}

/**
 * base64url of some whole number of bytes (a length of 4n+1 cannot be), padded or not as jose's
 * decoder accepts it; a padded signature is then refused as wrong, never as canonical.
 */
function isBase64url(part: string): boolean {
  let body = part;
  if (part.endsWith('=')) {
    if (part.length % 4 !== 0) return false;
    body = part.slice(0, part.endsWith('==') ? -2 : -1);
  }
  return BASE64URL.test(body) && body.length % 4 !== 1;
}

function decodeJsonObject(part: string): Record<string, unknown> {
  if (!isBase64url(part)) throw new Hs256Error('malformed');
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(Buffer.from(part, 'base64url')));
  } catch {
    throw new Hs256Error('malformed');
  }
  if (!isPlainObject(value)) throw new Hs256Error('malformed');
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** jose's claim checks for `audience`, `issuer`, `requiredClaims`, `clockTolerance` and `currentDate`. */
function checkClaims(claims: Record<string, unknown>, rules: ClaimRules): JWTPayload {
  // In jose's order, so both name the same missing claim.
  const required = [...rules.requiredClaims, 'aud', ...(rules.issuer === undefined ? [] : ['iss'])].reverse();
  for (const claim of required) if (!Object.hasOwn(claims, claim)) throw new Hs256Error({ claim });
  if (rules.issuer !== undefined && claims.iss !== rules.issuer) throw new Hs256Error({ claim: 'iss' });
  const aud = claims.aud;
  if (!(aud === rules.audience || (Array.isArray(aud) && aud.includes(rules.audience))))
    throw new Hs256Error({ claim: 'aud' });
  const now = Math.floor(rules.now / 1000);
  numericDate(claims, 'iat');
  const nbf = numericDate(claims, 'nbf');
  if (nbf !== undefined && nbf > now + rules.clockTolerance) throw new Hs256Error({ claim: 'nbf' });
  const exp = numericDate(claims, 'exp');
  if (exp !== undefined && exp <= now - rules.clockTolerance) throw new Hs256Error('expired');
  return claims;
}

function numericDate(claims: Record<string, unknown>, claim: string): number | undefined {
  const value = claims[claim];
  // Stricter than jose: a non-finite date (1e400 is Infinity) is refused, not taken as "never expires".
  if (!isNumericDate(value)) throw new Hs256Error({ claim });
  return value;
}
