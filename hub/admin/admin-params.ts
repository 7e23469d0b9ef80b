/**
 * Validation of admin action fields, the same for a WebSocket `admin` message and a REST call.
 * REST query values arrive as text, so numbers and booleans are also accepted in their text form.
 * Every failure is a `bad_request` naming the field.
 */
import {
  HubError,
  isHubRoom,
  isValidRoomName,
  isValidRoomPattern,
  oneOf,
  type AdminFieldsMap,
  type InviteRole,
} from '../protocol/index.js';
import type { AuditKind } from './audit-log.js';

/** An action's fields as they arrive: a WebSocket `admin` message or a REST body and query. */
export type Params = Record<string, unknown>;

const bad = (message: string): HubError => new HubError('bad_request', message);

export const MAX_PAGE = 500;
export const DEFAULT_PAGE = 50;
const MAX_REASON = 512;
/** Ten years. */
const MAX_BAN_MINUTES = 10 * 366 * 24 * 60;
/** Thirty days. */
const MAX_INVITE_MINUTES = 30 * 24 * 60;
const MAX_INVITE_USES = 100_000;
const INVITE_ROLES: readonly InviteRole[] = ['viewer', 'editor'];

export function optionalString(p: Params, key: string, max: number): string | undefined {
  const v = p[key];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw bad(`"${key}" must be a string`);
  if (v.length > max) throw bad(`"${key}" is longer than ${max} characters`);
  return v;
}

export function requiredString(p: Params, key: string, max: number): string {
  const v = optionalString(p, key, max);
  if (v === undefined) throw bad(`"${key}" is required`);
  return v;
}

export function optionalInteger(p: Params, key: string, min: number, max: number): number | undefined {
  const v = p[key];
  if (v === undefined || v === null || v === '') return undefined;
  const n = typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < min || n > max) {
    throw bad(`"${key}" must be an integer from ${min} to ${max}`);
  }
  return n;
}

export function requiredNumber(p: Params, key: string, min: number, max: number): number {
  const v = p[key];
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < min || n > max) {
    throw bad(`"${key}" must be a number from ${min} to ${max}`);
  }
  return n;
}

export function requiredBoolean(p: Params, key: string): boolean {
  const v = p[key];
  if (v === true || v === 'true') return true;
  if (v === false || v === 'false') return false;
  throw bad(`"${key}" must be true or false`);
}

/** A client room name (never a `$` room). */
export function optionalRoom(p: Params, key = 'room'): string | undefined {
  const v = p[key];
  if (v === undefined || v === null || v === '') return undefined;
  if (!isValidRoomName(v) || isHubRoom(v))
    throw bad(`"${key}" must be a room name: 1-128 characters of A-Z a-z 0-9 _ . : @ -`);
  return v;
}

export interface KickParams {
  clientId?: string;
  sub?: string;
  reason: string;
}

export function parseKick(p: Params): KickParams {
  const clientId = optionalString(p, 'clientId', 64);
  const sub = optionalString(p, 'sub', 128);
  if ((clientId === undefined) === (sub === undefined)) throw bad('give exactly one of "clientId" or "sub"');
  return { clientId, sub, reason: optionalString(p, 'reason', MAX_REASON) ?? 'kicked by an admin' };
}

/** Each parsed action is its fields of the contract (AdminFieldsMap), defaults filled in. */
export type BanParams = Required<AdminFieldsMap['ban']>;

export function parseBan(p: Params): BanParams {
  return {
    sub: requiredString(p, 'sub', 128),
    minutes: requiredNumber(p, 'minutes', 0.01, MAX_BAN_MINUTES),
    reason: optionalString(p, 'reason', MAX_REASON) ?? 'banned by an admin',
  };
}

export function parseSub(p: Params): AdminFieldsMap['unban'] {
  return { sub: requiredString(p, 'sub', 128) };
}

export function parseJti(p: Params): AdminFieldsMap['revoke'] {
  return { jti: requiredString(p, 'jti', 128) };
}

export type InviteParams = AdminFieldsMap['invite'] & { role: InviteRole };

export function parseInvite(p: Params): InviteParams {
  const given: unknown[] | undefined = Array.isArray(p.rooms) ? p.rooms : undefined;
  if (!given || given.length === 0 || given.length > 64) throw bad('"rooms" must be a list of 1 to 64 room patterns');
  const rooms: string[] = [];
  for (const r of given) {
    if (!isValidRoomPattern(r))
      throw bad(`"rooms" has an invalid room pattern: ${JSON.stringify(String(r).slice(0, 64))}`);
    // The console's prefill `dashboard:` names no room: an invite to it would open nothing.
    if (r.endsWith(':'))
      throw bad(
        `"rooms" has a bare prefix ${JSON.stringify(r.slice(0, 64))}: name a room (${r}42) or every room of it (${r}*)`,
      );
    rooms.push(r);
  }
  const role = oneOf(INVITE_ROLES)(p.role ?? 'viewer');
  if (role === undefined) throw bad(`"role" of an invite must be ${INVITE_ROLES.join(' or ')}`);
  return {
    rooms,
    role,
    ttlMinutes: requiredNumber(p, 'ttlMinutes', 1, MAX_INVITE_MINUTES),
    name: optionalString(p, 'name', 128),
    maxUses: optionalInteger(p, 'maxUses', 1, MAX_INVITE_USES),
  };
}

export type InspectParams = AdminFieldsMap['inspect'];

export function parseInspect(p: Params): InspectParams {
  return { room: optionalRoom(p), on: requiredBoolean(p, 'on') };
}

export interface PageParams {
  limit: number;
  cursor?: string;
}

export function parsePage(p: Params): PageParams {
  const cursor = optionalString(p, 'cursor', 256);
  return { limit: optionalInteger(p, 'limit', 1, MAX_PAGE) ?? DEFAULT_PAGE, cursor };
}

export function parseClientCursor(cursor: string | undefined): string | undefined {
  if (cursor !== undefined && !/^(\d{1,15}|r\d{1,9})$/.test(cursor))
    throw bad('"cursor" is not a cursor from a previous page');
  return cursor;
}

const AUDIT_KINDS: readonly AuditKind[] = ['action', 'denied', 'refused'];

/**
 * The audit filter on the entry's action is `filterAction`: over WebSocket `action` is always the
 * admin action itself (`list`), so reading it filtered every page down to nothing.
 */
export function parseAuditQuery(p: Params): {
  limit: number;
  before?: number;
  kind?: AuditKind;
  sub?: string;
  action?: string;
} {
  const kind = optionalString(p, 'kind', 16);
  if (kind !== undefined && !(AUDIT_KINDS as readonly string[]).includes(kind))
    throw bad(`"kind" must be one of ${AUDIT_KINDS.join(', ')}`);
  return {
    limit: optionalInteger(p, 'limit', 1, MAX_PAGE) ?? DEFAULT_PAGE,
    before: optionalInteger(p, 'before', 1, Number.MAX_SAFE_INTEGER),
    kind: kind as AuditKind | undefined,
    sub: optionalString(p, 'sub', 128),
    action: optionalString(p, 'filterAction', 32),
  };
}
