/** Room names and the room patterns of a token's `rooms` claim. */

export const ROOM_NAME = /^[A-Za-z0-9_.:@-]{1,128}$/;
export const ADMIN_ROOM = '$admin';

/** A room a client may name: 1–128 of `A-Z a-z 0-9 _ . : @ -`, or a hub room starting with `$`. */
export function isValidRoomName(room: unknown): room is string {
  return typeof room === 'string' && (ROOM_NAME.test(room) || room === ADMIN_ROOM);
}

export function isHubRoom(room: string): boolean {
  return room.startsWith('$');
}

const PERSONAL_PREFIX = 'user:';

export function personalRoom(sub: string): string {
  return `${PERSONAL_PREFIX}${sub}`;
}

/** Whether `room` is `sub`'s personal room, without building that name (kept per connection). */
function isPersonalRoomOf(room: string, sub: string): boolean {
  return room.length === PERSONAL_PREFIX.length + sub.length && room.startsWith(PERSONAL_PREFIX) && room.endsWith(sub);
}

/** Compiled room patterns: exact names, `prefix*` and `*`. Shared by every token with the same grant. */
class RoomGrant {
  readonly exact = new Set<string>();
  readonly prefixes: string[] = [];
  all = false;
  /** The patterns themselves, frozen: one list for every token with this grant. */
  readonly patterns: readonly string[];

  constructor(patterns: readonly string[]) {
    this.patterns = Object.freeze([...patterns]);
    for (const p of patterns) {
      if (p === '*') this.all = true;
      else if (p.endsWith('*')) this.prefixes.push(p.slice(0, -1));
      else this.exact.add(p);
    }
  }
}

const GRANT_CACHE_LIMIT = 1000;
/** Most users share a handful of grants: compiled once, not once per connection. */
const grants = new Map<string, RoomGrant>();

function grantFor(patterns: readonly string[]): RoomGrant {
  const key = patterns.join(' ');
  let grant = grants.get(key);
  if (!grant) {
    if (grants.size >= GRANT_CACHE_LIMIT) grants.clear();
    grant = new RoomGrant(patterns);
    grants.set(key, grant);
  }
  return grant;
}

/**
 * What rooms a session may enter: the token's patterns plus its personal room. Built once per
 * session so authorization on the hot path is a Set lookup or a few prefix tests.
 */
export class RoomAccess {
  private readonly grant: RoomGrant;

  /** `owner` is the token's `sub`, whose personal room is allowed too. */
  constructor(
    patterns: readonly string[],
    private readonly owner?: string,
  ) {
    this.grant = grantFor(patterns);
  }

  /** The token's room patterns, as one frozen list shared by every token with the same grant. */
  get patterns(): readonly string[] {
    return this.grant.patterns;
  }

  /** Whether a client room (never a `$` room) is allowed. */
  allows(room: string): boolean {
    if (isHubRoom(room)) return false;
    const grant = this.grant;
    if (grant.all || grant.exact.has(room)) return true;
    if (this.owner !== undefined && isPersonalRoomOf(room, this.owner)) return true;
    for (const prefix of grant.prefixes) if (room.startsWith(prefix)) return true;
    return false;
  }
}

/** A room pattern is a room name, a room-name prefix followed by `*`, or `*`. */
export function isValidRoomPattern(p: unknown): p is string {
  if (typeof p !== 'string' || p.length === 0 || p.length > 129) return false;
  if (p === '*') return true;
  const body = p.endsWith('*') ? p.slice(0, -1) : p;
  return body.length > 0 && /^[A-Za-z0-9_.:@-]+$/.test(body);
}
