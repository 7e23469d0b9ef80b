/** Tokens for the e2e hub, signed with its secret exactly as InsightEngine's backend would. */
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { TOKEN_AUDIENCE, type Role } from '../../../hub/protocol/index.js';
import { E2E_SECRET } from './hub-env.js';

export interface TokenFor {
  sub: string;
  name?: string;
  role: Role;
  rooms: string[];
  ttlSec?: number;
}

const key = new TextEncoder().encode(E2E_SECRET);

export async function mint(t: TokenFor): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ name: t.name ?? t.sub, role: t.role, rooms: t.rooms })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(t.sub)
    .setAudience(TOKEN_AUDIENCE)
    .setIssuedAt(now)
    .setExpirationTime(now + (t.ttlSec ?? 3600))
    .setJti(randomUUID())
    .sign(key);
}

export function adminToken(): Promise<string> {
  return mint({ sub: 'analyst', name: 'Ana Analyst', role: 'admin', rooms: ['*'] });
}

export function serviceToken(): Promise<string> {
  return mint({ sub: 'insight-engine', name: 'InsightEngine', role: 'service', rooms: ['*'] });
}
