/**
 * How a request leaves the client: straight out on a ready connection (tracked by id until its
 * answer or its timeout), queued in order (bounded) while there is none, failed at once when the
 * client is closed. Answers come back through `settle`.
 */
import type {
  AdminAck,
  AdminAction,
  AdminListing,
  AdminMessage,
  AnswerFor,
  ClientMessage,
  ErrorMessage,
} from '../protocol/index.js';
import type { WireAnswer } from './answer-check.js';
import { ClientError } from './errors.js';
import { OfflineQueue } from './offline-queue.js';
import { RequestTracker, type Pending } from './requests.js';
import { messageOf } from './server-frames.js';

/** What the channel needs of the client: whether frames can go out, and where they go. */
export interface ChannelHost {
  /** Welcomed, with the link open: frames can be written. */
  canSend(): boolean;
  /** Every room had its first answer: requests no longer queue. */
  ready(): boolean;
  stopped(): boolean;
  write(text: string): boolean;
  closedError(): ClientError;
}

export class RequestChannel {
  private readonly tracker: RequestTracker;
  private readonly queue: OfflineQueue;

  constructor(
    private readonly host: ChannelHost,
    ackTimeoutMs: number,
    queueLimit: number,
  ) {
    this.tracker = new RequestTracker(ackTimeoutMs);
    this.queue = new OfflineQueue(queueLimit);
  }

  /**
   * Sends a request and resolves with its answer: the tracker matched it by id and checked it
   * against this request (answer-check.ts) before it gets here.
   */
  ask<M extends ClientMessage>(message: M): Promise<AnswerFor<M>> {
    return this.answerOf<AnswerFor<M>>(message);
  }

  /** An admin request, its fields already checked against `A` and `W` (client.ts `admin()`). */
  askAdmin<A extends AdminAction, W extends AdminListing>(
    message: AdminMessage & { action: A },
  ): Promise<AdminAck<A, W>> {
    return this.answerOf<AdminAck<A, W>>(message);
  }

  private answerOf<T>(message: ClientMessage): Promise<T> {
    return new Promise((resolve, reject) => {
      // The answer was checked against this request (answer-check.ts); `T` is its type as the
      // caller's signature (ask, or admin() with its fields checked against A and W) states it.
      this.submit(message, { onAnswer: (a) => resolve(a as T), onFailure: reject });
    });
  }

  /** Straight out when ready, otherwise queued (bounded) for the next connection. */
  submit<M extends ClientMessage>(message: M, handlers: Pending<M>): void {
    if (this.host.stopped()) {
      handlers.onFailure(this.host.closedError());
      return;
    }
    if (this.host.ready() && this.requestNow(message, handlers)) return;
    this.queue.push({
      type: message.type,
      send: () => this.submit(message, handlers),
      fail: (error) => handlers.onFailure(error),
    });
  }

  /** Sends on the current connection and tracks the answer; false (nothing sent) without one. */
  requestNow<M extends ClientMessage>(message: M, handlers: Pending<M>): boolean {
    if (!this.host.canSend()) return false;
    const id = this.tracker.nextId();
    let text: string;
    try {
      text = JSON.stringify({ ...message, id });
    } catch (err) {
      // Data JSON cannot carry (a cycle, a BigInt): this request fails, the queue behind it goes on.
      handlers.onFailure(new ClientError('bad_request', `cannot send ${message.type}: ${messageOf(err)}`));
      return true;
    }
    this.tracker.track(message, handlers, id);
    this.host.write(text);
    return true;
  }

  /** A frame that expects no answer (ping, presence), on the current connection only. */
  sendNow(message: ClientMessage): boolean {
    if (!this.host.canSend()) return false;
    return this.host.write(JSON.stringify(message));
  }

  /** Settles the request an answer or error names; false when no request has that id. */
  settle(msg: WireAnswer | ErrorMessage): boolean {
    return this.tracker.settle(msg);
  }

  /** True (once) for the id of a request that timed out: its late answer can be dropped quietly. */
  timedOut(id: string | undefined): boolean {
    return this.tracker.timedOut(id);
  }

  /** Offline requests go out after resubscribing, in the order they were made. */
  flushQueue(): void {
    for (const item of this.queue.drain()) item.send();
  }

  /** The connection is gone: requests sent on it fail; queued ones wait for the next. */
  failInFlight(error: () => ClientError): void {
    this.tracker.failAll(error);
  }

  /** Closed: everything waiting fails. */
  failAll(error: () => ClientError): void {
    this.queue.failAll(error);
    this.tracker.failAll(error);
  }

  get inFlight(): number {
    return this.tracker.size;
  }

  get queued(): number {
    return this.queue.size;
  }
}
