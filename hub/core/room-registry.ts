/** Room membership in one place: room → local sessions and session → rooms (the session's own set). */
import type { Session } from './session.js';

export class RoomRegistry {
  private readonly members = new Map<string, Set<Session>>();

  /** Adds a member; returns true when the room had no local members before. */
  join(room: string, session: Session): boolean {
    let set = this.members.get(room);
    const first = !set;
    if (!set) {
      set = new Set();
      this.members.set(room, set);
    }
    set.add(session);
    session.addRoom(room);
    return first;
  }

  /** Removes a member; returns true when the room has no local members left. */
  leave(room: string, session: Session): boolean {
    session.removeRoom(room);
    const set = this.members.get(room);
    if (!set) return false;
    set.delete(session);
    if (set.size === 0) {
      this.members.delete(room);
      return true;
    }
    return false;
  }

  membersOf(room: string): ReadonlySet<Session> | undefined {
    return this.members.get(room);
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
