/** One room's numbered history in memory: bounded by count and age, with its epoch. */
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
  private head = 0;

  constructor(private policy: HistoryPolicy) {}

  get size(): number {
    return this.messages.length - this.head;
  }

  get position(): StreamPosition {
    return { epoch: this.epoch, seq: this.seq };
  }

  append(msg: Omit<EngineMessage, 'seq' | 'epoch' | 'type'>, now: number): EngineMessage {
    const stored: EngineMessage = { type: 'message', room: msg.room, epoch: this.epoch, seq: ++this.seq, event: msg.event, data: msg.data, from: msg.from, time: msg.time };
    if (msg.echo) stored.echo = true;
    this.messages.push(stored);
    this.trim(now);
    return stored;
  }

  /** Drop what is past the count or age bound. */
  trim(now: number): void {
    const excess = this.size - this.policy.maxMessages;
    if (excess > 0) this.head += excess;
    const oldest = now - this.policy.maxAgeMs;
    while (this.head < this.messages.length && this.messages[this.head]!.time < oldest) this.head++;
    if (this.head > 1024 && this.head * 2 > this.messages.length) {
      this.messages = this.messages.slice(this.head);
      this.head = 0;
    }
  }

  /** Messages after `since`, or why they cannot all be had. */
  since(since: StreamPosition | null, now: number): { messages: RoomMessage[]; recovered: boolean; reason?: ResumeFailure } {
    this.trim(now);
    if (since === null || since.epoch !== this.epoch || since.seq > this.seq) {
      // Malformed, another epoch, or a position this room never reached: fail closed.
      return { messages: [], recovered: false, reason: 'epoch_changed' };
    }
    const oldestKept = this.size > 0 ? this.messages[this.head]!.seq : this.seq + 1;
    if (since.seq + 1 < oldestKept) return { messages: [], recovered: false, reason: 'evicted' };
    const start = this.head + (since.seq + 1 - oldestKept);
    return { messages: this.messages.slice(start).map(stripEcho), recovered: true };
  }
}

function stripEcho(m: EngineMessage): RoomMessage {
  if (!m.echo) return m;
  const { echo: _echo, ...wire } = m;
  return wire;
}
