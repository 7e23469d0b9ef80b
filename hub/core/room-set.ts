/** A session's rooms with no allocation for the common case. */

/** Most sessions are in one room: a string until a second room arrives, then a Set. */
export type RoomSet = string | Set<string> | undefined;

export function roomSetHas(set: RoomSet, room: string): boolean {
  return set === room || (typeof set === 'object' && set.has(room));
}

export function roomSetSize(set: RoomSet): number {
  return set === undefined ? 0 : typeof set === 'string' ? 1 : set.size;
}

export function roomSetList(set: RoomSet): string[] {
  return set === undefined ? [] : typeof set === 'string' ? [set] : [...set];
}

export function roomSetAdd(set: RoomSet, room: string): RoomSet {
  if (set === undefined || set === room) return room;
  if (typeof set === 'string') return new Set([set, room]);
  set.add(room);
  return set;
}

export function roomSetDelete(set: RoomSet, room: string): RoomSet {
  if (set === room) return undefined;
  if (typeof set === 'object') {
    set.delete(room);
    if (set.size === 0) return undefined;
  }
  return set;
}
