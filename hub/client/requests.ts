/**
 * Requests waiting for their answer, by id. Answers are handled synchronously as frames arrive:
 * a subscribe's ack must take effect before the replayed messages that follow it in the same read.
 */
import type { AckMessage, ErrorMessage, PongMessage } from '../protocol/index.js';
import { ClientError } from './errors.js';

export type Answer = AckMessage | PongMessage;

export interface Pending {
  onAnswer(answer: Answer): void;
  onFailure(error: ClientError): void;
}

interface Entry extends Pending {
  timer: ReturnType<typeof setTimeout> | undefined;
}

const EXPIRED_KEPT = 1000;

export class RequestTracker {
  private readonly pending = new Map<string, Entry>();
  /** Ids that timed out lately (bounded): their late answers are expected, not news. */
  private readonly expired = new Set<string>();
  private counter = 1;

  constructor(private readonly timeoutMs: number) {}

  get size(): number {
    return this.pending.size;
  }

  /** Registers a request about to be sent and returns its id; the timeout starts now. */
  /** The id the next request will carry. */
  nextId(): string {
    return `c${this.counter++}`;
  }

  track(handlers: Pending, label: string, id = this.nextId()): string {
    const entry: Entry = { ...handlers, timer: undefined };
    if (Number.isFinite(this.timeoutMs)) {
      entry.timer = setTimeout(() => {
        this.pending.delete(id);
        this.expired.add(id);
        if (this.expired.size > EXPIRED_KEPT) this.expired.delete(this.expired.values().next().value!);
        entry.onFailure(new ClientError('timeout', `no answer to ${label} within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
    }
    this.pending.set(id, entry);
    return id;
  }

  /** Settles the request an answer or error names; returns false when no request has that id. */
  settle(msg: AckMessage | PongMessage | ErrorMessage): boolean {
    if (msg.id === undefined) return false;
    const entry = this.pending.get(msg.id);
    if (!entry) {
      if (msg.type !== 'error') this.timedOut(msg.id);
      return false;
    }
    this.pending.delete(msg.id);
    clearTimeout(entry.timer);
    if (msg.type === 'error') entry.onFailure(new ClientError(msg.code, msg.message));
    else entry.onAnswer(msg);
    return true;
  }

  /** True (once) for the id of a request that timed out: its late answer can be dropped quietly. */
  timedOut(id: string | undefined): boolean {
    return id !== undefined && this.expired.delete(id);
  }

  /** Fails every request in flight, e.g. when the connection they were sent on is gone. */
  failAll(error: () => ClientError): void {
    const entries = [...this.pending.values()];
    this.pending.clear();
    for (const entry of entries) {
      clearTimeout(entry.timer);
      entry.onFailure(error());
    }
  }
}
