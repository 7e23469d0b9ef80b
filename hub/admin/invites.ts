/**
 * Invites: room-scoped tokens minted by an admin for a role and a lifetime, optionally limited in
 * uses, revocable by `jti`. An invite is redeemed, not shared: each person exchanges it (with the
 * display name they typed) for a personal token with its own `sub`, the invite's rooms and role,
 * and a life within the invite's. One redemption is one use of `maxUses`; reconnects with the
 * personal token cost nothing. Records of invites and their redemptions live in the engine's
 * record store, which every hub shares.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import {
  CredentialRefusal,
  HubError,
  readInvite,
  readRedeemedInvite,
  type Invite,
  type InviteRedemption,
  type RedeemedInvite,
  type Role,
  type TokenClaims,
} from '../protocol/index.js';
import type { RecordStore } from '../core/engine.js';
import type { Revocations } from '../auth/revocations.js';
import type { InviteParams } from './admin-params.js';

/** Who redeemed an invite: the personal token's `sub`, the name they gave, and when. */
export type Redemption = RedeemedInvite;

export interface MintInvite {
  (claims: {
    sub: string;
    name: string;
    role: Role;
    rooms: readonly string[];
    ttlSec: number;
    jti: string;
    extra: Record<string, string | number | boolean>;
  }): Promise<string>;
}

const KIND = 'invite';
const REDEEMED = 'invite-redeemed';

export class Invites {
  constructor(
    private readonly records: RecordStore,
    private readonly revocations: Revocations,
    private readonly mint: MintInvite,
    /** The hub web client's base URL; the token goes in the fragment, which never reaches a server. */
    private readonly baseUrl: string,
    /** False when the hub verifies with a public key or JWKS: it holds no key to sign with. */
    private readonly canMint: boolean,
    /** The links point at a loopback address: colleagues cannot open them. */
    private readonly loopbackOnly = false,
  ) {}

  /** What an invite will be, before anything is minted (so it can be audited first). */
  plan(params: InviteParams, by: string, now = Date.now()): Invite {
    if (!this.canMint)
      throw new HubError('conflict', 'this hub verifies tokens with a public key or JWKS and cannot mint invites');
    const jti = randomUUID();
    return {
      jti,
      sub: `invite-${randomBytes(6).toString('base64url')}`,
      name: params.name ?? 'Guest',
      rooms: params.rooms,
      role: params.role,
      maxUses: params.maxUses ?? null,
      createdAt: now,
      expiresAt: now + Math.round(params.ttlMinutes * 60_000),
      by,
    };
  }

  async create(invite: Invite): Promise<{ token: string; url: string; warning?: 'loopback' }> {
    const extra: Record<string, string | number | boolean> = { invite: true };
    if (invite.maxUses !== null) extra.maxUses = invite.maxUses;
    const ttlSec = Math.max(1, Math.round((invite.expiresAt - Date.now()) / 1000));
    const token = await this.mint({
      sub: invite.sub,
      name: invite.name,
      role: invite.role,
      rooms: invite.rooms,
      ttlSec,
      jti: invite.jti,
      extra,
    });
    await this.records.put(KIND, invite.jti, invite, Math.max(1, invite.expiresAt - Date.now()));
    const url = `${this.baseUrl.replace(/\/+$/, '')}/#token=${token}`;
    return this.loopbackOnly ? { token, url, warning: 'loopback' } : { token, url };
  }

  async find(jti: string): Promise<Invite | undefined> {
    return readInvite(await this.records.get(KIND, jti));
  }

  async revoke(invite: Invite): Promise<void> {
    await this.revocations.revoke(invite.jti, invite.expiresAt);
    await this.records.delete(KIND, invite.jti);
  }

  async list(): Promise<Array<Invite & { uses: number; redemptions: Redemption[] }>> {
    const now = Date.now();
    const invites = (await this.records.list(KIND))
      .map((r) => readInvite(r.value))
      .filter((i): i is Invite => i !== undefined && i.expiresAt > now);
    const redemptions = (await this.records.list(REDEEMED))
      .map((r) => readRedeemedInvite(r.value))
      .filter((r): r is Redemption => r !== undefined);
    const withUses = invites.map((i) => {
      const own = redemptions.filter((r) => r.jti === i.jti).sort((a, b) => a.at - b.at);
      return { ...i, uses: own.length, redemptions: own };
    });
    return withUses.sort((a, b) => b.createdAt - a.createdAt);
  }

  /**
   * Exchange a verified, unrevoked invite for a personal token. A limited invite is used once per
   * redemption; past `maxUses` the answer is 403 `used_up` and nothing is minted.
   */
  async redeem(
    claims: TokenClaims,
    expiresAt: number,
    name: string,
    now = Date.now(),
  ): Promise<{ answer: InviteRedemption; redemption: Redemption }> {
    const jti = claims.jti;
    if (claims.invite !== true || jti === undefined)
      throw new CredentialRefusal('forbidden', 'this token is not an invite', 'not_allowed');
    // Revoking deletes the record: an invite without one is not redeemed whatever its signature says.
    const invite = await this.find(jti);
    if (!invite) throw new CredentialRefusal('unauthorized', 'invite revoked', 'revoked');
    // Too late to mint a token that ends no later than the invite (the clock tolerance let it in).
    if (expiresAt - now < 1000) throw new CredentialRefusal('unauthorized', 'invite expired', 'expired');
    if (typeof claims.maxUses === 'number' && !(await this.revocations.use(jti, claims.maxUses, expiresAt))) {
      throw new CredentialRefusal('forbidden', 'invite used up', 'used_up');
    }
    const sub = `guest-${randomBytes(9).toString('base64url')}`;
    const ttlSec = Math.max(1, Math.floor((expiresAt - now) / 1000));
    const token = await this.mint({
      sub,
      name,
      role: claims.role,
      rooms: claims.rooms,
      ttlSec,
      jti: randomUUID(),
      extra: { inviteId: jti },
    });
    const redemption: Redemption = { jti, sub, name, at: now };
    await this.records.put(REDEEMED, `${jti}|${sub}`, redemption, Math.max(1, expiresAt - now));
    // The personal token's `exp` is whole seconds at or before the invite's.
    return { answer: { token, sub, expiresAt: (Math.floor(now / 1000) + ttlSec) * 1000 }, redemption };
  }
}
