/**
 * The client the app holds: its rooms, its requests and admin actions, its listeners. How its
 * connection lives (open, welcome, resubscribe, reconnect, stop) is lifecycle.ts; how requests
 * leave is request-channel.ts; each room keeps its own fate (room-join.ts).
 */
import {
  isValidRoomName,
  type AdminAction,
  type AdminAck,
  type AdminFields,
  type AdminListing,
  type AnswerFor,
  type ClientMessage,
  type NoticeMessage,
  type ServerMessage,
  type WelcomeMessage,
} from '../protocol/index.js';
import { ClientError } from './errors.js';
import { Lifecycle } from './lifecycle.js';
import { Listeners } from './listeners.js';
import { reportRejection } from './report-rejection.js';
import { RequestChannel } from './request-channel.js';
import type { Pending } from './requests.js';
import { Room, type RoomHost } from './room.js';
import type { ConnectOptions, ConnectionState, InsightClient, RoomOptions, Session, Unsubscribe } from './types.js';

const DEFAULTS = { ackTimeoutMs: 10_000, offlineQueueLimit: 1000 };

/** Opens a connection to the hub and keeps it open until `close()` or a stop code. */
export function connect(options: ConnectOptions): InsightClient {
  return new HubClient(options);
}

class HubClient implements InsightClient, RoomHost {
  private readonly rooms = new Map<string, Room>();
  private readonly noticeListeners = new Listeners<[NoticeMessage]>();
  private readonly errorListeners = new Listeners<[ClientError]>();
  private readonly channel: RequestChannel;
  private readonly life: Lifecycle;
  readonly ackTimeoutMs: number;

  constructor(private readonly options: ConnectOptions) {
    this.ackTimeoutMs = options.ackTimeoutMs ?? DEFAULTS.ackTimeoutMs;
    this.channel = new RequestChannel(
      {
        canSend: () => this.life.canSend,
        ready: () => this.life.ready,
        stopped: () => this.life.stopped,
        write: (text) => this.life.write(text),
        closedError: () => this.life.closedError(),
      },
      this.ackTimeoutMs,
      options.offlineQueueLimit ?? DEFAULTS.offlineQueueLimit,
    );
    this.life = new Lifecycle(
      options,
      {
        channel: this.channel,
        // Rooms refused for a passing reason retry on their own: they do not hold the queue back.
        resubscribe: async () => void (await Promise.all([...this.rooms.values()].map((room) => room.subscribe()))),
        resumed: () => this.channel.flushQueue(),
        frame: (msg) => this.onFrame(msg),
        engineUp: () => this.eachRoom((room) => room.engineUp()),
        linkLost: () => this.eachRoom((room) => room.connectionLost()),
        requestsLost: (code) =>
          this.channel.failInFlight(
            () =>
              new ClientError('connection_lost', `connection closed (${code}) before the answer`, { closeCode: code }),
          ),
        // Closed for good, a room can never be joined again; after a ban it rejoins when the ban ends.
        halted: (untilBan, error) => {
          this.channel.failAll(error);
          this.eachRoom((room) => (untilBan ? room.clientStopped(error) : room.clientClosed(error())));
        },
        reportError: (error) => this.reportError(error),
        notice: (notice) => this.noticeListeners.emit(notice),
      },
      this.ackTimeoutMs,
    );
    this.life.start();
  }

  // ---- public API ----

  get state(): ConnectionState {
    return this.life.state;
  }

  get session(): Session | null {
    return this.life.session;
  }

  onState(fn: (state: ConnectionState) => void): Unsubscribe {
    return this.life.onState(fn);
  }

  onNotice(fn: (notice: NoticeMessage) => void): Unsubscribe {
    return this.noticeListeners.add(fn);
  }

  onError(fn: (error: ClientError) => void): Unsubscribe {
    return this.errorListeners.add(fn);
  }

  room(name: string, options?: RoomOptions): Room {
    if (!isValidRoomName(name)) {
      throw new ClientError('bad_request', 'a room name is 1-128 characters of A-Z a-z 0-9 _ . : @ -', {
        room: String(name),
      });
    }
    const limit = options?.history?.limit;
    if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1 && limit <= 1000)) {
      throw new ClientError('bad_request', 'history.limit is a whole number from 1 to 1000', { room: name });
    }
    let room = this.rooms.get(name);
    if (!room) {
      room = new Room(name, this, options);
      this.rooms.set(name, room);
      if (this.life.welcomed) reportRejection(room.subscribe(), `joining ${name}`);
    }
    return room;
  }

  request<M extends ClientMessage>(msg: M): Promise<AnswerFor<M>> {
    // The SDK numbers requests itself: the channel writes its own id over any the app set.
    return this.channel.ask(msg);
  }

  admin<A extends AdminAction, W extends AdminListing = AdminListing>(
    action: A,
    fields: AdminFields<A, W>,
  ): Promise<AdminAck<A, W>> {
    return this.channel.askAdmin<A, W>({ ...fields, type: 'admin', action });
  }

  close(): void {
    this.life.close();
  }

  // ---- RoomHost ----

  get backoff(): ConnectOptions['backoff'] {
    return this.options.backoff;
  }

  reportError(error: ClientError): void {
    this.errorListeners.emit(error);
  }

  forget(room: Room): void {
    if (this.rooms.get(room.name) === room) this.rooms.delete(room.name);
  }

  requestNow<M extends ClientMessage>(message: M, handlers: Pending<M>): boolean {
    return this.channel.requestNow(message, handlers);
  }

  sendNow(message: ClientMessage): boolean {
    return this.channel.sendNow(message);
  }

  submit<M extends ClientMessage>(message: M, handlers: Pending<M>): void {
    this.channel.submit(message, handlers);
  }

  /** Requests in flight and queued, and unsettled publishes (a test's leak check). */
  get outstanding(): { requests: number; queued: number; publishes: number } {
    let publishes = 0;
    for (const room of this.rooms.values()) publishes += room.unsettledPublishes;
    return { requests: this.channel.inFlight, queued: this.channel.queued, publishes };
  }

  private eachRoom(fn: (room: Room) => void): void {
    for (const room of this.rooms.values()) fn(room);
  }

  /** Answers go to the requests waiting for them, room traffic to its room. */
  private onFrame(msg: Exclude<ServerMessage, WelcomeMessage | NoticeMessage>): void {
    switch (msg.type) {
      case 'ack':
      case 'pong':
        this.channel.settle(msg);
        return;
      case 'error':
        // A late answer to a request that timed out was already handled (as that timeout).
        if (!this.channel.settle(msg) && !this.channel.timedOut(msg.id))
          this.reportError(new ClientError(msg.code, msg.message));
        return;
      case 'message':
        this.rooms.get(msg.room)?.receive(msg);
        return;
      case 'presence':
        this.rooms.get(msg.room)?.applyPresence(msg);
        return;
    }
  }
}
