/**
 * The audit log's contract: each entry's `action`, its `details` by action (AuditDetailsMap), whom
 * it was about, and the page the `list audit` action and GET /api/audit answer. Written by
 * hub/admin/audit-log, read by the console's audit page.
 */
import type { AdminAction } from './messages.js';

export type AuditKind = 'action' | 'denied' | 'refused';

/** Whom an admin action was about: a client (its sub when this hub had it), a user, an invite or a room (`*` all). */
export type AuditTarget =
  | { clientId: string; sub: string | null }
  | { sub: string }
  | { jti: string; sub: string }
  | { jti: string }
  | { room: string };

/** A refused upgrade: the HTTP answer and why; `repeated`, refusals folded in since the previous entry. */
export type RefusedDetails = {
  status: number;
  code: string;
  reason: string;
  refusal?: string;
  until?: number;
  origin?: string;
  repeated?: number;
};

/** Each audit `action` and the `details` the hub writes with it; a denied attempt has `DeniedDetails`. */
export interface AuditDetailsMap {
  kick: { target: { clientId: string; sub: string | null } | { sub: string }; reason: string };
  ban: { target: { sub: string }; minutes: number; until: number; reason: string };
  unban: { target: { sub: string } };
  invite: {
    target: { jti: string; sub: string };
    rooms: string[];
    role: string;
    name: string;
    maxUses: number | null;
    expiresAt: number;
  };
  revoke: { target: { jti: string; sub: string } };
  inspect: { target: { room: string }; on: boolean };
  redeem: { target: { jti: string } };
  upgrade: RefusedDetails;
  /** Denials and refusals over the per-second budget, summed up. */
  suppressed: { count: number; perSecond: number };
}

/** What a non-admin was told when it tried an admin action. */
export type DeniedDetails = {
  message: string;
};

export type AuditDetails = AuditDetailsMap[keyof AuditDetailsMap] | DeniedDetails;

/** What a non-admin can be denied: an admin action, joining `$admin`, or `/metrics` without loopback or admin. */
export type DeniedAttempt = AdminAction | 'subscribe' | 'metrics';

/** An audit entry's `action`: one of AuditDetailsMap's (an admin's change, a redemption, a refused upgrade), or a denied attempt. */
export type AuditAction = keyof AuditDetailsMap | DeniedAttempt;

/** Every audit action, for readers and filters. */
export const AUDIT_ACTIONS = [
  'kick',
  'ban',
  'unban',
  'invite',
  'revoke',
  'inspect',
  'list',
  'redeem',
  'upgrade',
  'suppressed',
  'subscribe',
  'metrics',
] as const satisfies readonly AuditAction[];
/** Compiles only while AUDIT_ACTIONS lists every AuditAction. */
export const AUDIT_ACTIONS_COMPLETE: [Exclude<AuditAction, (typeof AUDIT_ACTIONS)[number]>] extends [never]
  ? true
  : never = true;

/** One line of the audit log. Never a token: only its `jti`, `sub` and claims. */
export type AuditEntry = {
  seq: number;
  time: number;
  kind: AuditKind;
  /** The admin action (`kick`, `ban` …), what a denied caller tried, or `upgrade` for refusals. */
  action: AuditAction;
  via: 'ws' | 'rest' | 'upgrade';
  ip: string;
  sub?: string;
  name?: string;
  clientId?: string;
  details?: AuditDetails;
};

export type AuditPage = {
  entries: AuditEntry[];
  /** Pass as `before` for the next (older) page; null at the oldest entry. */
  next: number | null;
};
