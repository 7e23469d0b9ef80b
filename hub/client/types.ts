/** The SDK's public shapes. Wire types come from hub/protocol; these are the client-side views. */
import type {
  AdminAck,
  AdminAction,
  AdminFields,
  AdminListing,
  AnswerFor,
  ClientMessage,
  Json,
  JsonObject,
  NoticeMessage,
  PresenceMember,
  ResumeFailure,
  RoomMessage,
  StreamPosition,
  WelcomeMessage,
} from '../protocol/index.js';
import type { ClientError } from './errors.js';

/** What the app sees of the connection, for a status bar. */
export type ConnectionState =
  | { status: 'connecting' }
  | { status: 'open' }
  | { status: 'reconnecting'; inMs: number; attempt: number; lastClose?: CloseInfo }
  /**
   * `until` (epoch ms) after a ban (4005 with `notice banned`, or an upgrade refused as banned):
   * the client connects again then, unless `close()` is called first.
   */
  | { status: 'closed'; code: number; reason: string; cause: StopCause; until?: number };

/**
 * Why the client stopped, as data for the app to switch on (`reason` is only for people to read):
 * taken from the close code, the notices before the close (a ban's end, a token's rejection) and a
 * refused upgrade's `reason` field, never out of message text.
 * - `client_closed`: the app called close();
 * - `hub_closed`: the hub closed normally (1000);
 * - `kicked`, `banned`, `forbidden`: 4004, 4005, 4003 (or an upgrade refused with 403);
 * - `token_expired`, `token_revoked`, `token_rejected`: 4001 (or 401) and `getToken` had no other token;
 * - `gave_up`: `backoff.maxAttempts` failed attempts in a row;
 * - `cannot_connect`: no WebSocket implementation, or a URL that cannot be opened.
 */
export type StopCause =
  | 'client_closed'
  | 'hub_closed'
  | 'kicked'
  | 'banned'
  | 'forbidden'
  | 'token_expired'
  | 'token_revoked'
  | 'token_rejected'
  | 'gave_up'
  | 'cannot_connect';

export interface CloseInfo {
  code: number;
  reason: string;
}

export interface BackoffOptions {
  /** First retry waits up to this long (full jitter: uniformly 0..delay). */
  baseMs?: number;
  /** Delays stop growing here. */
  capMs?: number;
  /** Consecutive failed attempts after which the client gives up; default never. */
  maxAttempts?: number;
}

/** The constructor shape shared by the browser's WebSocket and the `ws` package. */
export interface WebSocketLike {
  readonly readyState: number;
  readonly protocol: string;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: string, listener: (event: any) => void): void;
  removeEventListener(type: string, listener: (event: any) => void): void;
}
export type WebSocketConstructor = new (url: string, protocols?: string | string[], options?: any) => WebSocketLike;

export interface ConnectOptions {
  /**
   * `ws(s)://host:port/ws`, or several hubs of one deployment: each attempt takes the next one,
   * starting from a random one (so clients spread over the hubs), with the usual backoff jitter.
   */
  url: string | readonly string[];
  /** Called before every connection attempt, after a 4001 and on `notice token_expiring`. */
  getToken: () => string | Promise<string>;
  /** The WebSocket class; in Node pass the one from `ws` (otherwise it is loaded on demand). */
  WebSocket?: WebSocketConstructor;
  backoff?: BackoffOptions;
  /** Application-level ping period; a connection silent for two periods is treated as dead. */
  pingIntervalMs?: number;
  /** How long a request waits for its `ack` once sent. */
  ackTimeoutMs?: number;
  /** Requests kept while offline; more are rejected with `offline_queue_full`. */
  offlineQueueLimit?: number;
}

/** The ack of a publish: where the message sits in the room's stream. */
export interface PublishAck extends StreamPosition {
  room: string;
  /** The publish's idempotency key (the app's, or one the SDK made). */
  key: string;
  /** The hub had already stored a publish with this key: this is the original's position. */
  duplicate?: boolean;
}

export interface PublishOptions {
  /** Whether the hub sends the message back to this connection (default false). */
  echo?: boolean;
  /**
   * Idempotency key (1-64 characters), unique per message: a retried publish with the same key is
   * stored once. The SDK makes one when none is given, and retries with it after a lost answer.
   */
  key?: string;
}

export interface RoomOptions {
  /** Ask the hub for the latest `limit` kept messages (1-1000) with each first join: `answer.history`. */
  history?: { limit: number };
}

/** A join's answer: where the stream stands, who is there, and the history asked for. */
export interface JoinAnswer extends StreamPosition {
  room: string;
  /** The first page of members (the hub sends at most a page). */
  members: PresenceMember[];
  /** How many members the room has in all. */
  memberCount: number;
  /** Cursor for the next page of members, when there is one. */
  membersNext?: string;
  /** False when the hub could not replay from this client's position (then `reason` says why). */
  recovered: boolean;
  reason?: ResumeFailure;
  /**
   * The kept messages up to this position that were replayed with the join: after a first join
   * with `history`, or after a reset (recovered false). Messages after it arrive through `on()`.
   */
  history: RoomMessage[];
}

/** A room's fate, as the SDK sees it; every change is an `onStateChange` event. */
export type RoomState =
  /** A subscribe is on its way (or waits for the connection). */
  | { status: 'joining' }
  /** Subscribed, the answer in hand; messages are delivered. */
  | { status: 'joined'; answer: JoinAnswer }
  /** Refused for a reason that can pass (timeout, internal, unavailable, conflict): tried again in `inMs`. */
  | { status: 'retrying'; inMs: number; attempt: number; error: ClientError }
  /** Refused for good (forbidden, not_found, bad_request): the SDK no longer tries. */
  | { status: 'failed'; error: ClientError }
  | { status: 'left'; error: ClientError };

export interface PresenceChange {
  joined: PresenceMember[];
  left: PresenceMember[];
  updated: PresenceMember[];
}

/** May be async: a rejection is reported (console.error) like a throw, never left unhandled. */
export type MessageListener = (data: Json, message: RoomMessage) => unknown;
export type PresenceListener = (members: PresenceMember[], diff: PresenceChange) => void;
export type ResetListener = (reason: ResumeFailure) => void;
export type Unsubscribe = () => void;

export interface RoomHandle {
  readonly name: string;
  /**
   * Presence members this client knows: the ack's first page (at most 100), everyone the diffs
   * named since (in a big room the hub names plain viewers joining only to clients that loaded the
   * roster), and pages loaded with `loadMembers`. The whole roster once `membersComplete`.
   */
  readonly members: PresenceMember[];
  /** Members in the room, exact (from the ack and every presence diff). */
  readonly memberCount: number;
  /** Whether `members` is the whole roster (no page left to load). */
  readonly membersComplete: boolean;
  /**
   * Load up to `pages` more pages of members (default: all, kept whole after reconnects too);
   * from then on the hub sends this client every change. Resolves with `members`.
   */
  loadMembers(pages?: number): Promise<PresenceMember[]>;
  /** The last position delivered to the app (or adopted after a reset); null before the first ack. */
  readonly position: StreamPosition | null;
  /** The room's fate: joining, joined (with the answer), retrying, failed, left. */
  readonly state: RoomState;
  onStateChange(fn: (state: RoomState) => void): Unsubscribe;
  /**
   * The current join's answer: resolves at once while joined, otherwise with the next answer;
   * rejects when the room failed for good or was left. Read it again after a rejoin for the new one.
   */
  readonly joined: Promise<JoinAnswer>;
  /** Same as `joined`. */
  ready(): Promise<JoinAnswer>;
  /** Every answer, the first and each after a rejoin (reconnect, resync). */
  onJoin(fn: (answer: JoinAnswer) => void): Unsubscribe;
  /** Every message of the room once, in seq order; `'*'` for every event. */
  on(event: string, fn: MessageListener): Unsubscribe;
  /**
   * Resolves with the message's position once stored. Lost answers (connection dropped, timeout,
   * `outcome_unknown`, `unavailable`) are retried with the same key until the hub answers or the
   * client is closed.
   */
  publish(event: string, data: Json, options?: PublishOptions): Promise<PublishAck>;
  /** This client's presence state in the room; re-sent after every reconnect. */
  setState(state: JsonObject): void;
  onPresence(fn: PresenceListener): Unsubscribe;
  /** The hub could not replay what was missed (`recovered: false`): reload the room's state. */
  onReset(fn: ResetListener): Unsubscribe;
  leave(): Promise<void>;
}

export type Session = WelcomeMessage;

export interface InsightClient {
  readonly state: ConnectionState;
  readonly session: Session | null;
  onState(fn: (state: ConnectionState) => void): Unsubscribe;
  /** The room, joined now and rejoined after every reconnect; `options` apply from the first call. */
  room(name: string, options?: RoomOptions): RoomHandle;
  /**
   * An admin action (`role: admin` only) with its fields (AdminFieldsMap): resolves with that
   * action's answer (AdminAnswerMap; a `list` by the `what` it was given, `admin('list', { what: 'audit' })`).
   */
  admin<A extends AdminAction, W extends AdminListing = AdminListing>(
    action: A,
    fields: AdminFields<A, W>,
  ): Promise<AdminAck<A, W>>;
  /** Any client message; an `id` is added and the answer returned (an `error` rejects). */
  request<M extends ClientMessage>(msg: M): Promise<AnswerFor<M>>;
  onNotice(fn: (notice: NoticeMessage) => void): Unsubscribe;
  onError(fn: (error: ClientError) => void): Unsubscribe;
  /** What the client still waits on: requests in flight, queued offline, publishes unanswered. */
  readonly outstanding: { requests: number; queued: number; publishes: number };
  close(): void;
}
