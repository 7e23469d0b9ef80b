/**
 * A room's presence members in join order, served in pages. Each member keeps the ordinal it got on
 * joining (an update keeps it), so a cursor — "after ordinal N" — stays valid while the room changes:
 * a member present for the whole paging is returned exactly once, and a join lands on a later page.
 * The first page's JSON is kept until a member on it changes, so in a join storm every ack reuses it.
 * Cursors are signed: one this hub did not give out for this room is refused.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { HubError, type PresenceMember } from '../protocol/index.js';

/** At most this many members in the subscribe ack and in each `members` answer. */
export const MEMBERS_PAGE = 100;

export interface PresencePage {
  members: PresenceMember[];
  /**
   * `members` as JSON without the brackets, serialized once. The first page's bytes are shared by
   * every ack until a member on it changes; a join appends past them. Never written once served.
   */
  inner: Buffer;
  /** Members in the room now. */
  count: number;
  /** Opaque cursor of the next page; absent on the last. */
  next?: string;
}

const CURSOR = /^([A-Za-z0-9_-]{8})\.([0-9a-z]{1,11})\.([A-Za-z0-9_-]{12})$/;

/**
 * Signs cursors, so a client can only page from a position this hub gave out: a cursor is read
 * by the hub that wrote it (each hub keeps its own rosters), so a key per process is enough.
 */
const CURSOR_KEY = randomBytes(32);

function cursorMac(tag: string, ordinal: string): string {
  return createHmac('sha256', CURSOR_KEY).update(`${tag}.${ordinal}`).digest('base64url').slice(0, 12);
}

export class PresenceRoster {
  /** Each member's ordinal, by client id. */
  private readonly byId = new Map<string, number>();
  /**
   * Members by ascending ordinal, in two parallel arrays rather than an entry object per member
   * (40 bytes per connection per room). A member who left is `undefined` in `members`, keeping
   * its ordinal for the search, until compaction.
   */
  private ordinals: number[] = [];
  private members: (PresenceMember | undefined)[] = [];
  private holes = 0;
  private nextOrdinal = 1;
  /** Cursors from another roster (another room, or this room before it emptied) are refused. */
  private readonly tag = randomBytes(6).toString('base64url');
  private signedOrdinal = -1;
  private signedCursor = '';
  /**
   * The first page, kept while its members stand; a join appends to it while it is not full. Its
   * JSON is `bytes[0, length)`: a join writes after `length` (served pages end before it), or into
   * a larger copy, so one buffer per room carries every ack's page.
   */
  private first: { members: PresenceMember[]; bytes: Buffer; length: number; lastOrdinal: number } | null = null;

  get size(): number {
    return this.byId.size;
  }

  has(clientId: string): boolean {
    return this.byId.has(clientId);
  }

  get(clientId: string): PresenceMember | undefined {
    const ordinal = this.byId.get(clientId);
    return ordinal === undefined ? undefined : this.members[this.indexAfter(ordinal - 1)];
  }

  values(): PresenceMember[] {
    return this.members.filter((m) => m !== undefined);
  }

  /** Add or update a member; true when it joined. */
  set(member: PresenceMember): boolean {
    const ordinal = this.byId.get(member.clientId);
    if (ordinal !== undefined) {
      this.members[this.indexAfter(ordinal - 1)] = member;
      if (this.first && ordinal <= this.first.lastOrdinal) this.first = null;
      return false;
    }
    const added = this.nextOrdinal++;
    this.byId.set(member.clientId, added);
    this.ordinals.push(added);
    this.members.push(member);
    // A join lands on the first page only while that page is not full: then it is appended.
    const first = this.first;
    if (first && first.members.length < MEMBERS_PAGE) {
      const entry = (first.length === 0 ? '' : ',') + JSON.stringify(member);
      const needed = first.length + Buffer.byteLength(entry);
      if (needed > first.bytes.length) {
        const grown = Buffer.allocUnsafe(Math.max(needed, 2 * first.bytes.length));
        first.bytes.copy(grown, 0, 0, first.length);
        first.bytes = grown;
      }
      first.length += first.bytes.write(entry, first.length);
      first.members.push(member);
      first.lastOrdinal = added;
    }
    return true;
  }

  /** Remove a member; returns it, or undefined when it was not here. */
  remove(clientId: string): PresenceMember | undefined {
    const ordinal = this.byId.get(clientId);
    if (ordinal === undefined) return undefined;
    this.byId.delete(clientId);
    const index = this.indexAfter(ordinal - 1);
    const member = this.members[index];
    this.members[index] = undefined;
    this.holes++;
    if (this.first && ordinal <= this.first.lastOrdinal) this.first = null;
    if (this.holes > 64 && this.holes * 2 > this.members.length) this.compact();
    return member;
  }

  private compact(): void {
    const ordinals: number[] = [];
    const members: PresenceMember[] = [];
    for (let i = 0; i < this.members.length; i++) {
      const member = this.members[i];
      if (member === undefined) continue;
      ordinals.push(this.ordinals[i]);
      members.push(member);
    }
    this.ordinals = ordinals;
    this.members = members;
    this.holes = 0;
  }

  /** The page after `cursor` (from the start without one); a cursor not from this roster → bad_request. */
  page(cursor?: string): PresencePage {
    if (cursor === undefined) return this.firstPage();
    const m = CURSOR.exec(cursor);
    if (!m || m[1] !== this.tag || !sameText(m[3], cursorMac(m[1], m[2]))) {
      throw new HubError(
        'bad_request',
        'members cursor is not valid for this room (page again from the subscribe ack)',
      );
    }
    return this.collect(parseInt(m[2], 36));
  }

  private firstPage(): PresencePage {
    if (!this.first) {
      const page = this.collect(0);
      const last = page.members.at(-1);
      this.first = {
        members: page.members,
        bytes: page.inner,
        length: page.inner.length,
        lastOrdinal: last ? this.byId.get(last.clientId)! : 0,
      };
    }
    const { members, bytes, length, lastOrdinal } = this.first;
    // Everyone not on the first page comes after it.
    const next = this.byId.size > members.length ? this.cursorAfter(lastOrdinal) : undefined;
    return { members: members.slice(), inner: bytes.subarray(0, length), count: this.byId.size, next };
  }

  /** The page of a room nobody is in (any cursor is refused). */
  static readonly empty: PresenceRoster = new PresenceRoster();

  private cursorAfter(ordinal: number): string {
    // Every ack of a join storm carries the first page's cursor: signed once, not per join.
    if (ordinal !== this.signedOrdinal) {
      const position = ordinal.toString(36);
      this.signedCursor = `${this.tag}.${position}.${cursorMac(this.tag, position)}`;
      this.signedOrdinal = ordinal;
    }
    return this.signedCursor;
  }

  private collect(after: number): PresencePage {
    const page: PresenceMember[] = [];
    let lastOrdinal = after;
    let i = this.indexAfter(after);
    for (; i < this.members.length && page.length < MEMBERS_PAGE; i++) {
      const member = this.members[i];
      if (member === undefined) continue;
      page.push(member);
      lastOrdinal = this.ordinals[i];
    }
    while (i < this.members.length && this.members[i] === undefined) i++;
    const more = i < this.members.length;
    return {
      members: page,
      inner: Buffer.from(JSON.stringify(page).slice(1, -1)),
      count: this.byId.size,
      next: more ? this.cursorAfter(lastOrdinal) : undefined,
    };
  }

  /** Index of the first member (or hole) whose ordinal is above `ordinal`. */
  private indexAfter(ordinal: number): number {
    let lo = 0;
    let hi = this.ordinals.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.ordinals[mid] <= ordinal) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

function sameText(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}
