/** One room's numbered history in memory: bounded by count, age and size, with its epoch. */
import { randomBytes } from 'node:crypto';
import type { ResumeFailure, RoomMessage, StreamPosition } from '../../protocol/index.js';
import type { EngineMessage, HistoryPolicy } from '../../core/engine.js';

export function newEpoch(): string {
  return randomBytes(8).toString('base64url');
}

export class HistoryWindow {
  readonly epoch = newEpoch();
  seq = 0;
  private messages: EngineMessage[] = [];
  /** Estimated size of each message, aligned with `messages`. */
  private sizes: number[] = [];
  private head = 0;
  /** Estimated size of the kept messages (from `head` on). */
  private keptBytes = 0;

  constructor(private policy: HistoryPolicy) {}

  get size(): number {
    return this.messages.length - this.head;
  }

  /** Estimated bytes held by the kept messages. */
  get bytes(): number {
    return this.keptBytes;
  }

  get position(): StreamPosition {
    return { epoch: this.epoch, seq: this.seq };
  }

  append(msg: Omit<EngineMessage, 'seq' | 'epoch' | 'type'>, now: number): EngineMessage {
    const stored: EngineMessage = { type: 'message', room: msg.room, epoch: this.epoch, seq: ++this.seq, event: msg.event, data: msg.data, from: msg.from, time: msg.time };
    if (msg.echo) stored.echo = true;
    // Measured once here: the count bound alone lets large messages hold far more memory than intended.
    const size = this.policy.maxBytes === undefined ? 0 : estimateBytes(stored);
    this.messages.push(stored);
    this.sizes.push(size);
    this.keptBytes += size;
    this.trim(now);
    return stored;
  }

  /** Drop what is past the count, age or size bound (the newest message is kept whatever its size). */
  trim(now: number): void {
    while (this.size > this.policy.maxMessages) this.dropOldest();
    const oldest = now - this.policy.maxAgeMs;
    while (this.head < this.messages.length && this.messages[this.head].time < oldest) this.dropOldest();
    const maxBytes = this.policy.maxBytes;
    if (maxBytes !== undefined) while (this.keptBytes > maxBytes && this.size > 1) this.dropOldest();
    if (this.head > 1024 && this.head * 2 > this.messages.length) {
      this.messages = this.messages.slice(this.head);
      this.sizes = this.sizes.slice(this.head);
      this.head = 0;
    }
  }

  private dropOldest(): void {
    this.keptBytes -= this.sizes[this.head];
    this.head++;
  }

  /** Messages after `since`, or why they cannot all be had. */
  since(since: StreamPosition | null, now: number): { messages: RoomMessage[]; recovered: boolean; reason?: ResumeFailure } {
    this.trim(now);
    if (since === null || since.epoch !== this.epoch || since.seq > this.seq) {
      // Malformed, another epoch, or a position this room never reached: fail closed.
      return { messages: [], recovered: false, reason: 'epoch_changed' };
    }
    const oldestKept = this.size > 0 ? this.messages[this.head].seq : this.seq + 1;
    if (since.seq + 1 < oldestKept) return { messages: [], recovered: false, reason: 'evicted' };
    const start = this.head + (since.seq + 1 - oldestKept);
    return { messages: this.messages.slice(start).map(stripEcho), recovered: true };
  }
}

/** `data` as JSON in UTF-16 units (close to bytes for typical text) plus the envelope's names. */
function estimateBytes(m: EngineMessage): number {
  return JSON.stringify(m.data).length + m.room.length + m.event.length + m.from.sub.length + m.from.name.length + 100;
}

function stripEcho(m: EngineMessage): RoomMessage {
  if (!m.echo) return m;
  const { echo: _echo, ...wire } = m;
  return wire;
}
