/** Options the core reads and the observer hooks through which admin and metrics watch it. */
import type { SleepRecord } from './sleep-watch.js';
import type {
  AdminAnswer,
  AdminMessage,
  DeniedAttempt,
  Json,
  RoomMessage,
  Sender,
  SubscribeAck,
  SubscribeMessage,
} from '../protocol/index.js';
import type { ControlCommand, Engine, EngineState, PublishResult } from './engine.js';
import type { EngineFailure } from './engine-errors.js';
import type { KeyedRateLimit } from './limits.js';
import type { PresenceCoalescer } from './presence.js';
import type { Session, SessionIdentity } from './session.js';
import type { TrafficCounters } from './traffic.js';

export interface CoreLimits {
  /** Largest text frame accepted (bytes); larger closes with 1009. */
  maxFrameBytes: number;
  /** Token bucket per connection: sustained messages per second and burst. */
  messagesPerSecond: number;
  burst: number;
  /** Rate-limited messages tolerated before closing with 4029. */
  rateLimitStrikes: number;
  /** Bad messages tolerated within `errorWindowMs` before closing with 1008. */
  errorBudget: number;
  errorWindowMs: number;
  maxRoomsPerConnection: number;
  maxPresenceBytes: number;
  /** Published frame bytes per user (all connections together): sustained per second and burst. */
  publishBytesPerSecond: number;
  publishBurstBytes: number;
  /** Outgoing bytes the peer has not taken past which a slow consumer is closed with 4008. */
  maxQueuedBytes: number;
  maxConnectionsPerUser: number;
  maxConnectionsPerIp: number;
  maxConnections: number;
}

export interface CoreLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface CoreOptions {
  version: string;
  heartbeatMs: number;
  reconnectAfterMs: number;
  presenceCoalesceMs: number;
  /** Rooms with at least this many members get big-room presence (default 20)… */
  presenceBigRoom?: number;
  /** …flushed at most once per this interval (default 250 ms). */
  presenceBigRoomMs?: number;
  tokenExpiryNoticeMs: number;
  clockToleranceMs: number;
  slowConsumerGraceMs: number;
  limits: CoreLimits;
  logger?: CoreLogger;
}

/** Watches the core; every hook is optional and must be cheap (it runs on the hot path). */
export interface CoreObserver {
  connected?(session: Session): void;
  disconnected?(session: Session, code: number, reason: string): void;
  roomCreated?(room: string): void;
  roomEmptied?(room: string): void;
  delivered?(msg: RoomMessage, recipients: number, frameBytes: number): void;
  received?(session: Session, type: string, bytes: number): void;
  refused?(session: Session, code: string, type: string): void;
  slowConsumer?(session: Session): void;
  control?(cmd: ControlCommand): void;
  engineState?(state: EngineState, detail?: string): void;
  /** The hub's process was away (the computer slept, or it was stopped) and is back. */
  woke?(record: SleepRecord): void;
}

/** Handles `$admin` subscriptions and `admin` messages (provided by hub/admin). */
export interface AdminGateway {
  subscribe(session: Session, msg: SubscribeMessage): Promise<Omit<SubscribeAck, 'room'>>;
  unsubscribe(session: Session): void;
  handle(session: Session, msg: AdminMessage): Promise<AdminAnswer>;
  /** A non-admin session tried an admin action or `$admin` (refused by the core; recorded here). */
  denied?(session: Session, attempt: DeniedAttempt): void;
}

/**
 * What the message handlers (dispatch.ts, subscribe.ts) may use of the core: HubCore implements
 * it, and the handlers depend on this, not on HubCore, so there is no import cycle between them.
 */
export interface HandlerHost {
  readonly options: CoreOptions;
  readonly engine: Engine;
  readonly traffic: TrafficCounters;
  readonly admin?: AdminGateway;
  readonly presence: PresenceCoalescer;
  /** Published frame bytes per user, all connections together. */
  readonly publishBytes: KeyedRateLimit;
  /** Per big room, the sessions that read its member pages (they get its presence diffs). */
  readonly rosterReaders: Map<string, Set<Session>>;
  emit<K extends keyof CoreObserver>(event: K, ...args: Parameters<NonNullable<CoreObserver[K]>>): void;
  verifyToken(token: string): Promise<SessionIdentity>;
  publish(room: string, event: string, data: Json, from: Sender, echo?: boolean, key?: string): Promise<PublishResult>;
  joinRoom(session: Session, room: string): Promise<void>;
  leaveRoom(session: Session, room: string): void;
  logEngineFailure(err: EngineFailure, what: string): void;
}
