/** The SDK's public shapes. Wire types come from hub/protocol; these are the client-side views. */
import type {
  AdminAction,
  AckFor,
  AnswerTo,
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
  | { status: 'closed'; code: number; reason: string; until?: number };

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
  /** `ws(s)://host:port/ws` */
  url: string;
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
}

export interface PresenceChange {
  joined: PresenceMember[];
  left: PresenceMember[];
  updated: PresenceMember[];
}

export type MessageListener = (data: Json, message: RoomMessage) => void;
export type PresenceListener = (members: PresenceMember[], diff: PresenceChange) => void;
export type ResetListener = (reason: ResumeFailure) => void;
export type Unsubscribe = () => void;

export interface RoomHandle {
  readonly name: string;
  /** Presence members as of the last ack or presence event. */
  readonly members: PresenceMember[];
  /** The last position delivered to the app (or adopted after a reset); null before the first ack. */
  readonly position: StreamPosition | null;
  /** Every message of the room once, in seq order; `'*'` for every event. */
  on(event: string, fn: MessageListener): Unsubscribe;
  publish(event: string, data: Json, options?: { echo?: boolean }): Promise<PublishAck>;
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
  room(name: string): RoomHandle;
  admin(action: AdminAction, fields?: Record<string, Json>): Promise<AckFor<'admin'>>;
  /** Any client message; an `id` is added and the answer returned (an `error` rejects). */
  request<M extends ClientMessage>(msg: M): Promise<AnswerTo<M['type']>>;
  onNotice(fn: (notice: NoticeMessage) => void): Unsubscribe;
  onError(fn: (error: ClientError) => void): Unsubscribe;
  close(): void;
}
