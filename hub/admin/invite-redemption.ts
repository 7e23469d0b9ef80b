/**
 * `POST /api/invites/redeem`: the holder of an invite token (as the bearer) gives a display name
 * and gets a personal token `201 {token, sub, expiresAt}`. Each person is then someone of their
 * own: the console tells them apart, a ban hits only them, and revoking the invite ends them all.
 */
import type { IncomingMessage } from 'node:http';
import { CredentialRefusal, HubError, isPlainObject } from '../protocol/index.js';
import { checkRevoked } from '../auth/admission.js';
import type { HubContext } from '../http/extension.js';
import { bearerToken, clientIp, readJsonBody, sendJson } from '../http/http-util.js';
import { KeyedRateLimit } from '../core/limits.js';
import type { Invites, Redemption } from './invites.js';

export const MAX_DISPLAY_NAME = 64;
/** Redemptions per client address: sustained per second and burst; past it 429. */
export const REDEEM_PER_SECOND = 5;
export const REDEEM_BURST = 30;
/** Bodies are a name and nothing more. */
const MAX_BODY_BYTES = 1024;

/**
 * Control, format (zero-width, bidi overrides), private-use, unassigned and surrogate code points,
 * line/paragraph separators, and the blank "letters" that render as nothing.
 */
const INVISIBLE = /[\p{C}\p{Zl}\p{Zp}\u115F\u1160\u3164\uFFA0\u2800\u180E]/u;

/** A display name: trimmed, 1–64 characters, nothing invisible. Whatever else is refused names why. */
export function parseDisplayName(value: unknown): string {
  if (typeof value !== 'string') throw new HubError('bad_request', '"name" must be a string');
  const name = value.trim();
  if (name.length === 0) throw new HubError('bad_request', '"name" must not be empty');
  if ([...name].length > MAX_DISPLAY_NAME)
    throw new HubError('bad_request', `"name" is longer than ${MAX_DISPLAY_NAME} characters`);
  if (INVISIBLE.test(name))
    throw new HubError('bad_request', '"name" must not contain control or invisible characters');
  return name;
}

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

export function addRedeemRoute(
  ctx: HubContext,
  invites: Invites,
  onRedeemed: (r: Redemption, ip: string) => void,
): void {
  const inviteOf = async (req: IncomingMessage) => {
    const token = bearerToken(req);
    if (!token) throw new CredentialRefusal('unauthorized', 'Authorization: Bearer <invite token> required', 'invalid');
    const identity = await ctx.core.verifyToken(token);
    await checkRevoked(identity.claims, ctx.revocations);
    return identity;
  };

  // A person redeems once; a leaked link or a script must not mint tokens (and records) at wire speed.
  const perAddress = new KeyedRateLimit(REDEEM_PER_SECOND, REDEEM_BURST);
  ctx.router.add('POST', '/api/invites/redeem', async (req, res) => {
    if (!perAddress.take(clientIp(req))) {
      res.setHeader('retry-after', '1');
      throw new HubError('rate_limited', 'too many redemptions from this address');
    }
    const invite = await inviteOf(req);
    const body = await readJsonBody(req, MAX_BODY_BYTES);
    if (!isPlainObject(body)) throw new HubError('bad_request', 'body must be a JSON object {name}');
    const name = parseDisplayName(body.name);
    const { answer, redemption } = await invites.redeem(invite.claims, invite.expiresAt, name);
    onRedeemed(redemption, clientIp(req));
    sendJson(res, 201, answer);
  });
}
