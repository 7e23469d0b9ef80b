/**
 * A room as the app sees it: messages once and in order, presence, resets, publishing, and its
 * join, which the SDK keeps trying until the hub answers or refuses for good.
 */
import {
  isHubRoom,
  type ClientMessage,
  type Json,
  type JsonObject,
  type PresenceMember,
  type PresenceMessage,
  type ResumeFailure,
  type RoomMessage,
  type StreamPosition,
  type SubscribeAck,
  type SubscribeMessage,
} from '../protocol/index.js';
import { ClientError, withRoom } from './errors.js';
import { Listeners } from './listeners.js';
import { PublishRetry } from './publish-retry.js';
import { reportRejection } from './report-rejection.js';
import { isPassing, joinAnswer, RoomJoin } from './room-join.js';
import { RoomMembers, type MembersHost } from './room-members.js';
import type { Pending } from './requests.js';
import { RoomStream, type Outcome } from './room-stream.js';
import type {
  BackoffOptions,
  JoinAnswer,
  MessageListener,
  PresenceListener,
  PublishAck,
  PublishOptions,
  ResetListener,
  RoomHandle,
  RoomOptions,
  RoomState,
  Unsubscribe,
} from './types.js';

/** What a room needs from the client that owns it (its members' needs included). */
export interface RoomHost extends MembersHost {
  /** Sends a request on the current connection only; false when there is none. */
  requestNow<M extends ClientMessage>(message: M, handlers: Pending<M>): boolean;
  /** Sends a message that has no answer; false when there is no connection. */
  sendNow(message: ClientMessage): boolean;
  forget(room: Room): void;
  readonly ackTimeoutMs: number;
  readonly backoff: BackoffOptions | undefined;
}

export class Room implements RoomHandle {
  private readonly stream: RoomStream;
  private readonly presence: RoomMembers;
  private readonly join: RoomJoin;
  private readonly publishes: PublishRetry;
  private readonly messageListeners = new Map<string, Listeners<[Json, RoomMessage]>>();
  private readonly resetListeners = new Listeners<[ResumeFailure]>();
  private presenceState: JsonObject | undefined;
  /** A subscribe is on the current connection, unanswered. */
  private inFlight = false;
  /** The answer of the last ack, waiting for the history that follows it. */
  private pendingAnswer: JoinAnswer | undefined;
  private historyTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly name: string,
    private readonly host: RoomHost,
    private readonly options: RoomOptions = {},
  ) {
    this.stream = new RoomStream(!isHubRoom(name));
    this.join = new RoomJoin(host.backoff);
    this.publishes = new PublishRetry(host, name);
    this.presence = new RoomMembers(name, host, () => this.state.status === 'left');
  }

  get members(): PresenceMember[] {
    return this.presence.list;
  }

  get memberCount(): number {
    return this.presence.count;
  }

  get membersComplete(): boolean {
    return this.presence.complete;
  }

  loadMembers(pages = Infinity): Promise<PresenceMember[]> {
    return this.presence.load(pages);
  }

  get position(): StreamPosition | null {
    return this.stream.position;
  }

  /** Publishes not yet answered (they are retried until they are). */
  get unsettledPublishes(): number {
    return this.publishes.size;
  }

  get state(): RoomState {
    return this.join.state;
  }

  get joined(): Promise<JoinAnswer> {
    return this.join.joined;
  }

  ready(): Promise<JoinAnswer> {
    return this.join.joined;
  }

  onStateChange(fn: (state: RoomState) => void): Unsubscribe {
    return this.join.onState(fn);
  }

  onJoin(fn: (answer: JoinAnswer) => void): Unsubscribe {
    return this.join.onAnswer(fn);
  }

  on(event: string, fn: MessageListener): Unsubscribe {
    let set = this.messageListeners.get(event);
    if (!set) this.messageListeners.set(event, (set = new Listeners()));
    return set.add(fn);
  }

  onPresence(fn: PresenceListener): Unsubscribe {
    return this.presence.onChange(fn);
  }

  onReset(fn: ResetListener): Unsubscribe {
    return this.resetListeners.add(fn);
  }

  publish(event: string, data: Json, options: PublishOptions = {}): Promise<PublishAck> {
    if (this.state.status === 'left') return Promise.reject(this.leftError());
    // Without echo the hub never sends this message back: the stream must know the hole is ours.
    const ownHole = options.echo !== true;
    return this.publishes.publish(event, data, options, {
      sent: () => ownHole && this.stream.publishing(),
      stored: (at) => ownHole && this.apply(this.stream.published(at)),
      refused: () => ownHole && this.apply(this.stream.publishFailed()),
    });
  }

  setState(state: JsonObject): void {
    if (this.state.status === 'left') throw this.leftError();
    this.presenceState = state;
    if (this.stream.isLive) this.host.sendNow({ type: 'presence', room: this.name, state });
  }

  leave(): Promise<void> {
    if (this.state.status === 'left') return Promise.resolve();
    this.join.end({ status: 'left', error: this.leftError() });
    this.finish();
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
   * has answered (or failed to), so queued publishes can follow; a passing refusal is retried later.
   */
  subscribe(): Promise<void> {
    return new Promise((resolve) => {
      if (this.join.isOver || this.inFlight) return resolve();
      const since = this.stream.since;
      this.stream.pause();
      this.clearPendingAnswer();
      const message: SubscribeMessage = { type: 'subscribe', room: this.name };
      if (since) message.since = since;
      if (this.options.history) message.history = { limit: this.options.history.limit };
      this.join.joining();
      const sent = this.host.requestNow(message, {
        onAnswer: (ack) => {
          this.inFlight = false;
          this.acknowledge(ack, since);
          resolve();
        },
        onFailure: (err) => {
          this.inFlight = false;
          this.refused(withRoom(err, this.name));
          resolve();
        },
      });
      this.inFlight = sent;
      if (!sent) resolve();
    });
  }

  connectionLost(): void {
    this.stream.pause();
    this.inFlight = false;
    this.clearPendingAnswer();
    this.join.joining();
  }

  /** The client stopped for good (or until a ban ends): nothing of this room waits any longer. */
  clientStopped(error: () => ClientError): void {
    this.connectionLost();
    this.publishes.failAll(error);
  }

  /** The client closed for good (no ban to wait out): the room is over, `joined` rejects with `error`. */
  clientClosed(error: ClientError): void {
    this.clientStopped(() => error);
    this.join.end({ status: 'left', error });
  }

  /** `notice engine_up`: what waits out a delay because the engine was away is tried now. */
  engineUp(): void {
    this.join.retryNow(() => reportRejection(this.subscribe(), `joining ${this.name}`));
    this.publishes.retryNow();
  }

  receive(msg: RoomMessage): void {
    if (!this.stream.isLive) {
      // The hub holds us in the room while the SDK does not count itself in (a subscribe that
      // timed out, say): join again now, from our position, instead of dropping the room.
      if (!this.inFlight && !this.join.isOver) reportRejection(this.subscribe(), `joining ${this.name}`);
      return;
    }
    this.apply(this.stream.receive(msg));
  }

  private refused(err: ClientError): void {
    if (err.code === 'connection_lost' || err.code === 'closed') return; // the next connection rejoins
    if (isPassing(err.code)) {
      this.join.retryLater(err, () => reportRejection(this.subscribe(), `joining ${this.name}`));
      return;
    }
    this.host.reportError(err);
    this.join.end({ status: 'failed', error: err });
    this.finish();
  }

  private finish(): void {
    this.stream.pause();
    this.clearPendingAnswer();
    this.host.forget(this);
  }

  private apply(outcome: Outcome): void {
    for (const msg of outcome.deliver) {
      this.messageListeners.get(msg.event)?.emit(msg.data, msg);
      this.messageListeners.get('*')?.emit(msg.data, msg);
    }
    if (outcome.history) this.historyDone(outcome.history);
    // The hub skipped something on this connection: ask again from what we have.
    if (outcome.resync && !this.join.isOver) reportRejection(this.subscribe(), `joining ${this.name}`);
  }

  applyPresence(msg: PresenceMessage): void {
    if (!this.stream.isLive) return;
    this.presence.apply(msg);
  }

  private acknowledge(ack: SubscribeAck, since: StreamPosition | undefined): void {
    if (this.join.isOver) return;
    const reset = this.stream.acknowledge(ack, since, this.options.history !== undefined);
    const change = this.presence.replace(ack);
    if (this.presenceState) this.host.sendNow({ type: 'presence', room: this.name, state: this.presenceState });
    const answerNow = joinAnswer(this.name, ack, reset);
    if (reset) this.resetListeners.emit(reset);
    this.presence.announce(change);
    this.presence.reloadIfWanted();
    if (!this.stream.catchingUp) return this.join.answered(answerNow);
    // The replayed history follows the ack; a hub that sends less than it said must not hold the
    // answer back for ever.
    this.pendingAnswer = answerNow;
    if (Number.isFinite(this.host.ackTimeoutMs)) {
      this.historyTimer = setTimeout(() => this.historyDone(this.stream.finishHistory()), this.host.ackTimeoutMs);
    }
  }

  private historyDone(history: RoomMessage[]): void {
    const answer = this.pendingAnswer;
    this.clearPendingAnswer();
    if (answer) this.join.answered({ ...answer, history });
  }

  private clearPendingAnswer(): void {
    clearTimeout(this.historyTimer);
    this.historyTimer = undefined;
    this.pendingAnswer = undefined;
  }

  private leftError(): ClientError {
    return new ClientError('closed', `room "${this.name}" was left`, { room: this.name });
  }
}
