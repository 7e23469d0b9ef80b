/**
 * Publishes until the hub answers: each carries an idempotency key, and an answer that was lost
 * (connection dropped, timeout) or that says the outcome is unknown or the engine is away is
 * retried with the same key, so the hub stores the message once however often it is sent.
 */
import type { Json, PublishMessage, StreamPosition } from '../protocol/index.js';
import { Backoff } from './backoff.js';
import { ClientError, withRoom, type ClientErrorCode } from './errors.js';
import type { Pending } from './requests.js';
import type { BackoffOptions, PublishAck, PublishOptions } from './types.js';

export const MAX_KEY_LENGTH = 64;

/** Failures after which the message may or may not be stored, or was not stored for a passing reason. */
const RETRIED = new Set<ClientErrorCode>(['connection_lost', 'timeout', 'outcome_unknown', 'unavailable', 'internal']);

export interface PublishHost {
  submit(message: PublishMessage, handlers: Pending<PublishMessage>): void;
  readonly backoff: BackoffOptions | undefined;
}

/** How the room's stream hears of an own publish: sent, stored at a position, or refused. */
export interface PublishEvents {
  sent(): void;
  stored(at: StreamPosition): void;
  refused(): void;
}

/** A random key: 128 bits, base64url (crypto.getRandomValues exists in browsers and Node 20). */
export function newPublishKey(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  let text = '';
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

interface InFlight {
  timer: ReturnType<typeof setTimeout> | undefined;
  fail(error: ClientError): void;
  send(): void;
}

export class PublishRetry {
  private readonly backoff: Backoff;
  /** Publishes not yet settled, so a stopped client can fail them (and clear their timers). */
  private readonly open = new Set<InFlight>();

  constructor(
    private readonly host: PublishHost,
    private readonly room: string,
  ) {
    this.backoff = new Backoff({ ...host.backoff, maxAttempts: Infinity });
  }

  get size(): number {
    return this.open.size;
  }

  publish(event: string, data: Json, options: PublishOptions, events: PublishEvents): Promise<PublishAck> {
    const key = options.key ?? newPublishKey();
    if (typeof key !== 'string' || key.length < 1 || key.length > MAX_KEY_LENGTH) {
      return Promise.reject(
        new ClientError('bad_request', `a publish key is 1-${MAX_KEY_LENGTH} characters`, { room: this.room }),
      );
    }
    const message: PublishMessage = { type: 'publish', room: this.room, event, data, key };
    if (options.echo !== undefined) message.echo = options.echo;
    return new Promise((resolve, reject) => {
      let attempt = 0;
      const entry: InFlight = {
        timer: undefined,
        send: () => send(),
        fail: (err) => {
          this.open.delete(entry);
          clearTimeout(entry.timer);
          events.refused();
          reject(err);
        },
      };
      this.open.add(entry);
      const send = (): void => {
        entry.timer = undefined;
        this.host.submit(message, {
          onAnswer: (ack) => {
            if (!this.open.delete(entry)) return;
            const at = { room: this.room, epoch: ack.epoch, seq: ack.seq, key };
            events.stored(at);
            resolve(ack.duplicate === true ? { ...at, duplicate: true } : at);
          },
          onFailure: (err) => {
            if (!this.open.has(entry)) return;
            if (!RETRIED.has(err.code)) return entry.fail(withRoom(err, this.room));
            // A dropped connection: the submit waits for the next one (and keeps the order).
            if (err.code === 'connection_lost') return send();
            attempt += 1;
            entry.timer = setTimeout(send, this.backoff.delay(attempt) ?? this.backoff.capMs);
          },
        });
      };
      events.sent();
      send();
    });
  }

  /** The hub said its engine is back: publishes waiting out a backoff delay go now. */
  retryNow(): void {
    for (const entry of this.open) {
      if (entry.timer === undefined) continue;
      clearTimeout(entry.timer);
      entry.send();
    }
  }

  /** The client stopped: every publish still waiting fails with `error`. */
  failAll(error: () => ClientError): void {
    for (const entry of [...this.open]) entry.fail(withRoom(error(), this.room));
  }
}
