/**
 * Checked readers of the admin contract, for what arrives untyped: records the hub stored (bans,
 * invites, redemptions), a REST audit page, and `$admin` events by name (the SDK's `adminFeed` and
 * the console read the feed through `readAdminEvent`). Each reader is declared with the contract's
 * type, so a field renamed there does not compile here.
 */
import type { AdminEvent, AdminEventMap, RedeemedInvite } from './admin.js';
import {
  AUDIT_ACTIONS,
  type AuditDetails,
  type AuditDetailsMap,
  type AuditEntry,
  type AuditKind,
  type AuditPage,
  type DeniedDetails,
  type RefusedDetails,
} from './admin-audit.js';
import type { BannedUser, Invite } from './admin-answers.js';
import { ROLES, type Json } from './messages.js';
import {
  anyOf,
  finite,
  flag,
  isRecord,
  listOf,
  nullable,
  oneOf,
  optional,
  record,
  text,
  itemsOf,
  type Reader,
} from './json-reader.js';

export const readBannedUser: Reader<BannedUser> = record({
  sub: text,
  until: finite,
  reason: text,
  by: text,
  at: finite,
});

export const readInvite: Reader<Invite> = record({
  jti: text,
  sub: text,
  name: text,
  rooms: listOf(text),
  role: oneOf(ROLES),
  maxUses: nullable(finite),
  createdAt: finite,
  expiresAt: finite,
  by: text,
});

export const readRedeemedInvite: Reader<RedeemedInvite> = record({ jti: text, sub: text, name: text, at: finite });

const subTarget = record({ sub: text });
const clientTarget = record({ clientId: text, sub: nullable(text) });
const inviteTarget = record({ jti: text, sub: text });

/** Each audited action's `details`, as the hub writes them. */
const AUDIT_DETAILS: { [A in keyof AuditDetailsMap]: Reader<AuditDetailsMap[A]> } = {
  kick: record({ target: anyOf(clientTarget, subTarget), reason: text }),
  ban: record({ target: subTarget, minutes: finite, until: finite, reason: text }),
  unban: record({ target: subTarget }),
  invite: record({
    target: inviteTarget,
    rooms: listOf(text),
    role: text,
    name: text,
    maxUses: nullable(finite),
    expiresAt: finite,
  }),
  revoke: record({ target: inviteTarget }),
  inspect: record({ target: record({ room: text }), on: flag }),
  redeem: record({ target: record({ jti: text }) }),
  upgrade: record({
    status: finite,
    code: text,
    reason: text,
    refusal: optional(text),
    until: optional(finite),
    origin: optional(text),
    repeated: optional(finite),
  }) satisfies Reader<RefusedDetails>,
  suppressed: record({ count: finite, perSecond: finite }),
};

function isAudited(action: string): action is keyof AuditDetailsMap {
  return Object.hasOwn(AUDIT_DETAILS, action);
}

const readDenied: Reader<DeniedDetails> = record({ message: text });

const readAuditHead = record({
  seq: finite,
  time: finite,
  kind: oneOf<AuditKind>(['action', 'denied', 'refused']),
  action: oneOf(AUDIT_ACTIONS),
  via: oneOf(['ws', 'rest', 'upgrade'] as const),
  ip: text,
  sub: optional(text),
  name: optional(text),
  clientId: optional(text),
});

/** An audit line: its `details` read by its kind and action (a denial's are `{message}`). */
export const readAuditEntry: Reader<AuditEntry> = (v) => {
  const head = readAuditHead(v);
  if (!head || !isRecord(v)) return undefined;
  if (v.details === undefined) return head;
  const { action } = head;
  const read: Reader<AuditDetails> | undefined =
    head.kind === 'denied' ? readDenied : isAudited(action) ? AUDIT_DETAILS[action] : undefined;
  const details = read?.(v.details);
  return details === undefined ? undefined : { ...head, details };
};

/** An audit page (`list audit`, `GET /api/audit`); an entry this console cannot read is left out. */
export const readAuditPage: Reader<AuditPage> = record({
  entries: itemsOf(readAuditEntry),
  next: nullable(finite),
});

/** A `$admin` event with its name, payload and the envelope's `time`. */
export type AdminFeedEventOf<E extends AdminEvent> = { event: E; data: AdminEventMap[E]; time: number };
/** Any `$admin` event, narrowed by `event` to its payload. */
export type AdminFeedEvent = { [E in AdminEvent]: AdminFeedEventOf<E> }[AdminEvent];

/** An event as it arrives: a name and a JSON object. */
type RawAdminEvent = { event: string; data: { [key: string]: Json }; time: number };
type AdminEventGuard<E extends AdminEvent> = (e: RawAdminEvent) => e is AdminFeedEventOf<E>;

function guard<E extends AdminEvent>(check: (data: { [key: string]: Json }) => boolean): AdminEventGuard<E> {
  return (e): e is AdminFeedEventOf<E> => check(e.data);
}

/**
 * Whether an event is `E`'s, by the fields that tell each payload apart. The hub builds every
 * payload as AdminEventMap says (hub/admin); this guards against a name reused for another shape.
 */
const ADMIN_EVENTS: { [E in AdminEvent]: AdminEventGuard<E> } = {
  snapshot: guard((d) => isRecord(d.totals) && isRecord(d.rooms) && isRecord(d.clients)),
  stats: guard((d) => isRecord(d.total) && isRecord(d.process) && Array.isArray(d.rooms)),
  'client.connected': guard((d) => typeof d.clientId === 'string'),
  'client.disconnected': guard((d) => typeof d.clientId === 'string' && typeof d.code === 'number'),
  'room.created': guard((d) => typeof d.room === 'string'),
  'room.emptied': guard((d) => typeof d.room === 'string'),
  'invite.redeemed': guard((d) => readRedeemedInvite(d) !== undefined),
  audit: guard((d) => readAuditEntry(d) !== undefined),
  traffic: guard((d) => typeof d.room === 'string' && typeof d.preview === 'string'),
};

export function isAdminEvent(event: string): event is AdminEvent {
  return Object.hasOwn(ADMIN_EVENTS, event);
}

/** The event as the hub's admin feed publishes it, or null for a name it never sends or a payload not of its shape. */
export function readAdminEvent(event: string, data: Json, time: number): AdminFeedEvent | null {
  if (!isAdminEvent(event) || !isRecord(data)) return null;
  const raw: RawAdminEvent = { event, data, time };
  const is: (e: RawAdminEvent) => e is AdminFeedEvent = ADMIN_EVENTS[event];
  return is(raw) ? raw : null;
}
