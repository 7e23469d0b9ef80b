/**
 * Invites: room-scoped tokens minted by an admin for a role and a lifetime, optionally limited in
 * uses, revocable by `jti`. The token carries `invite: true` and its `maxUses`, so only invite
 * tokens pay for the use count at admission; a record of each invite is kept (for listing and
 * revoking) in the engine's record store, which every hub shares.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { HubError, asJson, type Role, type TokenClaims } from '../protocol/index.js';
import type { RecordStore } from '../core/engine.js';
import type { SessionIdentity } from '../core/session.js';
import type { Revocations } from '../auth/revocations.js';
import type { InviteParams } from './admin-params.js';

export interface InviteRecord {
  jti: string;
  sub: string;
  name: string;
  rooms: string[];
  role: Role;
  maxUses: number | null;
  createdAt: number;
  expiresAt: number;
  by: string;
}

export interface MintInvite {
  (claims: { sub: string; name: string; role: Role; rooms: string[]; ttlSec: number; jti: string; extra: Record<string, string | number | boolean> }): Promise<string>;
}

type InviteClaims = TokenClaims & { invite?: unknown; maxUses?: unknown };

const KIND = 'invite';
const USES = 'uses';
/** Client addresses that already hold a use of an invite. */
const SEATS = 'invite-seat';

export class Invites {
  constructor(
    private readonly records: RecordStore,
    private readonly revocations: Revocations,
    private readonly mint: MintInvite,
    /** The hub web client's base URL; the token goes in the fragment, which never reaches a server. */
    private readonly baseUrl: string,
    /** False when the hub verifies with a public key or JWKS: it holds no key to sign with. */
    private readonly canMint: boolean,
  ) {}

  /** What an invite will be, before anything is minted (so it can be audited first). */
  plan(params: InviteParams, by: string, now = Date.now()): InviteRecord {
    if (!this.canMint) throw new HubError('conflict', 'this hub verifies tokens with a public key or JWKS and cannot mint invites');
    const jti = randomUUID();
    return {
      jti,
      sub: `guest-${randomBytes(6).toString('base64url')}`,
      name: params.name ?? 'Guest',
      rooms: params.rooms,
      role: params.role,
      maxUses: params.maxUses ?? null,
      createdAt: now,
      expiresAt: now + Math.round(params.ttlMinutes * 60_000),
      by,
    };
  }

  async create(invite: InviteRecord): Promise<{ token: string; url: string }> {
    const extra: Record<string, string | number | boolean> = { invite: true };
    if (invite.maxUses !== null) extra.maxUses = invite.maxUses;
    const ttlSec = Math.max(1, Math.round((invite.expiresAt - Date.now()) / 1000));
    const token = await this.mint({ sub: invite.sub, name: invite.name, role: invite.role, rooms: invite.rooms, ttlSec, jti: invite.jti, extra });
    await this.records.put(KIND, invite.jti, asJson(invite), Math.max(1, invite.expiresAt - Date.now()));
    return { token, url: `${this.baseUrl.replace(/\/+$/, '')}/#token=${token}` };
  }

  async find(jti: string): Promise<InviteRecord | undefined> {
    return (await this.records.get(KIND, jti)) as unknown as InviteRecord | undefined;
  }

  async revoke(invite: InviteRecord): Promise<void> {
    await this.revocations.revoke(invite.jti, invite.expiresAt);
    await this.records.delete(KIND, invite.jti);
  }

  async list(): Promise<Array<InviteRecord & { uses: number }>> {
    const now = Date.now();
    const invites = (await this.records.list(KIND)).map((r) => r.value as unknown as InviteRecord).filter((i) => i.expiresAt > now);
    const withUses = await Promise.all(invites.map(async (i) => ({ ...i, uses: Number((await this.records.get(USES, i.jti)) ?? 0) })));
    return withUses.sort((a, b) => b.createdAt - a.createdAt);
  }

  /**
   * Admission check (upgrades and REST calls): a limited invite is used once per client address,
   * so a colleague's reconnects do not use it up; a new address past `maxUses` is refused.
   */
  readonly admit = async (identity: SessionIdentity, ip: string): Promise<void> => {
    const claims = identity.claims as InviteClaims;
    if (claims.invite !== true || typeof claims.maxUses !== 'number' || !claims.jti) return;
    const seat = `${claims.jti}|${ip}`;
    if ((await this.records.get(SEATS, seat)) !== undefined) return;
    if (!(await this.revocations.use(claims.jti, claims.maxUses, identity.expiresAt))) {
      throw new HubError('forbidden', 'invite used up');
    }
    await this.records.put(SEATS, seat, true, Math.max(1, identity.expiresAt - Date.now()));
  };
}
