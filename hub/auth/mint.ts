/** Minting HS256 tokens with the hub's own secret (CLI `token`, invites, the console's admin token). */
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { CryptoKey } from './keys.js';
import { TOKEN_AUDIENCE, checkRoomsClaim, isRole, type Role } from '../protocol/index.js';
import { identityTextProblem } from './claim-values.js';

/** Lifetime of a minted token when none is asked for: a working day, as `insight-hub token --ttl` defaults. */
export const DEFAULT_TOKEN_TTL_SEC = 8 * 3600;

export interface MintRequest {
  sub: string;
  name?: string;
  role: Role;
  rooms: readonly string[];
  /** Lifetime in seconds; default DEFAULT_TOKEN_TTL_SEC (8 h). */
  ttlSec?: number;
  jti?: string;
  issuer?: string;
  /** Extra claims (e.g. `invite: true`). */
  extra?: Record<string, string | number | boolean>;
}

export async function mintToken(key: CryptoKey, req: MintRequest, now = Date.now()): Promise<string> {
  if (!req.sub) throw new Error('sub is required');
  // A token the hub would refuse is not minted: say why here, not at the upgrade.
  for (const [kind, text] of [
    ['sub', req.sub],
    ['name', req.name],
  ] as const) {
    const problem = text === undefined ? null : identityTextProblem(text, kind);
    if (problem) throw new Error(`${kind} ${problem}`);
  }
  if (!isRole(req.role)) throw new Error(`role must be viewer, editor, admin or service`);
  const ttlSec = req.ttlSec ?? DEFAULT_TOKEN_TTL_SEC;
  if (!(ttlSec > 0)) throw new Error('ttl must be positive');
  checkRoomsClaim(req.rooms);
  const iat = Math.floor(now / 1000);
  const jwt = new SignJWT({ ...req.extra, name: req.name ?? req.sub, role: req.role, rooms: req.rooms })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(req.sub)
    .setAudience(TOKEN_AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + Math.ceil(ttlSec))
    .setJti(req.jti ?? randomUUID());
  if (req.issuer) jwt.setIssuer(req.issuer);
  return jwt.sign(key);
}

/** Parse a lifetime like `90s`, `15m`, `8h`, `7d` (or plain seconds) into seconds. */
export function parseTtl(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(s|m|h|d)?$/.exec(text.trim());
  if (!m) throw new Error(`invalid ttl "${text}" (use 90s, 15m, 8h or 7d)`);
  const unit = { s: 1, m: 60, h: 3600, d: 86400 }[(m[2] ?? 's') as 's' | 'm' | 'h' | 'd'];
  return Math.round(Number(m[1]) * unit);
}
