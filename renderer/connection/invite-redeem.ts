/**
 * An invite link is not used as it is: whoever opens it gives a display name and exchanges the
 * invite for a personal token (own sub, the invite's rooms and role) with
 * `POST /api/invites/redeem`. The personal token is kept per invite in localStorage, so opening
 * the same link again, in this tab or another, reuses it instead of taking a second use.
 */
import type { FetchFn } from './hub-address.js';
import { jsonObject, readRefusal, type Refusal } from './refusal.js';
import { readTokenClaims } from './token-claims.js';

export const DISPLAY_NAME_KEY = 'insight-hub.display-name';
const REDEEMED_PREFIX = 'insight-hub.redeemed.';
export const MAX_DISPLAY_NAME = 64;

export type LastingStore = Pick<Storage, 'getItem' | 'setItem' | 'removeItem' | 'key' | 'length'>;

export type Redeemed =
  | { kind: 'redeemed'; token: string; sub: string; expiresAt?: number }
  | { kind: 'refused'; refusal: Refusal }
  | { kind: 'failed'; message: string };

export async function redeemInvite(
  httpUrl: string,
  invite: string,
  name: string,
  fetchImpl: FetchFn = fetch,
): Promise<Redeemed> {
  let res: Response;
  try {
    res = await fetchImpl(`${httpUrl}/api/invites/redeem`, {
      method: 'POST',
      headers: { authorization: `Bearer ${invite}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name }),
      cache: 'no-store',
    });
  } catch (err) {
    return { kind: 'failed', message: `Cannot reach the hub (${(err as Error).message})` };
  }
  const body = await jsonObject(res);
  if (res.ok && typeof body.token === 'string') {
    return {
      kind: 'redeemed',
      token: body.token,
      sub: typeof body.sub === 'string' ? body.sub : '',
      expiresAt: typeof body.expiresAt === 'number' ? body.expiresAt : undefined,
    };
  }
  const refusal = readRefusal(body);
  if (refusal) return { kind: 'refused', refusal };
  return {
    kind: 'failed',
    message: typeof body.message === 'string' ? body.message : `The hub answered ${res.status}`,
  };
}

/** A display name: trimmed, inner runs of space made one, at most MAX_DISPLAY_NAME characters. */
export function cleanDisplayName(text: string): string {
  return text.trim().replace(/\s+/g, ' ').slice(0, MAX_DISPLAY_NAME);
}

export function rememberedName(store: LastingStore | undefined): string {
  return store?.getItem(DISPLAY_NAME_KEY) ?? '';
}

export function rememberName(store: LastingStore | undefined, name: string): void {
  store?.setItem(DISPLAY_NAME_KEY, name);
}

/** The personal token this browser already got for an invite, while it still works. */
export function redeemedFor(store: LastingStore | undefined, invite: string, now = Date.now()): string | null {
  const jti = readTokenClaims(invite)?.jti;
  if (!store || !jti) return null;
  const token = store.getItem(REDEEMED_PREFIX + jti);
  if (!token) return null;
  const exp = readTokenClaims(token)?.expiresAt;
  if (exp !== undefined && exp <= now) {
    store.removeItem(REDEEMED_PREFIX + jti);
    return null;
  }
  return token;
}

export function keepRedeemed(store: LastingStore | undefined, invite: string, personal: string): void {
  const jti = readTokenClaims(invite)?.jti;
  if (store && jti) store.setItem(REDEEMED_PREFIX + jti, personal);
}

/** Forget a personal token the hub no longer takes (revoked, expired), so the link asks again. */
export function forgetRedeemed(store: LastingStore | undefined, personal: string): void {
  if (!store) return;
  for (let i = store.length - 1; i >= 0; i--) {
    const key = store.key(i);
    if (key?.startsWith(REDEEMED_PREFIX) && store.getItem(key) === personal) store.removeItem(key);
  }
}

/** Whether a token still has to be exchanged: an invite this browser has not redeemed. */
export function needsRedeeming(token: string): boolean {
  return readTokenClaims(token)?.invite === true;
}
