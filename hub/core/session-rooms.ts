/**
 * The rooms a session is in, its presence entries, and the live frames it holds back while a
 * room's subscribe replays history. Session extends it: one object per connection, no closures.
 */
import { roomSetAdd, roomSetDelete, roomSetHas, roomSetList, roomSetSize, type RoomSet } from './room-set.js';

/** A frame held back while a subscribe with `since` replays history (seq absent for presence). */
export interface HeldFrame {
  seq?: number;
  epoch?: string;
  frame: Buffer;
}

export class SessionRooms {
  private roomSet: RoomSet;
  /** Rooms whose subscribe is still replaying: live frames are held until it ends. */
  private joining?: Map<string, HeldFrame[]>;
  /** Bytes held across rooms' replays; they count toward the queue cap like queued bytes. */
  private held = 0;
  /** Rooms in which this session has a presence entry (removed on leave, whatever its role now). */
  private presenceRooms: RoomSet;

  inRoom(room: string): boolean {
    return roomSetHas(this.roomSet, room);
  }

  get roomCount(): number {
    return roomSetSize(this.roomSet);
  }

  /** The rooms this session is in (a copy). */
  roomList(): string[] {
    return roomSetList(this.roomSet);
  }

  addRoom(room: string): void {
    this.roomSet = roomSetAdd(this.roomSet, room);
  }

  removeRoom(room: string): void {
    this.roomSet = roomSetDelete(this.roomSet, room);
    if (this.joining?.delete(room) && this.joining.size === 0) this.joining = undefined;
  }

  /** The frames held for a room while its subscribe replays, if it does. */
  heldFor(room: string): HeldFrame[] | undefined {
    return this.joining?.get(room);
  }

  /** Hold a room's live frames in `held` (a later subscribe to the room replaces an earlier list). */
  holdFor(room: string, held: HeldFrame[]): void {
    (this.joining ??= new Map()).set(room, held);
  }

  hasPresence(room: string): boolean {
    return roomSetHas(this.presenceRooms, room);
  }

  markPresence(room: string): void {
    // The string the room list holds when it is that room (the registry's): one copy, not two.
    const name = this.roomSet === room ? this.roomSet : room;
    this.presenceRooms = roomSetAdd(this.presenceRooms, name);
  }

  /** Returns whether there was a presence entry to remove. */
  unmarkPresence(room: string): boolean {
    if (!roomSetHas(this.presenceRooms, room)) return false;
    this.presenceRooms = roomSetDelete(this.presenceRooms, room);
    return true;
  }

  get heldBytes(): number {
    return this.held;
  }

  /** Whether a room's live frames are being held (its subscribe is replaying). */
  protected replaying(room: string): boolean {
    return this.joining?.has(room) ?? false;
  }

  /** Hold a live frame for a replaying room; returns the bytes now held across rooms. */
  protected hold(room: string, frame: HeldFrame): number {
    this.joining?.get(room)?.push(frame);
    return (this.held += frame.frame.length);
  }

  /**
   * Stop holding a room's frames; returns them for release (or drops them). Whoever takes a list
   * first gets its frames: a leave and then the overtaken subscribe must not both count them off.
   */
  takeHeld(room: string, held: HeldFrame[]): HeldFrame[] {
    if (this.joining?.get(room) === held) {
      this.joining.delete(room);
      if (this.joining.size === 0) this.joining = undefined;
    }
    const taken = held.splice(0);
    for (const h of taken) this.held -= h.frame.length;
    return taken;
  }

  /** Drop the presence frames (no seq) from a held list: a replay's member list supersedes them. */
  dropHeldPresence(held: HeldFrame[]): void {
    let kept = 0;
    for (const h of held) {
      if (h.seq === undefined) this.held -= h.frame.length;
      else held[kept++] = h;
    }
    held.length = kept;
  }
}
