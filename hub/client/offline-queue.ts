/** Requests made while no connection is ready, sent in order once one is (bounded). */
import type { ClientMessage } from '../protocol/index.js';
import { ClientError } from './errors.js';

/** A request waiting for a connection: the message and who waits for its answer live inside `send`. */
export interface QueuedRequest {
  readonly type: ClientMessage['type'];
  /** Submits it again (straight out, or back in the queue). */
  send(): void;
  fail(error: ClientError): void;
}

export class OfflineQueue {
  private items: QueuedRequest[] = [];

  constructor(private readonly limit: number) {}

  get size(): number {
    return this.items.length;
  }

  /** Queues the request, or fails it at once with `offline_queue_full`. */
  push(item: QueuedRequest): void {
    if (this.items.length >= this.limit) {
      item.fail(new ClientError('offline_queue_full', `${this.limit} requests are already waiting for a connection`));
      return;
    }
    this.items.push(item);
  }

  /** Takes every queued request, oldest first. */
  drain(): QueuedRequest[] {
    const items = this.items;
    this.items = [];
    return items;
  }

  failAll(error: () => ClientError): void {
    for (const item of this.drain()) item.fail(error());
  }
}
