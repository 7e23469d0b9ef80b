/** Room membership in one place: room → local sessions and session → rooms (the session's own set). */
import type { Session } from './session.js';

interface RoomMembers {
  /** The room's name as first joined: every member's own room list holds this one string. */
  readonly name: string;
  readonly sessions: Set<Session>;
}

export class RoomRegistry {
  private readonly members = new Map<string, RoomMembers>();

  /** Adds a member; returns true when the room had no local members before. */
  join(room: string, session: Session): boolean {
    let entry = this.members.get(room);
    const first = !entry;
    if (!entry) {
      entry = { name: room, sessions: new Set() };
      this.members.set(room, entry);
    }
    entry.sessions.add(session);
    // Each subscribe brings its own copy of the name (parsed from its frame): keep the room's.
    session.addRoom(entry.name);
    return first;
  }

  /** Removes a member; returns true when the room has no local members left. */
  leave(room: string, session: Session): boolean {
    session.removeRoom(room);
    const entry = this.members.get(room);
    if (!entry) return false;
    entry.sessions.delete(session);
    if (entry.sessions.size === 0) {
      this.members.delete(room);
      return true;
    }
    return false;
  }

  membersOf(room: string): ReadonlySet<Session> | undefined {
    return this.members.get(room)?.sessions;
  }

  has(room: string): boolean {
    return this.members.has(room);
  }

  rooms(): IterableIterator<string> {
    return this.members.keys();
  }

  get size(): number {
    return this.members.size;
  }
}
