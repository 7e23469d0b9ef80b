/**
 * The answer to each admin action (`AdminAnswerMap`; `list`'s by its `what`): the hub's handler
 * for an action must return its entry, the SDK's `admin()` resolves with it, the console reads it.
 */
import type { ListedClient, Page, RedeemedInvite, RoomSummary, TrafficEvent } from './admin.js';
import type { AuditAction, AuditKind, AuditPage } from './admin-audit.js';
import type { AckEnvelope, AdminAction, PresenceMember, Role, StreamPosition } from './messages.js';

/** `kick`: whom, why, and how many connections this hub closed (other hubs close theirs). */
export interface KickAnswer {
  /** Present when one connection was kicked. */
  clientId?: string;
  /** The kicked user; null for a `clientId` this hub does not hold (another hub may). */
  sub: string | null;
  reason: string;
  kicked: number;
}

export interface BanAnswer {
  sub: string;
  until: number;
  reason: string;
}

export interface UnbanAnswer {
  sub: string;
  unbanned: true;
}

/** An invite as the hub keeps it (never its token); plain data, so it is stored as Json as it is. */
export type Invite = {
  jti: string;
  /** The invite token's own `sub`; whoever redeems it gets a `sub` of their own. */
  sub: string;
  name: string;
  rooms: string[];
  role: Role;
  maxUses: number | null;
  createdAt: number;
  expiresAt: number;
  /** The admin's `sub`. */
  by: string;
};

/** `invite`: the link to hand out, and what it opens. */
export interface InviteAnswer extends Omit<Invite, 'createdAt' | 'by'> {
  token: string;
  url: string;
  /** Made while sharing is off: the link points at loopback, colleagues cannot open it. */
  warning?: 'loopback';
}

export interface RevokeAnswer {
  jti: string;
  revoked: true;
}

/** An envelope previewed as in a `traffic` event, without the delivery counts. */
export type EnvelopePreview = Omit<TrafficEvent, 'recipients' | 'skipped'>;

/** `inspect`: the rooms sampled now, and the room's last few envelopes when one was switched on. */
export interface InspectAnswer {
  inspect: string[];
  recent: EnvelopePreview[];
}

/** A ban in force (plain data: the hub stores it as it is). */
export type BannedUser = {
  sub: string;
  until: number;
  reason: string;
  /** The admin's `sub`. */
  by: string;
  at: number;
};

/** An invite that still works, with who redeemed it. */
export interface InviteSummary extends Invite {
  uses: number;
  redemptions: RedeemedInvite[];
}

/** `list` of one room: its totals, position and a page of its members. */
export interface RoomDetail extends RoomSummary {
  position: StreamPosition;
  memberCount: number;
  members: PresenceMember[];
  /** Where this hub keeps the roster: the cursor of the next page (`cursor`), absent on the last. */
  membersNext?: string;
}

/** What `list` answers, by its `what`. */
export interface AdminListAnswerMap {
  clients: Page<ListedClient>;
  rooms: Page<RoomSummary>;
  room: RoomDetail;
  bans: { items: BannedUser[] };
  invites: { items: InviteSummary[] };
  audit: AuditPage;
}

export type AdminListing = keyof AdminListAnswerMap;

/**
 * The answer to each admin action. The hub's handler for an action must return its entry, and the
 * SDK's `admin()` resolves with it; on the wire each is an `ack` with these fields beside `id`.
 */
export interface AdminAnswerMap {
  kick: KickAnswer;
  ban: BanAnswer;
  unban: UnbanAnswer;
  invite: InviteAnswer;
  revoke: RevokeAnswer;
  inspect: InspectAnswer;
  list: AdminListAnswerMap[AdminListing];
}

/** Any admin answer. */
export type AdminAnswer = AdminAnswerMap[AdminAction];

/** The answer to action `A`; a `list` answers by its `what` (`W`), when that is known. */
export type AdminAnswerTo<A extends AdminAction, W extends AdminListing = AdminListing> = A extends 'list'
  ? AdminListAnswerMap[W]
  : AdminAnswerMap[A];

/** The `ack` of an admin request. */
export type AdminAck<A extends AdminAction, W extends AdminListing = AdminListing> = AckEnvelope & AdminAnswerTo<A, W>;

// ---- what each action takes (hub/admin/README.md, Actions; checked by hub/admin/admin-params.ts) ----

/** `kick`: one connection (`clientId`) or every connection of a user (`sub`), never both. */
export type KickFields = ({ clientId: string; sub?: never } | { sub: string; clientId?: never }) & { reason?: string };

/** The roles an invite can give. */
export type InviteRole = Extract<Role, 'viewer' | 'editor'>;

/** A page of a listing: `limit` 1–500 (default 50), `cursor` the previous page's `next`. */
export type PageFields = { limit?: number; cursor?: string };

/** What each `list` takes beside `what`. */
export interface AdminListFieldsMap {
  clients: PageFields & { room?: string; user?: string; text?: string };
  rooms: PageFields & { user?: string; text?: string };
  /** `cursor`: the answer's `membersNext`. */
  room: { room: string; cursor?: string };
  bans: Record<never, never>;
  invites: Record<never, never>;
  /** `filterAction`: the entries' action (the message's own `action` is `list`). */
  audit: { limit?: number; before?: number; kind?: AuditKind; sub?: string; filterAction?: AuditAction };
}

/** The fields of a `list` of `W`. */
export type ListFields<W extends AdminListing = AdminListing> = { what: W } & AdminListFieldsMap[W];

/** Each action's request fields beside `type`, `id` and `action`. */
export interface AdminFieldsMap {
  kick: KickFields;
  ban: { sub: string; minutes: number; reason?: string };
  unban: { sub: string };
  /** `role` defaults to viewer; `ttlMinutes` is at most 30 days. */
  invite: { rooms: string[]; role?: InviteRole; ttlMinutes: number; name?: string; maxUses?: number };
  revoke: { jti: string };
  /** Without `room`: every room. */
  inspect: { room?: string; on: boolean };
  list: ListFields;
}

/** The fields of action `A` (a `list` of `W`). */
export type AdminFields<A extends AdminAction, W extends AdminListing = AdminListing> = A extends 'list'
  ? ListFields<W>
  : AdminFieldsMap[A];

/** An admin request for action `A` (a `list` of `W`), as the SDK sends it. */
export type AdminRequest<A extends AdminAction = AdminAction, W extends AdminListing = AdminListing> = {
  type: 'admin';
  id?: string;
  action: A;
} & AdminFields<A, W>;
