/**
 * The client: one connection at a time (to one of its hub URLs), reconnected by the close-code
 * policy, with every room resubscribed from its last position and queued requests sent once that
 * is done. Its lifecycle is one phase value; each room keeps its own fate (room-join.ts).
 */
import {
  CloseCode,
  CloseReason,
  isValidRoomName,
  type AckFor,
  type AdminAck,
  type AdminAction,
  type AdminFields,
  type AdminListing,
  type AnswerTo,
  type ClientMessage,
  type NoticeMessage,
} from '../protocol/index.js';
import { Attempts, type RetryDecision } from './attempts.js';
import { decideAfterClose } from './close-policy.js';
import { StateCell } from './connection-state.js';
import { ClientError } from './errors.js';
import { Heartbeat } from './heartbeat.js';
import { Listeners } from './listeners.js';
import { OfflineQueue } from './offline-queue.js';
import { RequestTracker, type Pending } from './requests.js';
import { Room, type RoomHost } from './room.js';
import { messageOf, parseServerMessage } from './server-frames.js';
import { Link, resolveWebSocket, type LinkEnding } from './transport.js';
import type {
  CloseInfo,
  ConnectOptions,
  ConnectionState,
  InsightClient,
  RoomOptions,
  Session,
  Unsubscribe,
} from './types.js';

const DEFAULTS = { pingIntervalMs: 20_000, ackTimeoutMs: 10_000, offlineQueueLimit: 1000 };
/** setTimeout's longest delay; a ban may last longer. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Opens a connection to the hub and keeps it open until `close()` or a stop code. */
export function connect(options: ConnectOptions): InsightClient {
  return new HubClient(options);
}

/**
 * Where the client is in its lifecycle:
 * - `connecting`: getting a token, or a link is up and waiting for `welcome`;
 * - `resuming`: welcomed, every room resubscribing (requests still queue);
 * - `ready`: rooms had their first answer, the offline queue is flushed, requests go straight out;
 * - `waiting`: between attempts;
 * - `banned`: stopped until a ban ends (then `connecting` again, unless closed);
 * - `stopped`: closed for good.
 */
type Phase = 'connecting' | 'resuming' | 'ready' | 'waiting' | 'banned' | 'stopped';

/** What the hub told us on the current connection that matters when it closes. */
interface ConnectionNotes {
  shutdownAfterMs?: number;
  noticeReason?: string;
  banUntil?: number;
}

class HubClient implements InsightClient, RoomHost {
  private readonly cell = new StateCell();
  private readonly rooms = new Map<string, Room>();
  private readonly noticeListeners = new Listeners<[NoticeMessage]>();
  private readonly errorListeners = new Listeners<[ClientError]>();
  private readonly attempts: Attempts;
  private readonly tracker: RequestTracker;
  private readonly queue: OfflineQueue;
  private readonly heartbeat: Heartbeat;
  readonly ackTimeoutMs: number;

  private sessionValue: Session | null = null;
  private link: Link | undefined;
  private phase: Phase = 'connecting';
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  /** Set while stopped by a ban: the attempt due when it ends. */
  private banTimer: ReturnType<typeof setTimeout> | undefined;
  private welcomeTimer: ReturnType<typeof setTimeout> | undefined;
  /** The token the current (or last) connection was opened with. */
  private token: string | undefined;
  /** A token fetched after a 4001, to be used by the next attempt instead of asking again. */
  private freshToken: string | undefined;
  private notes: ConnectionNotes = {};

  constructor(private readonly options: ConnectOptions) {
    this.attempts = new Attempts(options.url, options.backoff);
    this.ackTimeoutMs = options.ackTimeoutMs ?? DEFAULTS.ackTimeoutMs;
    this.tracker = new RequestTracker(this.ackTimeoutMs);
    this.queue = new OfflineQueue(options.offlineQueueLimit ?? DEFAULTS.offlineQueueLimit);
    this.heartbeat = new Heartbeat(
      options.pingIntervalMs ?? DEFAULTS.pingIntervalMs,
      () => this.sendNow({ type: 'ping' }),
      () => this.link?.end(1006, 'no answer to ping'),
    );
    this.guard(this.open());
  }

  // ---- public API ----

  get state(): ConnectionState {
    return this.cell.value;
  }

  get session(): Session | null {
    return this.sessionValue;
  }

  onState(fn: (state: ConnectionState) => void): Unsubscribe {
    return this.cell.subscribe(fn);
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
      if (this.welcomed) void room.subscribe();
    }
    return room;
  }

  request<M extends ClientMessage>(msg: M): Promise<AnswerTo<M['type']>> {
    const { id: _ignored, ...message } = msg;
    return this.ask<AnswerTo<M['type']>>(message as ClientMessage);
  }

  admin<A extends AdminAction, W extends AdminListing = AdminListing>(
    action: A,
    fields: AdminFields<W> = {},
  ): Promise<AdminAck<A, W>> {
    return this.ask<AdminAck<A, W>>({ ...fields, type: 'admin', action });
  }

  /**
   * Sends a request and resolves with its answer. The tracker matched the answer by id, and the
   * hub answers each request with its own type (AnswerMap, AdminAnswerMap): the one place that says so.
   */
  private ask<Answer>(message: ClientMessage): Promise<Answer> {
    return new Promise((resolve, reject) => {
      this.submit(message, { onAnswer: (a) => resolve(a as Answer), onFailure: reject });
    });
  }

  close(): void {
    if (this.phase === 'banned') {
      // Stopped by a ban and waiting for its end: the app no longer wants that reconnect.
      clearTimeout(this.banTimer);
      this.banTimer = undefined;
      this.phase = 'stopped';
      this.cell.set({ status: 'closed', code: CloseCode.normal, reason: 'closed by the application' });
      return;
    }
    if (this.stopped) return;
    const link = this.link;
    this.stop(CloseCode.normal, 'closed by the application', false);
    link?.close(CloseReason.clientClosed.code, CloseReason.clientClosed.reason);
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

  requestNow(message: ClientMessage, handlers: Pending): boolean {
    if (!this.welcomed || !this.link?.isOpen) return false;
    const id = this.tracker.nextId();
    let text: string;
    try {
      text = JSON.stringify({ ...message, id });
    } catch (err) {
      // Data JSON cannot carry (a cycle, a BigInt): this request fails, the queue behind it goes on.
      handlers.onFailure(new ClientError('bad_request', `cannot send ${message.type}: ${messageOf(err)}`));
      return true;
    }
    this.tracker.track(handlers, message.type, id);
    this.link.send(text);
    return true;
  }

  sendNow(message: ClientMessage): boolean {
    if (!this.welcomed || !this.link?.isOpen) return false;
    return this.link.send(JSON.stringify(message));
  }

  /** Straight out when ready, otherwise queued (bounded) for the next connection. */
  submit(message: ClientMessage, handlers: Pending): void {
    if (this.stopped) {
      handlers.onFailure(this.closedError());
      return;
    }
    if (this.phase === 'ready' && this.requestNow(message, handlers)) return;
    this.queue.push({ message, handlers });
  }

  /** Requests in flight and queued, and unsettled publishes (a test's leak check). */
  get outstanding(): { requests: number; queued: number; publishes: number } {
    let publishes = 0;
    for (const room of this.rooms.values()) publishes += room.unsettledPublishes;
    return { requests: this.tracker.size, queued: this.queue.size, publishes };
  }

  // ---- connection lifecycle ----

  private get welcomed(): boolean {
    return this.phase === 'resuming' || this.phase === 'ready';
  }

  private get stopped(): boolean {
    return this.phase === 'stopped' || this.phase === 'banned';
  }

  /** Whatever goes wrong inside the client's own async work is reported, never thrown at the host. */
  private guard(work: Promise<void>): void {
    work.catch((err: unknown) =>
      this.reportError(new ClientError('connection_closed', `client failure: ${messageOf(err)}`)),
    );
  }

  /** Starts an attempt after `ms`. */
  private openSoon(ms: number): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.guard(this.open());
    }, ms);
  }

  private async open(): Promise<void> {
    if (this.stopped) return;
    this.phase = 'connecting';
    this.cell.set({ status: 'connecting' });
    let token: string;
    try {
      token = this.freshToken ?? (await this.options.getToken());
      if (typeof token !== 'string' || token.length === 0) throw new Error('getToken gave no token');
    } catch (err) {
      this.freshToken = undefined;
      this.reportError(new ClientError('token_unavailable', `getToken failed: ${messageOf(err)}`));
      return this.retry({ kind: 'backoff', report: false }, { code: 1006, reason: 'no token' });
    }
    this.freshToken = undefined;
    let ctor;
    try {
      ctor = await resolveWebSocket(this.options.WebSocket);
    } catch (err) {
      return this.stop(1006, `no WebSocket implementation: ${messageOf(err)}`);
    }
    if (this.stopped) return;
    this.token = token;
    this.notes = {};
    const url = this.attempts.url;
    let link: Link;
    try {
      link = new Link(
        ctor,
        url,
        token,
        {
          open: () => undefined, // the connection counts as open at `welcome`
          frame: (data) => this.link === link && this.onFrame(data),
          end: (ending) => this.link === link && this.onEnd(ending),
        },
        this.ackTimeoutMs,
      );
    } catch (err) {
      // A malformed URL will not get better by retrying.
      return this.stop(1006, `cannot open ${url}: ${messageOf(err)}`);
    }
    this.link = link;
    if (Number.isFinite(this.ackTimeoutMs)) {
      this.welcomeTimer = setTimeout(
        () => link.end(1006, `no welcome within ${this.ackTimeoutMs} ms`),
        this.ackTimeoutMs,
      );
    }
  }

  private onFrame(data: unknown): void {
    this.heartbeat.alive();
    const msg = parseServerMessage(data);
    if (!msg) {
      this.reportError(new ClientError('bad_frame', 'the hub sent a frame that is not a protocol message'));
      return;
    }
    switch (msg.type) {
      case 'welcome':
        this.guard(this.onWelcome(msg));
        return;
      case 'ack':
      case 'pong':
        this.tracker.settle(msg);
        return;
      case 'error':
        // A late answer to a request that timed out was already handled (as that timeout).
        if (!this.tracker.settle(msg) && !this.tracker.timedOut(msg.id))
          this.reportError(new ClientError(msg.code, msg.message));
        return;
      case 'message':
        this.rooms.get(msg.room)?.receive(msg);
        return;
      case 'presence':
        this.rooms.get(msg.room)?.applyPresence(msg);
        return;
      case 'notice':
        this.onHubNotice(msg);
        return;
    }
  }

  private async onWelcome(welcome: Session): Promise<void> {
    const link = this.link;
    clearTimeout(this.welcomeTimer);
    this.sessionValue = welcome;
    this.phase = 'resuming';
    this.cell.set({ status: 'open' });
    this.heartbeat.start();
    // Rooms refused for a passing reason retry on their own: they do not hold the queue back.
    await Promise.all([...this.rooms.values()].map((room) => room.subscribe()));
    if (this.link !== link || this.phase !== 'resuming') return;
    this.phase = 'ready';
    // Only a connection that got this far counts as healthy: one closed during its own resume
    // (a replay too big for the hub's send queue, say) must not be retried at full speed forever.
    this.attempts.healthy();
    // Offline requests go out after resubscribing, in the order they were made.
    for (const item of this.queue.drain()) this.submit(item.message, item.handlers);
  }

  private onHubNotice(notice: NoticeMessage): void {
    // Sent by hubs that watch their engine: retry now what waits because it was away.
    if ((notice.event as string) === 'engine_up') for (const room of this.rooms.values()) room.engineUp();
    switch (notice.event) {
      case 'shutdown':
        this.notes.shutdownAfterMs = notice.reconnectAfterMs;
        break;
      case 'token_expiring':
        this.guard(this.refreshToken());
        break;
      case 'kicked':
        this.notes.noticeReason = notice.reason;
        break;
      case 'banned':
        this.notes.noticeReason = notice.reason;
        if (typeof notice.until === 'number' && Number.isFinite(notice.until)) this.notes.banUntil = notice.until;
        break;
    }
    this.noticeListeners.emit(notice);
  }

  /** In-band refresh: a new token on the same connection, so nothing is dropped. */
  private async refreshToken(): Promise<void> {
    const link = this.link;
    let token: string;
    try {
      token = await this.options.getToken();
    } catch (err) {
      this.reportError(new ClientError('token_unavailable', `getToken failed: ${messageOf(err)}`));
      return;
    }
    if (token === this.token) {
      this.reportError(new ClientError('token_unavailable', 'getToken gave back the token that is expiring'));
      return;
    }
    // A reconnect in the meantime asked getToken itself.
    if (this.link !== link) return;
    this.requestNow(
      { type: 'auth', token },
      {
        onAnswer: (ack) => {
          this.token = token;
          const { expiresAt } = ack as AckFor<'auth'>;
          if (this.sessionValue && typeof expiresAt === 'number') {
            this.sessionValue = { ...this.sessionValue, expiresAt };
          }
        },
        onFailure: (err) => this.reportError(err),
      },
    );
  }

  /** Forget the current link: timers, heartbeat and readiness; rooms hear the connection is gone. */
  private dropLink(): void {
    clearTimeout(this.welcomeTimer);
    this.heartbeat.stop();
    this.link = undefined;
    if (!this.stopped) this.phase = 'waiting';
    for (const room of this.rooms.values()) room.connectionLost();
  }

  private onEnd(ending: LinkEnding): void {
    this.dropLink();
    this.tracker.failAll(
      () =>
        new ClientError('connection_lost', `connection closed (${ending.code}) before the answer`, {
          closeCode: ending.code,
        }),
    );
    if (this.stopped) return;
    const decision = decideAfterClose({ ...ending, ...this.notes });
    const close: CloseInfo = { code: ending.code, reason: ending.reason };
    if ((decision.kind === 'backoff' || decision.kind === 'after') && decision.report) {
      const code = ending.httpStatus !== undefined ? 'handshake_refused' : 'connection_closed';
      this.reportError(
        new ClientError(code, `connection closed (${ending.code}): ${ending.reason}`, { closeCode: ending.code }),
      );
    }
    if (decision.kind === 'stop') return this.stop(decision.code, decision.reason, true, decision.until);
    if (decision.kind === 'new-token') {
      this.guard(this.renewAfterRejection(close));
      return;
    }
    this.retry(decision, close);
  }

  /** After 4001 (or HTTP 401): reconnect only if the app has a different token to offer. */
  private async renewAfterRejection(close: CloseInfo): Promise<void> {
    let fresh: string;
    try {
      fresh = await this.options.getToken();
    } catch (err) {
      this.reportError(new ClientError('token_unavailable', `getToken failed: ${messageOf(err)}`));
      return this.stop(
        CloseCode.tokenInvalid,
        `token rejected (${close.reason || 'expired or invalid'}) and no new one`,
      );
    }
    if (this.stopped) return;
    if (fresh === this.token) {
      return this.stop(
        CloseCode.tokenInvalid,
        `token rejected (${close.reason || 'expired or invalid'}) and getToken gave the same one`,
      );
    }
    this.freshToken = fresh;
    this.retry({ kind: 'backoff', report: false }, close);
  }

  private retry(decision: RetryDecision, close: CloseInfo): void {
    if (this.stopped) return;
    const delay = this.attempts.next(decision);
    if (delay === null) {
      return this.stop(
        close.code,
        `gave up after ${this.attempts.attempt - 1} attempts (last: ${close.code} ${close.reason})`.trim(),
      );
    }
    this.phase = 'waiting';
    this.cell.set({ status: 'reconnecting', inMs: delay, attempt: this.attempts.attempt, lastClose: close });
    this.openSoon(delay);
  }

  /**
   * No more reconnects; everything waiting is failed. With `until` (a ban's end) the client
   * connects again then, unless the app calls close() first.
   */
  private stop(code: number, reason: string, report = true, until?: number): void {
    if (this.stopped) return;
    this.phase = until === undefined ? 'stopped' : 'banned';
    clearTimeout(this.retryTimer);
    this.dropLink();
    this.cell.set(until === undefined ? { status: 'closed', code, reason } : { status: 'closed', code, reason, until });
    this.queue.failAll(() => this.closedError());
    this.tracker.failAll(() => this.closedError());
    // Closed for good, a room can never be joined again; after a ban it rejoins when the ban ends.
    for (const room of this.rooms.values()) {
      if (until === undefined) room.clientClosed(this.closedError());
      else room.clientStopped(() => this.closedError());
    }
    if (report) this.reportError(new ClientError('connection_closed', `stopped: ${reason}`, { closeCode: code }));
    if (until !== undefined) this.reopenAfterBan(until);
  }

  /** Connect again once the ban is over (plus a margin and a jitter: attempts.ts). */
  private reopenAfterBan(until: number): void {
    const at = this.attempts.afterBan(until);
    const wait = (): void => {
      const left = at - Date.now();
      this.banTimer = setTimeout(
        () => {
          if (left > MAX_TIMER_MS) return wait();
          this.banTimer = undefined;
          this.phase = 'waiting';
          this.guard(this.open());
        },
        Math.min(Math.max(0, left), MAX_TIMER_MS),
      );
    };
    wait();
  }

  private closedError(): ClientError {
    const state = this.cell.value;
    const why = state.status === 'closed' ? `${state.reason} (${state.code})` : 'closed';
    return new ClientError(
      'closed',
      `client is closed: ${why}`,
      state.status === 'closed' ? { closeCode: state.code } : {},
    );
  }
}
