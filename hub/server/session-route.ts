/**
 * `GET /api/session`: why a token is (or would be) refused, over HTTP — a browser cannot read an
 * upgrade's 401/403. The same checks as the upgrade, in its order, each refusal with its `reason`.
 */
import { ADMIN_ROOM, CredentialRefusal, isValidRoomName, type SessionAnswer } from '../protocol/index.js';
import type { HubCore } from '../core/hub-core.js';
import type { BanList } from '../auth/bans.js';
import type { Revocations } from '../auth/revocations.js';
import { checkBanned, checkInviteUses, checkRevoked } from '../auth/admission.js';
import type { Router } from '../http/router.js';
import { bearerToken, sendJson } from '../http/http-util.js';

export function addSessionRoute(router: Router, core: HubCore, bans: BanList, revocations: Revocations): void {
  router.add('GET', '/api/session', async (req, res, _params, url) => {
    const token = bearerToken(req);
    if (!token) throw new CredentialRefusal('unauthorized', 'Authorization: Bearer token required', 'invalid');
    const identity = await core.verifyToken(token);
    const { claims, user } = identity;
    await checkRevoked(claims, revocations);
    // An invite is asked about before it is redeemed: good (200, `invite: true`) unless used up.
    if (claims.invite === true) await checkInviteUses(claims, revocations);
    else await checkBanned(user.sub, bans);
    const room = url.searchParams.get('room');
    if (room !== null) {
      const allowed =
        isValidRoomName(room) && (room === ADMIN_ROOM ? user.role === 'admin' : identity.access.allows(room));
      if (!allowed)
        throw new CredentialRefusal('forbidden', `this token does not allow ${room.slice(0, 128)}`, 'not_allowed');
    }
    const answer: SessionAnswer & { invite?: true } = { user, expiresAt: identity.expiresAt };
    if (claims.invite === true) answer.invite = true;
    sendJson(res, 200, answer);
  });
}
