/** One room's numbered history in memory: bounded by count, age and size, with its epoch. */
import { randomBytes } from 'node:crypto';
import type { ResumeFailure, RoomMessage, StreamPosition } from '../../protocol/index.js';
import type { EngineMessage, HistoryPolicy } from '../../core/engine.js';
import type { BudgetedWindow, HistoryBudget } from './history-budget.js';

export function newEpoch(): string {
  return randomBytes(8).toString('base64url');
}

export class HistoryWindow implements BudgetedWindow {
  readonly epoch = newEpoch();
  seq = 0;
  /** Dropped messages leave `undefined` behind at once, so nothing evicted stays referenced. */
  private messages: Array<EngineMessage | undefined> = [];
  /** Estimated size of each message, aligned with `messages`. */
  private sizes: number[] = [];
  private head = 0;
  /** Estimated size of the kept messages (from `head` on). */
  private keptBytes = 0;

  constructor(
    private policy: HistoryPolicy,
    private readonly budget?: HistoryBudget,
  ) {}

  get size(): number {
    return this.messages.length - this.head;
  }

  /** Estimated bytes held by the kept messages. */
  get bytes(): number {
    return this.keptBytes;
  }

  get oldestSeq(): number {
    return this.seq - this.size + 1;
  }

  get position(): StreamPosition {
    return { epoch: this.epoch, seq: this.seq };
  }

  append(msg: Omit<EngineMessage, 'seq' | 'epoch' | 'type'>, now: number): EngineMessage {
    const stored: EngineMessage = {
      type: 'message',
      room: msg.room,
      epoch: this.epoch,
      seq: ++this.seq,
      event: msg.event,
      data: msg.data,
      from: msg.from,
      time: msg.time,
    };
    if (msg.echo) stored.echo = true;
    // Measured once here: the count bound alone lets large messages hold far more memory than intended.
    const size = this.policy.maxBytes === undefined && !this.budget ? 0 : estimateBytes(stored);
    this.messages.push(stored);
    this.sizes.push(size);
    this.keptBytes += size;
    this.trim(now);
    // After the room's own bounds: what they drop never counts against the other rooms.
    this.budget?.added(this, stored.seq, size);
    return stored;
  }

  /** Drop what is past the count, age or size bound (the newest message is kept whatever its size). */
  trim(now: number): void {
    while (this.size > this.policy.maxMessages) this.dropOldest();
    const oldest = now - this.policy.maxAgeMs;
    while (this.head < this.messages.length && this.messages[this.head]!.time < oldest) this.dropOldest();
    const maxBytes = this.policy.maxBytes;
    if (maxBytes !== undefined) while (this.keptBytes > maxBytes && this.size > 1) this.dropOldest();
  }

  evictOldest(): void {
    if (this.size > 0) this.dropOldest(true);
  }

  private dropOldest(forBudget = false): void {
    const size = this.sizes[this.head];
    this.keptBytes -= size;
    this.messages[this.head] = undefined;
    this.head++;
    this.budget?.released(size, forBudget);
    // The array of empty slots is cut once it is half empty: amortized O(1), and the slots hold nothing.
    if (this.head > 64 && this.head * 2 > this.messages.length) {
      this.messages = this.messages.slice(this.head);
      this.sizes = this.sizes.slice(this.head);
      this.head = 0;
    }
  }

  /** The newest `limit` kept messages, oldest first. */
  latest(limit: number, now: number): RoomMessage[] {
    this.trim(now);
    return (this.messages.slice(Math.max(this.head, this.messages.length - limit)) as EngineMessage[]).map(stripEcho);
  }

  /** Messages after `since`, or why they cannot all be had. */
  since(
    since: StreamPosition | null,
    now: number,
  ): { messages: RoomMessage[]; recovered: boolean; reason?: ResumeFailure } {
    this.trim(now);
    if (since === null || since.epoch !== this.epoch || since.seq > this.seq) {
      // Malformed, another epoch, or a position this room never reached: fail closed.
      return { messages: [], recovered: false, reason: 'epoch_changed' };
    }
    const oldestKept = this.oldestSeq;
    if (since.seq + 1 < oldestKept) return { messages: [], recovered: false, reason: 'evicted' };
    const start = this.head + (since.seq + 1 - oldestKept);
    return { messages: (this.messages.slice(start) as EngineMessage[]).map(stripEcho), recovered: true };
  }
}

/**
 * `data` as JSON in UTF-16 units plus what its parsed values cost on V8's heap beyond their text,
 * plus the envelope's names. JSON length alone undercounts structure 20-fold: `{}` is 3 bytes of
 * JSON and about 64 on the heap, so `[{},{},…]` could fill the heap inside the budget.
 */
function estimateBytes(m: EngineMessage): number {
  return (
    JSON.stringify(m.data).length +
    structureBytes(m.data) +
    m.room.length +
    m.event.length +
    m.from.sub.length +
    m.from.name.length +
    100
  );
}

/** A slot or pointer per value, a header per object or array, a property entry per key (depth is bounded by the validator). */
function structureBytes(value: unknown): number {
  if (value === null || typeof value !== 'object') return 24;
  let bytes = 72;
  if (Array.isArray(value)) for (const item of value) bytes += structureBytes(item);
  else for (const key in value) bytes += 48 + structureBytes((value as Record<string, unknown>)[key]);
  return bytes;
}

function stripEcho(m: EngineMessage): RoomMessage {
  if (!m.echo) return m;
  const { echo: _echo, ...wire } = m;
  return wire;
}
