/**
 * The client: one connection at a time, reconnected by the close-code policy, with every room
 * resubscribed from its last position and queued requests sent once that is done.
 */
import {
  CloseCode,
  CloseReason,
  isValidRoomName,
  type AckFor,
  type AnswerTo,
  type AdminAction,
  type ClientMessage,
  type Json,
  type NoticeMessage,
} from '../protocol/index.js';
import { Backoff } from './backoff.js';
import { decideAfterClose, type Decision } from './close-policy.js';
import { StateCell } from './connection-state.js';
import { ClientError } from './errors.js';
import { Heartbeat } from './heartbeat.js';
import { Listeners } from './listeners.js';
import { OfflineQueue } from './offline-queue.js';
import { RequestTracker, type Pending } from './requests.js';
import { Room, type RoomHost } from './room.js';
import { messageOf, parseServerMessage } from './server-frames.js';
import { Link, resolveWebSocket, type LinkEnding } from './transport.js';
import type { CloseInfo, ConnectOptions, ConnectionState, InsightClient, Session, Unsubscribe } from './types.js';

const DEFAULTS = { pingIntervalMs: 20_000, ackTimeoutMs: 10_000, offlineQueueLimit: 1000 };
/** After a ban's end, wait this much more: the hub's clock may be a little behind ours. */
const BAN_END_MARGIN_MS = 1000;
/** setTimeout's longest delay; a ban may last longer. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Opens a connection to the hub and keeps it open until `close()` or a stop code. */
export function connect(options: ConnectOptions): InsightClient {
  return new HubClient(options);
}

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
  private readonly backoff: Backoff;
  private readonly tracker: RequestTracker;
  private readonly queue: OfflineQueue;
  private readonly heartbeat: Heartbeat;
  private readonly ackTimeoutMs: number;

  private sessionValue: Session | null = null;
  private link: Link | undefined;
  /** The current link has sent `welcome`: rooms may subscribe on it. */
  private welcomed = false;
  /** Rooms are resubscribed and the offline queue flushed: requests go straight out. */
  private ready = false;
  private stopped = false;
  /** Consecutive attempts that did not get as far as resubscribing every room. */
  private attempt = 0;
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
    this.backoff = new Backoff(options.backoff);
    this.ackTimeoutMs = options.ackTimeoutMs ?? DEFAULTS.ackTimeoutMs;
    this.tracker = new RequestTracker(this.ackTimeoutMs);
    this.queue = new OfflineQueue(options.offlineQueueLimit ?? DEFAULTS.offlineQueueLimit);
    this.heartbeat = new Heartbeat(
      options.pingIntervalMs ?? DEFAULTS.pingIntervalMs,
      () => this.sendNow({ type: 'ping' }),
      () => this.link?.end(1006, 'no answer to ping'),
    );
    void this.open();
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

  room(name: string): Room {
    if (!isValidRoomName(name)) {
      throw new ClientError('bad_request', 'a room name is 1-128 characters of A-Z a-z 0-9 _ . : @ -', { room: String(name) });
    }
    let room = this.rooms.get(name);
    if (!room) {
      room = new Room(name, this);
      this.rooms.set(name, room);
      if (this.welcomed) void room.subscribe();
    }
    return room;
  }

  request<M extends ClientMessage>(msg: M): Promise<AnswerTo<M['type']>> {
    return new Promise((resolve, reject) => {
      const { id: _ignored, ...message } = msg;
      // The tracker matched the answer by id; the hub answers each request type with its own (AnswerMap).
      this.submit(message as ClientMessage, { onAnswer: (a) => resolve(a as AnswerTo<M['type']>), onFailure: reject });
    });
  }

  admin(action: AdminAction, fields: Record<string, Json> = {}): Promise<AckFor<'admin'>> {
    return this.request({ ...fields, type: 'admin', action });
  }

  close(): void {
    if (this.banTimer !== undefined) {
      // Stopped by a ban and waiting for its end: the app no longer wants that reconnect.
      clearTimeout(this.banTimer);
      this.banTimer = undefined;
      this.cell.set({ status: 'closed', code: CloseCode.normal, reason: 'closed by the application' });
      return;
    }
    if (this.stopped) return;
    const link = this.link;
    this.stop(CloseCode.normal, 'closed by the application', false);
    link?.close(CloseReason.clientClosed.code, CloseReason.clientClosed.reason);
  }

  // ---- RoomHost ----

  reportError(error: ClientError): void {
    this.errorListeners.emit(error);
  }

  forget(room: Room): void {
    if (this.rooms.get(room.name) === room) this.rooms.delete(room.name);
  }

  requestNow(message: ClientMessage, handlers: Pending): boolean {
    if (!this.welcomed || !this.link?.isOpen) return false;
    const id = this.tracker.track(handlers, message.type);
    this.link.send(JSON.stringify({ ...message, id }));
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
    if (this.ready && this.requestNow(message, handlers)) return;
    this.queue.push({ message, handlers });
  }

  // ---- connection lifecycle ----

  private async open(): Promise<void> {
    if (this.stopped) return;
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
    let link: Link;
    try {
      link = new Link(ctor, this.options.url, token, {
        open: () => undefined, // the connection counts as open at `welcome`
        frame: (data) => this.link === link && this.onFrame(data),
        end: (ending) => this.link === link && this.onEnd(ending),
      }, this.ackTimeoutMs);
    } catch (err) {
      // A malformed URL will not get better by retrying.
      return this.stop(1006, `cannot open ${this.options.url}: ${messageOf(err)}`);
    }
    this.link = link;
    if (Number.isFinite(this.ackTimeoutMs)) {
      this.welcomeTimer = setTimeout(() => link.end(1006, `no welcome within ${this.ackTimeoutMs} ms`), this.ackTimeoutMs);
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
        void this.onWelcome(msg);
        return;
      case 'ack':
      case 'pong':
        this.tracker.settle(msg);
        return;
      case 'error':
        if (!this.tracker.settle(msg)) this.reportError(new ClientError(msg.code, msg.message));
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
    this.welcomed = true;
    this.cell.set({ status: 'open' });
    this.heartbeat.start();
    await Promise.all([...this.rooms.values()].map((room) => room.subscribe()));
    if (this.link !== link || !this.welcomed) return;
    this.ready = true;
    // Only a connection that got this far counts as healthy: one closed during its own resume
    // (a replay too big for the hub's send queue, say) must not be retried at full speed forever.
    this.attempt = 0;
    // Offline requests go out after resubscribing, in the order they were made.
    for (const item of this.queue.drain()) this.submit(item.message, item.handlers);
  }

  private onHubNotice(notice: NoticeMessage): void {
    switch (notice.event) {
      case 'shutdown':
        this.notes.shutdownAfterMs = notice.reconnectAfterMs;
        break;
      case 'token_expiring':
        void this.refreshToken();
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
    this.welcomed = false;
    this.ready = false;
    for (const room of this.rooms.values()) room.connectionLost();
  }

  private onEnd(ending: LinkEnding): void {
    this.dropLink();
    this.tracker.failAll(
      () => new ClientError('connection_lost', `connection closed (${ending.code}) before the answer`, { closeCode: ending.code }),
    );
    if (this.stopped) return;
    const decision = decideAfterClose({ ...ending, ...this.notes });
    const close: CloseInfo = { code: ending.code, reason: ending.reason };
    if (decision.kind === 'backoff' && decision.report) {
      const code = ending.httpStatus !== undefined ? 'handshake_refused' : 'connection_closed';
      this.reportError(new ClientError(code, `connection closed (${ending.code}): ${ending.reason}`, { closeCode: ending.code }));
    }
    if (decision.kind === 'stop') return this.stop(decision.code, decision.reason, true, decision.until);
    if (decision.kind === 'new-token') {
      void this.renewAfterRejection(close);
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
      return this.stop(CloseCode.tokenInvalid, `token rejected (${close.reason || 'expired or invalid'}) and no new one`);
    }
    if (this.stopped) return;
    if (fresh === this.token) {
      return this.stop(CloseCode.tokenInvalid, `token rejected (${close.reason || 'expired or invalid'}) and getToken gave the same one`);
    }
    this.freshToken = fresh;
    this.retry({ kind: 'backoff', report: false }, close);
  }

  private retry(decision: Exclude<Decision, { kind: 'stop' | 'new-token' }>, close: CloseInfo): void {
    if (this.stopped) return;
    this.attempt += 1;
    let delay: number | null;
    if (this.attempt > this.backoff.maxAttempts) delay = null;
    else if (decision.kind === 'now') delay = this.attempt === 1 ? 0 : this.backoff.delay(this.attempt);
    // Spread a restarted hub's returning clients over one base period.
    else if (decision.kind === 'after') delay = decision.ms + Math.floor(Math.random() * this.backoff.baseMs);
    else delay = this.backoff.delay(this.attempt);
    if (delay === null) {
      return this.stop(close.code, `gave up after ${this.attempt - 1} attempts (last: ${close.code} ${close.reason})`.trim());
    }
    this.cell.set({ status: 'reconnecting', inMs: delay, attempt: this.attempt, lastClose: close });
    this.retryTimer = setTimeout(() => void this.open(), delay);
  }

  /**
   * No more reconnects; everything waiting is failed. With `until` (a ban's end) the client
   * connects again then, unless the app calls close() first.
   */
  private stop(code: number, reason: string, report = true, until?: number): void {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.dropLink();
    this.cell.set(until === undefined ? { status: 'closed', code, reason } : { status: 'closed', code, reason, until });
    this.queue.failAll(() => this.closedError());
    this.tracker.failAll(() => this.closedError());
    if (report) this.reportError(new ClientError('connection_closed', `stopped: ${reason}`, { closeCode: code }));
    if (until !== undefined) this.reopenAfterBan(until);
  }

  /**
   * Connect again once the ban is over, spread over a jitter that grows with each refusal in a
   * row (a ban extended meanwhile, or clocks that disagree, must not make clients hammer the hub).
   */
  private reopenAfterBan(until: number): void {
    this.attempt += 1;
    const jitter = Math.floor(Math.random() * this.backoff.ceiling(this.attempt));
    const at = Math.max(until, Date.now()) + BAN_END_MARGIN_MS + jitter;
    const wait = (): void => {
      const left = at - Date.now();
      this.banTimer = setTimeout(() => {
        if (left > MAX_TIMER_MS) return wait();
        this.banTimer = undefined;
        this.stopped = false;
        void this.open();
      }, Math.min(Math.max(0, left), MAX_TIMER_MS));
    };
    wait();
  }

  private closedError(): ClientError {
    const state = this.cell.value;
    const why = state.status === 'closed' ? `${state.reason} (${state.code})` : 'closed';
    return new ClientError('closed', `client is closed: ${why}`, state.status === 'closed' ? { closeCode: state.code } : {});
  }
}
