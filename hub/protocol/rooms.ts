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

export function personalRoom(sub: string): string {
  return `user:${sub}`;
}

/**
 * A compiled set of room patterns: exact names, `prefix*` and `*`.
 * Built once per session so authorization on the hot path is a Set lookup or a few prefix tests.
 */
export class RoomAccess {
  private readonly exact = new Set<string>();
  private readonly prefixes: string[] = [];
  private all = false;

  constructor(patterns: readonly string[], personal?: string) {
    for (const p of patterns) {
      if (p === '*') this.all = true;
      else if (p.endsWith('*')) this.prefixes.push(p.slice(0, -1));
      else this.exact.add(p);
    }
    if (personal) this.exact.add(personal);
  }

  /** Whether a client room (never a `$` room) is allowed. */
  allows(room: string): boolean {
    if (isHubRoom(room)) return false;
    if (this.all || this.exact.has(room)) return true;
    for (const prefix of this.prefixes) if (room.startsWith(prefix)) return true;
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
