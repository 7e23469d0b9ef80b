/**
 * Presence diffs coalesced per room, so a burst of changes becomes one frame per room: the last
 * state per member wins. Small rooms flush after a short window (typing stays live); big rooms at
 * most once per longer interval, so a join storm costs each member a bounded number of frames per
 * second whatever the number of joiners. Every frame carries the room's member count as of its flush.
 */

/**
 * What a big room's members get unless they asked for the roster: every leave and update, and the
 * joins of members who already have a state (editing, typing); plain viewers joining are only the
 * count. So a join storm costs each member a few small frames a second, not every joiner's entry.
 */
export function summarize(message: PresenceMessage): PresenceMessage {
  return { ...message, joined: message.joined.filter((m) => Object.keys(m.state).length > 0) };
}
import type { PresenceMember, PresenceMessage } from '../protocol/index.js';
import type { PresenceDiff } from './engine.js';

type Change = 'joined' | 'left' | 'updated';

interface Pending {
  member: PresenceMember;
  change: Change;
  /** The room's `seen` count when this member joined: a page served since may have shown it. */
  seenAtJoin: number;
}

interface RoomPending {
  changes: Map<string, Pending>;
  /** Acks and `members` answers served for the room since its pending changes began. */
  seen: number;
  big: boolean;
}

/**
 * A big room's diffs that only add plain viewers (no state) change nothing but the count for most
 * members: they wait for the count cadence — at most one such frame a second, and in rooms past
 * 5,000 members at most 5,000 frame writes a second for the whole room — so a storm's cost per
 * join does not grow with the room.
 */
const COUNT_CADENCE_MS = 1000;
const COUNT_WRITES_PER_SEC = 5000;

export interface CoalescerOptions {
  /** Window for rooms below `bigRoom` members. */
  windowMs: number;
  /** Rooms with at least this many members flush at most once per `bigRoomMs`. */
  bigRoom: number;
  bigRoomMs: number;
}

export class PresenceCoalescer {
  private readonly pending = new Map<string, RoomPending>();
  /** When each big room last flushed (for the count cadence); pruned as rooms go quiet. */
  private readonly lastFlush = new Map<string, number>();
  private readonly timers: { small: NodeJS.Timeout | null; big: NodeJS.Timeout | null } = { small: null, big: null };

  constructor(
    private readonly options: CoalescerOptions,
    /** The room's member count now (as the engine has reported it). */
    private readonly countOf: (room: string) => number,
    private readonly flushRoom: (message: PresenceMessage, big: boolean) => void,
  ) {}

  add(room: string, diff: PresenceDiff): void {
    const big = this.countOf(room) >= this.options.bigRoom;
    let pending = this.pending.get(room);
    if (!pending) {
      pending = { changes: new Map(), seen: 0, big };
      this.pending.set(room, pending);
    } else if (big && !pending.big) {
      // The room grew big within a short window (a storm into a room that was small a moment
      // ago): from now on it is sent as a big room, on the big room's cadence.
      pending.big = true;
    }
    for (const m of diff.joined) merge(pending, 'joined', m);
    for (const m of diff.updated) merge(pending, 'updated', m);
    for (const m of diff.left) merge(pending, 'left', m);
    this.arm(pending.big ? 'big' : 'small');
  }

  /**
   * A page of the room's members was just served (an ack or a `members` answer): members who
   * joined before it are no longer cancelled by a leave in the same window — the page showed them
   * (except to `reader` itself, the session it was served to).
   */
  observed(room: string, reader?: string): void {
    const pending = this.pending.get(room);
    if (!pending) return;
    pending.seen++;
    // A joiner's own ack shows it only to itself: its leave may still cancel its join.
    const own = reader === undefined ? undefined : pending.changes.get(reader);
    if (own?.change === 'joined' && own.seenAtJoin === pending.seen - 1) own.seenAtJoin = pending.seen;
  }

  private arm(kind: 'small' | 'big'): void {
    if (this.timers[kind]) return;
    const ms = kind === 'big' ? this.options.bigRoomMs : this.options.windowMs;
    this.timers[kind] = setTimeout(() => this.flush(kind), ms);
  }

  /** Send the pending changes of small or big rooms (both when no kind is given). */
  readonly flush = (kind?: 'small' | 'big'): void => {
    for (const k of kind ? [kind] : (['small', 'big'] as const)) {
      const timer = this.timers[k];
      if (timer) clearTimeout(timer);
      this.timers[k] = null;
    }
    const now = Date.now();
    let deferred = false;
    for (const [room, pending] of this.pending) {
      if (kind && pending.big !== (kind === 'big')) continue;
      const count = this.countOf(room);
      if (kind === 'big' && onlyPlainJoins(pending) && now - (this.lastFlush.get(room) ?? 0) < cadenceMs(count)) {
        deferred = true;
        continue;
      }
      this.pending.delete(room);
      if (pending.big) this.lastFlush.set(room, now);
      const message: PresenceMessage = { type: 'presence', room, joined: [], left: [], updated: [], count };
      for (const { change, member } of pending.changes.values()) message[change].push(member);
      if (message.joined.length + message.left.length + message.updated.length > 0)
        this.flushRoom(message, pending.big);
    }
    if (deferred) this.arm('big');
    if (this.lastFlush.size > 1000)
      for (const [room, at] of this.lastFlush) if (now - at > 60_000) this.lastFlush.delete(room);
  };

  stop(): void {
    for (const k of ['small', 'big'] as const) {
      const timer = this.timers[k];
      if (timer) clearTimeout(timer);
      this.timers[k] = null;
    }
    this.pending.clear();
  }
}

function onlyPlainJoins(pending: RoomPending): boolean {
  for (const { change, member } of pending.changes.values()) {
    if (change !== 'joined' || Object.keys(member.state).length > 0) return false;
  }
  return true;
}

function cadenceMs(count: number): number {
  return Math.max(COUNT_CADENCE_MS, (count * 1000) / COUNT_WRITES_PER_SEC);
}

function merge(pending: RoomPending, change: Change, member: PresenceMember): void {
  const { changes } = pending;
  const prior = changes.get(member.clientId);
  if (!prior) {
    changes.set(member.clientId, { change, member, seenAtJoin: pending.seen });
    return;
  }
  if (change === 'left') {
    // A join and a leave within one window cancel out, unless a page served meanwhile showed the
    // member: then whoever got that page needs the leave.
    if (prior.change === 'joined' && prior.seenAtJoin === pending.seen) changes.delete(member.clientId);
    else changes.set(member.clientId, { change: 'left', member, seenAtJoin: prior.seenAtJoin });
    return;
  }
  if (change === 'joined' && prior.change === 'left') {
    changes.set(member.clientId, { change: 'updated', member, seenAtJoin: prior.seenAtJoin });
    return;
  }
  // Later state wins; a join stays a join.
  changes.set(member.clientId, {
    change: prior.change === 'joined' ? 'joined' : change,
    member,
    seenAtJoin: prior.seenAtJoin,
  });
}
