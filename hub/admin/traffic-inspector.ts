/**
 * `inspect`: sampled traffic for admins. While on for a room (or every room), delivered envelopes
 * are sampled at most `perSecond` times a second and published as `traffic` events with the
 * payload cut to a few hundred characters. Nothing is built while inspection is off. Turning it on
 * for a room also answers with the room's most recent envelopes from history.
 */
import type { EnvelopePreview, RoomMessage } from '../protocol/index.js';
import type { AdminFeed } from './admin-feed.js';

export const ALL_ROOMS = '*';
const PREVIEW_CHARS = 300;

export class TrafficInspector {
  private readonly rooms = new Set<string>();
  private windowStart = 0;
  private sampled = 0;
  /** Messages seen but not sampled since the last `traffic` event. */
  private skipped = 0;

  constructor(
    private readonly feed: AdminFeed,
    private readonly perSecond: number,
  ) {}

  /** Rooms being inspected (`*` for all). */
  get active(): string[] {
    return [...this.rooms].sort();
  }

  set(room: string | undefined, on: boolean): void {
    const key = room ?? ALL_ROOMS;
    if (on) this.rooms.add(key);
    else if (room === undefined) this.rooms.clear();
    else this.rooms.delete(key);
  }

  clear(): void {
    this.rooms.clear();
  }

  delivered(msg: RoomMessage, recipients: number): void {
    if (this.rooms.size === 0 || !(this.rooms.has(ALL_ROOMS) || this.rooms.has(msg.room)) || !this.feed.watched) return;
    const now = Date.now();
    if (now - this.windowStart >= 1000) {
      this.windowStart = now;
      this.sampled = 0;
    }
    if (this.sampled >= this.perSecond) {
      this.skipped++;
      return;
    }
    this.sampled++;
    const data = { ...envelopePreview(msg), recipients, skipped: this.skipped };
    this.skipped = 0;
    this.feed.publish('traffic', data);
  }
}

/** An envelope with its payload cut to a few hundred characters (for `traffic` and `inspect`). */
export function envelopePreview(msg: RoomMessage): EnvelopePreview {
  const text = JSON.stringify(msg.data) ?? 'null';
  const truncated = text.length > PREVIEW_CHARS;
  return {
    room: msg.room,
    epoch: msg.epoch,
    seq: msg.seq,
    event: msg.event,
    from: msg.from,
    time: msg.time,
    bytes: Buffer.byteLength(text),
    preview: truncated ? text.slice(0, PREVIEW_CHARS) : text,
    truncated,
  };
}
