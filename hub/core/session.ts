/** One connected client: identity, outgoing queue, limits, heartbeat and traffic counters (its rooms: session-rooms.ts). */
import type { Duplex } from 'node:stream';
import type WebSocket from 'ws';
import {
  CloseReason,
  type AdminAck,
  type AdminAction,
  type CloseWhy,
  type RoomAccess,
  type ServerMessage,
  type TokenClaims,
  type UserInfo,
} from '../protocol/index.js';
import { encodeMessage, truncateReason } from './frame.js';
import { CLOCK_ORIGIN, sinceOrigin } from './clock.js';
import { ErrorBudget, takeTokens } from './limits.js';
import { type FlushScheduler, Outbox, type OverflowListener } from './outbox.js';
import {
  isReadingPaused,
  pauseReadingIfBacklogged,
  readPauseBytes,
  resumeReading,
  type ReadingPeer,
} from './read-pause.js';
import { SessionRooms } from './session-rooms.js';
import { dropIfUnanswered } from './close-answer.js';

/**
 * What the hub sends: a protocol message, or an admin action's ack with that action's fields
 * (AdminAnswerMap), which the wire type counts only as a JSON object.
 */
export type OutgoingMessage = ServerMessage | AdminAck<AdminAction>;

/** Who a connection is, as established from its verified token. */
export interface SessionIdentity {
  claims: TokenClaims;
  user: UserInfo;
  access: RoomAccess;
  expiresAt: number;
}

export interface SessionInfo {
  ip: string;
  userAgent: string;
}

/** draining: answering what it accepted, reading nothing new, closing once those answers are out. */
const SessionState = { open: 0, draining: 1, closing: 2, closed: 3 } as const;

/** How long a draining session waits for its accepted requests' answers before it closes anyway. */
const ANSWER_WAIT_MS = 5000;

/** Why each draining session will close (few are ever draining: no field on every session). */
const drainingFor = new WeakMap<Session, CloseWhy>();
type SessionState = (typeof SessionState)[keyof typeof SessionState];

/** What a session reports to the core that owns it (its socket's events among them). */
export interface SessionHost {
  onSlowConsumer(session: Session): void;
  onFrame(session: Session, data: Buffer, isBinary: boolean): void;
  onPong(session: Session): void;
  onClosed(session: Session, code: number, reason: string): void;
}

export interface SessionLimits {
  maxQueuedBytes: number;
  messagesPerSecond: number;
  burst: number;
  errorBudget: number;
  errorWindowMs: number;
  rateLimitStrikes: number;
}

/**
 * Memory per idle connection is a target: nothing here is a closure, and the rate and error
 * counters exist only once a client has sent something.
 */
export class Session extends SessionRooms implements OverflowListener, ReadingPeer {
  private state: SessionState = SessionState.open;
  /** When it connected, since `CLOCK_ORIGIN` (clock.ts): `connectedAt` is the wall time. */
  private readonly connectedMs = sinceOrigin();
  readonly outbox: Outbox;
  /** When this peer's message-rate bucket is full again (limits.ts: takeTokens), since `CLOCK_ORIGIN`. */
  private rateFullAt = 0;
  private errorBudget?: ErrorBudget;
  /** Rate-limited frames in the error window: a flooder is closed, a tab that bursts now and then is not. */
  private rateStrikes?: ErrorBudget;
  /** Requests accepted and not yet answered (dispatch.ts). */
  private inFlight = 0;
  private inMessages = 0;
  private inBytes = 0;
  /** Heartbeat bookkeeping, changed only by ping/beat/ponged/drained; times since `CLOCK_ORIGIN`. */
  private pingSentAt = 0;
  private pongOwed = false;
  private missed = 0;
  private rtt: number | null = null;
  private expiryNoticeSent = false;
  /** The peer's address and user agent, as the upgrade saw them. */
  readonly ip: string;
  readonly userAgent: string;

  constructor(
    readonly id: string,
    private readonly ws: WebSocket,
    readonly socket: Duplex,
    private current: SessionIdentity,
    info: SessionInfo,
    private readonly limits: SessionLimits,
    scheduler: FlushScheduler,
    readonly host: SessionHost,
  ) {
    super();
    // Kept as two fields, not the object (its 40 bytes per idle connection).
    this.ip = info.ip;
    this.userAgent = info.userAgent;
    this.outbox = new Outbox(socket, limits.maxQueuedBytes, scheduler, this);
  }

  /** Spend one message of this peer's rate; false, and nothing spent, when it is out. */
  takeMessage(): boolean {
    const next = takeTokens(this.rateFullAt, 1, this.limits.messagesPerSecond, this.limits.burst, sinceOrigin());
    if (Number.isNaN(next)) return false;
    this.rateFullAt = next;
    return true;
  }

  get errors(): ErrorBudget {
    return (this.errorBudget ??= new ErrorBudget(this.limits.errorBudget, this.limits.errorWindowMs));
  }

  /**
   * Drop the error and strike counters once each is back where a new one starts (re-created on the
   * next bad frame), so a connection that has gone quiet holds none; the heartbeat asks once a beat.
   */
  forgetSettledLimits(): void {
    if (this.errorBudget?.isClear()) this.errorBudget = undefined;
    if (this.rateStrikes?.isClear()) this.rateStrikes = undefined;
  }

  onOverflow(): void {
    this.host.onSlowConsumer(this);
  }

  /** Whether the hub has paused reading from this peer (its own answers backed up): read-pause.ts. */
  get readingPaused(): boolean {
    return isReadingPaused(this);
  }

  /** After each inbound frame: stop reading this peer's requests while its answers back up. */
  pauseReadingIfBacklogged(): void {
    pauseReadingIfBacklogged(this, this.ws, readPauseBytes(this.limits.maxQueuedBytes));
  }

  /**
   * Read again if the backlog fell under the mark without the socket emptying (fan-out can keep it
   * from ever draining); the heartbeat looks once per beat.
   */
  resumeReadingIfBelowMark(): void {
    if (this.readingPaused && this.outbox.pendingBytes <= readPauseBytes(this.limits.maxQueuedBytes))
      this.resumeReading();
  }

  /** Read from this peer again (no-op unless paused); also what a closing connection does. */
  resumeReading(): void {
    resumeReading(this, this.ws);
  }

  drained(): void {
    // Its pong may be waiting unread behind the pause; a peer that takes all we sent is alive.
    this.missed = 0;
    this.resumeReading();
  }

  /** A frame came in: count it. */
  received(bytes: number): void {
    this.inMessages++;
    this.inBytes += bytes;
  }

  get messagesIn(): number {
    return this.inMessages;
  }

  get bytesIn(): number {
    return this.inBytes;
  }

  /** One more frame over the rate; false once that is `rateLimitStrikes` in the error window. */
  strike(): boolean {
    return (this.rateStrikes ??= new ErrorBudget(this.limits.rateLimitStrikes, this.limits.errorWindowMs)).spend();
  }

  /** A refreshed token (same sub) replaces the identity; its expiry notice is owed again. */
  reauthorize(identity: SessionIdentity): void {
    this.current = identity;
    this.expiryNoticeSent = false;
  }

  /** A beat: returns how many pings in a row went unanswered before this one (0 if none). */
  beat(): number {
    if (this.pongOwed) this.missed++;
    return this.missed;
  }

  /** Send a WebSocket ping; its pong is owed from `now`. */
  ping(now: number): void {
    this.pongOwed = true;
    this.pingSentAt = sinceOrigin(now);
    this.ws.ping();
  }

  /** Whether the ping sent at `sentAt` is still unanswered (no later ping, no pong). */
  pongOwedSince(sentAt: number): boolean {
    return this.pongOwed && this.pingSentAt === sinceOrigin(sentAt);
  }

  ponged(now: number): void {
    if (this.pongOwed) this.rtt = sinceOrigin(now) - this.pingSentAt;
    this.pongOwed = false;
    this.missed = 0;
  }

  get awaitingPong(): boolean {
    return this.pongOwed;
  }

  get missedPongs(): number {
    return this.missed;
  }

  get rttMs(): number | null {
    return this.rtt;
  }

  /** The token-expiring notice is due: true the first time only. */
  expiryNoticeDue(): boolean {
    if (this.expiryNoticeSent) return false;
    this.expiryNoticeSent = true;
    return true;
  }

  /** The socket is gone (the core detaches it); false if it already was. */
  markClosed(): boolean {
    if (this.state === SessionState.closed) return false;
    this.state = SessionState.closed;
    return true;
  }

  /**
   * Its queue overflowed (4008): paused or not, it reads again so its close frame is seen; the close
   * queues behind what the socket holds, and a reader that never takes it is destroyed after `graceMs`.
   */
  closeSlow(graceMs: number): void {
    this.state = SessionState.closing;
    this.resumeReading();
    this.ws.close(CloseReason.slowConsumer.code, CloseReason.slowConsumer.reason);
    dropIfUnanswered(this.ws, graceMs);
  }

  get connectedAt(): number {
    return CLOCK_ORIGIN + this.connectedMs;
  }

  /** Who it is: replaced only by reauthorize. */
  get identity(): SessionIdentity {
    return this.current;
  }

  get user(): UserInfo {
    return this.identity.user;
  }

  /** Frames can still be sent (open, or draining its answers). */
  get isOpen(): boolean {
    return this.state <= SessionState.draining;
  }

  /** New requests are read and handled. */
  get takesRequests(): boolean {
    return this.state === SessionState.open;
  }

  requestStarted(): void {
    this.inFlight++;
  }

  requestSettled(): void {
    this.inFlight--;
    const why = this.inFlight === 0 && this.state === SessionState.draining ? drainingFor.get(this) : undefined;
    if (why) this.end(why);
  }

  /**
   * Close for `why` once the requests already accepted have answered (at most ANSWER_WAIT_MS), taking
   * no new ones meanwhile: a peer cut for flooding still learns which of its messages were stored.
   */
  endAfterAnswers(why: CloseWhy): void {
    if (!this.takesRequests) return;
    if (this.inFlight === 0) return this.end(why);
    this.state = SessionState.draining;
    drainingFor.set(this, why);
    setTimeout(() => this.end(why), ANSWER_WAIT_MS).unref();
  }

  send(message: OutgoingMessage): void {
    if (this.isOpen) this.outbox.push(encodeMessage(message));
  }

  sendFrame(frame: Buffer): void {
    if (this.isOpen) this.outbox.push(frame);
  }

  /** One frame as consecutive buffers (outbox.ts: pushParts). */
  sendParts(parts: readonly Buffer[]): void {
    if (this.isOpen) this.outbox.pushParts(parts);
  }

  /** Deliver a room frame, or hold it while that room's replay is in progress. */
  deliver(room: string, frame: Buffer, seq?: number, epoch?: string): void {
    if (!this.replaying(room)) {
      this.sendFrame(frame);
      return;
    }
    if (!this.isOpen) return;
    // A client that resumes and stops reading must not hold live traffic without bound.
    if (this.hold(room, { seq, epoch, frame }) + this.outbox.pendingBytes > this.limits.maxQueuedBytes)
      this.outbox.overflowNow();
  }

  /** Close for one of the protocol's reasons (`CloseReason`, or kick/ban with the admin's text). */
  end(why: CloseWhy): void {
    this.close(why.code, why.reason);
  }

  private close(code: number, reason: string): void {
    if (!this.isOpen) return;
    this.outbox.flush();
    this.state = SessionState.closing;
    // Read again, so that the peer's close frame is seen (requests read meanwhile are ignored).
    this.resumeReading();
    // Close reasons are limited to 123 bytes by the protocol.
    this.ws.close(code, truncateReason(reason));
    dropIfUnanswered(this.ws);
  }

  terminate(): void {
    this.outbox.discard();
    this.state = SessionState.closing;
    this.ws.terminate();
  }
}
