/**
 * Requests waiting for their answer, by id. Answers are handled synchronously as frames arrive:
 * a subscribe's ack must take effect before the replayed messages that follow it in the same read.
 * Each answer is checked against the request sent under its id (answer-check.ts) before it is
 * handed on, so whoever asked gets that request's own answer type.
 */
import type { AnswerFor, ClientMessage, ErrorMessage } from '../protocol/index.js';
import { answersRequest, badAnswer, type WireAnswer } from './answer-check.js';
import { ClientError } from './errors.js';

/** Any answer as it comes off the wire (before it is checked against its request). */
export type Answer = WireAnswer;

/** Who waits for the answer to a request `M`: that request's own answer, or a failure. */
export interface Pending<M extends ClientMessage = ClientMessage> {
  onAnswer(answer: AnswerFor<M>): void;
  onFailure(error: ClientError): void;
}

/** A tracked request, its type erased: the answer check inside `answer` still knows it. */
interface Entry {
  timer: ReturnType<typeof setTimeout> | undefined;
  answer(frame: WireAnswer): void;
  fail(error: ClientError): void;
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

  /** The id the next request will carry. */
  nextId(): string {
    return `c${this.counter++}`;
  }

  /** Registers `message`, about to be sent under `id`, and returns the id; the timeout starts now. */
  track<M extends ClientMessage>(message: M, handlers: Pending<M>, id = this.nextId()): string {
    const entry: Entry = {
      timer: undefined,
      answer: (frame) => {
        if (answersRequest(message, frame)) handlers.onAnswer(frame);
        else handlers.onFailure(badAnswer(message, frame));
      },
      fail: (error) => handlers.onFailure(error),
    };
    if (Number.isFinite(this.timeoutMs)) {
      entry.timer = setTimeout(() => {
        this.pending.delete(id);
        this.expired.add(id);
        if (this.expired.size > EXPIRED_KEPT) this.expired.delete(this.expired.values().next().value!);
        entry.fail(new ClientError('timeout', `no answer to ${message.type} within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
    }
    this.pending.set(id, entry);
    return id;
  }

  /** Settles the request an answer or error names; returns false when no request has that id. */
  settle(msg: WireAnswer | ErrorMessage): boolean {
    if (msg.id === undefined) return false;
    const entry = this.pending.get(msg.id);
    if (!entry) {
      if (msg.type !== 'error') this.timedOut(msg.id);
      return false;
    }
    this.pending.delete(msg.id);
    clearTimeout(entry.timer);
    if (msg.type === 'error') entry.fail(new ClientError(msg.code, msg.message));
    else entry.answer(msg);
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
      entry.fail(error());
    }
  }
}
