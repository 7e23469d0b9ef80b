/**
 * Reads a JWT's claims for display and for choosing which rooms to open. Never trusted: the hub
 * verifies the token, and the `welcome` it sends is the truth about who we are.
 */
import { isRole, type Role } from '../../hub/protocol/index.js';

export interface TokenView {
  sub?: string;
  name?: string;
  role?: Role;
  rooms: string[];
  /** Expiry in epoch milliseconds. */
  expiresAt?: number;
  /** Token id: what an invite is revoked by. */
  jti?: string;
  /** An invite: exchanged for a personal token (`POST /api/invites/redeem`) before use. */
  invite: boolean;
}

export function readTokenClaims(token: string): TokenView | null {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) return null;
  let claims: unknown;
  try {
    claims = JSON.parse(decodeBase64Url(parts[1]));
  } catch {
    return null;
  }
  if (typeof claims !== 'object' || claims === null) return null;
  const c = claims as Record<string, unknown>;
  return {
    sub: typeof c.sub === 'string' ? c.sub : undefined,
    name: typeof c.name === 'string' ? c.name : undefined,
    role: isRole(c.role) ? c.role : undefined,
    rooms: Array.isArray(c.rooms) ? c.rooms.filter((r): r is string => typeof r === 'string') : [],
    expiresAt: typeof c.exp === 'number' ? c.exp * 1000 : undefined,
    jti: typeof c.jti === 'string' ? c.jti : undefined,
    invite: c.invite === true,
  };
}

function decodeBase64Url(text: string): string {
  const base64 = text
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(text.length / 4) * 4, '=');
  const bytes = Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/** Whether a string looks like a JWT (three base64url parts) before we try it on the hub. */
export function looksLikeToken(text: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(text);
}
