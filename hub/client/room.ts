/** A room as the app sees it: messages once and in order, presence, resets, publishing. */
import {
  isHubRoom,
  type AckFor,
  type ClientMessage,
  type Json,
  type JsonObject,
  type PresenceMember,
  type PresenceMessage,
  type ResumeFailure,
  type RoomMessage,
  type StreamPosition,
} from '../protocol/index.js';
import { ClientError } from './errors.js';
import { Listeners } from './listeners.js';
import { isEmptyChange, PresenceView } from './presence.js';
import type { Answer, Pending } from './requests.js';
import { RoomStream, type Outcome } from './room-stream.js';
import type {
  MessageListener,
  PresenceChange,
  PresenceListener,
  PublishAck,
  ResetListener,
  RoomHandle,
  Unsubscribe,
} from './types.js';

/** What a room needs from the client that owns it. */
export interface RoomHost {
  /** Sends a request now, or queues it until a connection is ready. */
  submit(message: ClientMessage, handlers: Pending): void;
  /** Sends a request on the current connection only; false when there is none. */
  requestNow(message: ClientMessage, handlers: Pending): boolean;
  /** Sends a message that has no answer; false when there is no connection. */
  sendNow(message: ClientMessage): boolean;
  reportError(error: ClientError): void;
  forget(room: Room): void;
}

export class Room implements RoomHandle {
  private readonly stream: RoomStream;
  private readonly presence = new PresenceView();
  private readonly messageListeners = new Map<string, Listeners<[Json, RoomMessage]>>();
  private readonly presenceListeners = new Listeners<[PresenceMember[], PresenceChange]>();
  private readonly resetListeners = new Listeners<[ResumeFailure]>();
  private presenceState: JsonObject | undefined;
  private left = false;

  constructor(
    readonly name: string,
    private readonly host: RoomHost,
  ) {
    this.stream = new RoomStream(!isHubRoom(name));
  }

  get members(): PresenceMember[] {
    return this.presence.members;
  }

  get position(): StreamPosition | null {
    return this.stream.position;
  }

  on(event: string, fn: MessageListener): Unsubscribe {
    let set = this.messageListeners.get(event);
    if (!set) this.messageListeners.set(event, (set = new Listeners()));
    return set.add(fn);
  }

  onPresence(fn: PresenceListener): Unsubscribe {
    return this.presenceListeners.add(fn);
  }

  onReset(fn: ResetListener): Unsubscribe {
    return this.resetListeners.add(fn);
  }

  publish(event: string, data: Json, options: { echo?: boolean } = {}): Promise<PublishAck> {
    return new Promise((resolve, reject) => {
      if (this.left) return reject(this.leftError());
      const message: ClientMessage = { type: 'publish', room: this.name, event, data };
      if (options.echo !== undefined) message.echo = options.echo;
      // Without echo the hub never sends this message back: the stream must know the hole is ours.
      const ownHole = options.echo !== true;
      if (ownHole) this.stream.publishing();
      this.host.submit(message, {
        onAnswer: (answer) => {
          const ack = answer as AckFor<'publish'>;
          const at = { room: this.name, epoch: ack.epoch, seq: ack.seq };
          if (ownHole) this.apply(this.stream.published(at));
          resolve(at);
        },
        onFailure: (err) => {
          if (ownHole) this.apply(this.stream.publishFailed());
          reject(withRoom(err, this.name));
        },
      });
    });
  }

  setState(state: JsonObject): void {
    if (this.left) throw this.leftError();
    this.presenceState = state;
    if (this.stream.isLive) this.host.sendNow({ type: 'presence', room: this.name, state });
  }

  leave(): Promise<void> {
    if (this.left) return Promise.resolve();
    this.left = true;
    this.stream.pause();
    this.host.forget(this);
    return new Promise((resolve, reject) => {
      const sent = this.host.requestNow(
        { type: 'unsubscribe', room: this.name },
        { onAnswer: () => resolve(), onFailure: (err) => (err.code === 'connection_lost' ? resolve() : reject(err)) },
      );
      // Offline: the next connection simply does not resubscribe.
      if (!sent) resolve();
    });
  }

  // ---- driven by the client ----

  /**
   * (Re)subscribes on the current connection from the last position seen. Settles when the hub
   * has answered (or failed to), so queued publishes can follow.
   */
  subscribe(): Promise<void> {
    return new Promise((resolve) => {
      if (this.left) return resolve();
      const since = this.stream.since;
      this.stream.pause();
      const message: ClientMessage = { type: 'subscribe', room: this.name };
      if (since) message.since = since;
      const sent = this.host.requestNow(message, {
        onAnswer: (ack) => {
          this.acknowledge(ack, since);
          resolve();
        },
        onFailure: (err) => {
          if (err.code !== 'connection_lost' && err.code !== 'closed') this.host.reportError(withRoom(err, this.name));
          resolve();
        },
      });
      if (!sent) resolve();
    });
  }

  connectionLost(): void {
    this.stream.pause();
  }

  receive(msg: RoomMessage): void {
    this.apply(this.stream.receive(msg));
  }

  private apply(outcome: Outcome): void {
    for (const msg of outcome.deliver) {
      this.messageListeners.get(msg.event)?.emit(msg.data, msg);
      this.messageListeners.get('*')?.emit(msg.data, msg);
    }
    // The hub skipped something on this connection: ask again from what we have.
    if (outcome.resync && !this.left) void this.subscribe();
  }

  applyPresence(msg: PresenceMessage): void {
    if (!this.stream.isLive) return;
    const change = this.presence.apply(msg);
    if (!isEmptyChange(change)) this.presenceListeners.emit(this.presence.members, change);
  }

  private acknowledge(answer: Answer, since: StreamPosition | undefined): void {
    if (this.left) return;
    const ack = answer as AckFor<'subscribe'>;
    const reset = this.stream.acknowledge(ack, since);
    const change = this.presence.replace(Array.isArray(ack.members) ? ack.members : []);
    if (this.presenceState) this.host.sendNow({ type: 'presence', room: this.name, state: this.presenceState });
    if (reset) this.resetListeners.emit(reset);
    if (!isEmptyChange(change)) this.presenceListeners.emit(this.presence.members, change);
  }

  private leftError(): ClientError {
    return new ClientError('closed', `room "${this.name}" was left`, { room: this.name });
  }
}

function withRoom(err: ClientError, room: string): ClientError {
  if (err.room !== undefined) return err;
  return new ClientError(err.code, err.message, { closeCode: err.closeCode, room });
}
