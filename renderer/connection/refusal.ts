/**
 * Why the hub refuses this token. A browser cannot read the status of a refused WebSocket
 * upgrade (it sees only a close without a code), so it asks `GET /api/session` with the same
 * token, which answers 200 or the refusal as JSON (`reason`, and `until` for a ban).
 */
import { REFUSAL_REASONS, type RefusalReason, type SessionAnswer } from '../../hub/protocol/index.js';
import type { FetchFn } from './hub-address.js';

export interface Refusal {
  reason: RefusalReason;
  /** The hub's own words (for a ban, with its reason). */
  message: string;
  /** When a ban ends (epoch ms). */
  until?: number;
  /** The ban's reason, as the admin gave it. */
  banReason?: string;
}

export type SessionCheck =
  | { kind: 'accepted'; sub?: string; expiresAt?: number }
  | { kind: 'refused'; refusal: Refusal }
  /** The hub did not answer at all (down, wrong address, network). */
  | { kind: 'unreachable'; message: string }
  /** It answered, but not as the hub does (a proxy's error page, a 5xx). */
  | { kind: 'unknown'; status: number };

export async function checkSession(httpUrl: string, token: string, fetchImpl: FetchFn = fetch): Promise<SessionCheck> {
  let res: Response;
  try {
    res = await fetchImpl(`${httpUrl}/api/session`, {
      headers: { authorization: `Bearer ${token}` },
      cache: 'no-store',
    });
  } catch (err) {
    return { kind: 'unreachable', message: (err as Error).message };
  }
  const body = await jsonObject(res);
  if (res.ok) {
    const answer = body as Partial<SessionAnswer>;
    return {
      kind: 'accepted',
      sub: answer.user?.sub,
      expiresAt: typeof answer.expiresAt === 'number' ? answer.expiresAt : undefined,
    };
  }
  const refusal = readRefusal(body);
  if ((res.status === 401 || res.status === 403) && refusal) return { kind: 'refused', refusal };
  return { kind: 'unknown', status: res.status };
}

/** A response's JSON object body; `{}` when it is not JSON or not an object (a proxy's page). */
export function jsonObject(res: Response): Promise<Record<string, unknown>> {
  return res.json().then(
    (b: unknown) => (typeof b === 'object' && b !== null ? (b as Record<string, unknown>) : {}),
    () => ({}),
  );
}

/** A refusal body as the hub writes it (`/api/session`, `/api/invites/redeem`); null if it is not one. */
export function readRefusal(body: Record<string, unknown>): Refusal | null {
  const reason = body.reason;
  if (!REFUSAL_REASONS.includes(reason as RefusalReason)) return null;
  const refusal: Refusal = {
    reason: reason as RefusalReason,
    message: typeof body.message === 'string' ? body.message : '',
  };
  if (typeof body.until === 'number' && Number.isFinite(body.until)) refusal.until = body.until;
  if (typeof body.banReason === 'string' && body.banReason) refusal.banReason = body.banReason;
  return refusal;
}

/** Only a ban with an end is worth waiting out; every other refusal needs another link. */
export function isPermanent(refusal: Refusal): boolean {
  return !(refusal.reason === 'banned' && refusal.until !== undefined);
}
