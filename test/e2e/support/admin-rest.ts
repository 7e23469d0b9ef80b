/** Admin actions over REST, as a script of the admin's would make them (bans, invites). */
import type { Json } from '../../../hub/protocol/index.js';
import { hubUrl } from './hub-env.js';
import { adminToken } from './tokens.js';

async function call(method: string, path: string, body?: Json): Promise<Record<string, Json>> {
  const res = await fetch(`${hubUrl()}${path}`, {
    method,
    headers: { authorization: `Bearer ${await adminToken()}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = (await res.json()) as Record<string, Json>;
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${String(answer.message)}`);
  return answer;
}

export async function ban(sub: string, minutes: number, reason: string): Promise<void> {
  await call('POST', '/api/bans', { sub, minutes, reason });
}

export async function unban(sub: string): Promise<void> {
  await call('DELETE', `/api/bans/${encodeURIComponent(sub)}`);
}

export async function createInvite(
  rooms: string[],
  options: { maxUses?: number; role?: 'viewer' | 'editor'; ttlMinutes?: number } = {},
): Promise<{ url: string; jti: string }> {
  const body: Record<string, Json> = { rooms, role: options.role ?? 'viewer', ttlMinutes: options.ttlMinutes ?? 60 };
  if (options.maxUses !== undefined) body.maxUses = options.maxUses;
  const ack = await call('POST', '/api/invites', body);
  return { url: String(ack.url), jti: String(ack.jti) };
}

export async function revokeInvite(jti: string): Promise<void> {
  await call('DELETE', `/api/invites/${encodeURIComponent(jti)}`);
}
