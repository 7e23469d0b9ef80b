/**
 * Whether a verified token may have a session: not revoked (nor the invite it was redeemed from),
 * its user not banned, and not an invite token (those are redeemed, never used as a session).
 * The upgrade, REST calls and `GET /api/session` all ask here, so they refuse alike and say why.
 */
import { CredentialRefusal, type TokenClaims } from '../protocol/index.js';
import type { Ban, BanList } from './bans.js';
import type { Revocations } from './revocations.js';

export const REDEEM_FIRST = 'an invite link is redeemed for a personal token first (POST /api/invites/redeem)';

export function bannedRefusal(ban: Ban): CredentialRefusal {
  return new CredentialRefusal(
    'forbidden',
    `banned until ${new Date(ban.until).toISOString()}: ${ban.reason}`,
    'banned',
    ban,
  );
}

/** Revoked tokens, and personal tokens whose invite was revoked. */
export async function checkRevoked(claims: TokenClaims, revocations: Revocations): Promise<void> {
  if (await revocations.isRevoked(claims.jti)) throw new CredentialRefusal('unauthorized', 'token revoked', 'revoked');
  if (claims.inviteId !== undefined && (await revocations.isRevoked(claims.inviteId))) {
    throw new CredentialRefusal('unauthorized', 'the invite this token was redeemed from was revoked', 'revoked');
  }
}

export async function checkBanned(sub: string, bans: BanList): Promise<void> {
  const ban = await bans.find(sub);
  if (ban) throw bannedRefusal(ban);
}

/** An invite still worth redeeming: not used up. (Expiry and revocation are checked before.) */
export async function checkInviteUses(claims: TokenClaims, revocations: Revocations): Promise<void> {
  if (
    typeof claims.maxUses === 'number' &&
    claims.jti !== undefined &&
    (await revocations.uses(claims.jti)) >= claims.maxUses
  ) {
    throw new CredentialRefusal('forbidden', 'invite used up', 'used_up');
  }
}

/** Invite tokens open no session of their own; a used-up one says so rather than "redeem first". */
export async function checkNotInvite(claims: TokenClaims, revocations: Revocations): Promise<void> {
  if (claims.invite !== true) return;
  await checkInviteUses(claims, revocations);
  throw new CredentialRefusal('forbidden', REDEEM_FIRST, 'not_allowed');
}
