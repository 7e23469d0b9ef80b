/** One connected client: identity, rooms, outgoing queue, limits and traffic counters. */
import type { Duplex } from 'node:stream';
import type WebSocket from 'ws';
import type { CloseWhy, RoomAccess, ServerMessage, TokenClaims, UserInfo } from '../protocol/index.js';
import { encodeMessage, truncateReason } from './frame.js';
import { ErrorBudget, TokenBucket } from './limits.js';
import { type FlushScheduler, Outbox, type OverflowListener } from './outbox.js';
import {
  isReadingPaused,
  pauseReadingIfBacklogged,
  readPauseBytes,
  resumeReading,
  type ReadingPeer,
} from './read-pause.js';
import { roomSetAdd, roomSetDelete, roomSetHas, roomSetList, roomSetSize, type RoomSet } from './room-set.js';

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

/** A frame held back while a subscribe with `since` replays history (seq absent for presence). */
export interface HeldFrame {
  seq?: number;
  epoch?: string;
  frame: Buffer;
}

export const SessionState = { open: 0, closing: 1, closed: 2 } as const;
export type SessionState = (typeof SessionState)[keyof typeof SessionState];

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
}

/**
 * Memory per idle connection is a target: nothing here is a closure, and the rate and error
 * counters exist only once a client has sent something.
 */
export class Session implements OverflowListener, ReadingPeer {
  state: SessionState = SessionState.open;
  private roomSet: RoomSet;
  /** Rooms whose subscribe is still replaying: live frames are held until it ends. */
  private joining?: Map<string, HeldFrame[]>;
  /** Bytes held across rooms' replays; they count toward the queue cap like queued bytes. */
  heldBytes = 0;
  /** Rooms in which this session has a presence entry (removed on leave, whatever its role now). */
  private presenceRooms: RoomSet;
  readonly connectedAt = Date.now();
  readonly outbox: Outbox;
  private rateBucket?: TokenBucket;
  private errorBudget?: ErrorBudget;
  rateStrikes = 0;
  messagesIn = 0;
  bytesIn = 0;
  /** Heartbeat bookkeeping (read anywhere, changed only by the methods below). */
  pingSentAt = 0;
  awaitingPong = false;
  missedPongs = 0;
  rttMs: number | null = null;
  expiryNoticeSent = false;

  constructor(
    readonly id: string,
    readonly ws: WebSocket,
    readonly socket: Duplex,
    public identity: SessionIdentity,
    readonly info: SessionInfo,
    private readonly limits: SessionLimits,
    scheduler: FlushScheduler,
    readonly host: SessionHost,
  ) {
    this.outbox = new Outbox(socket, limits.maxQueuedBytes, scheduler, this);
  }

  inRoom(room: string): boolean {
    return roomSetHas(this.roomSet, room);
  }

  get roomCount(): number {
    return roomSetSize(this.roomSet);
  }

  /** The rooms this session is in (a copy). */
  roomList(): string[] {
    return roomSetList(this.roomSet);
  }

  addRoom(room: string): void {
    this.roomSet = roomSetAdd(this.roomSet, room);
  }

  removeRoom(room: string): void {
    this.roomSet = roomSetDelete(this.roomSet, room);
    if (this.joining?.delete(room) && this.joining.size === 0) this.joining = undefined;
  }

  /** The frames held for a room while its subscribe replays, if it does. */
  heldFor(room: string): HeldFrame[] | undefined {
    return this.joining?.get(room);
  }

  /** Hold a room's live frames in `held` (a later subscribe to the room replaces an earlier list). */
  holdFor(room: string, held: HeldFrame[]): void {
    (this.joining ??= new Map()).set(room, held);
  }

  hasPresence(room: string): boolean {
    return roomSetHas(this.presenceRooms, room);
  }

  markPresence(room: string): void {
    this.presenceRooms = roomSetAdd(this.presenceRooms, room);
  }

  /** Returns whether there was a presence entry to remove. */
  unmarkPresence(room: string): boolean {
    if (!roomSetHas(this.presenceRooms, room)) return false;
    this.presenceRooms = roomSetDelete(this.presenceRooms, room);
    return true;
  }

  get rate(): TokenBucket {
    return (this.rateBucket ??= new TokenBucket(this.limits.messagesPerSecond, this.limits.burst));
  }

  get errors(): ErrorBudget {
    return (this.errorBudget ??= new ErrorBudget(this.limits.errorBudget, this.limits.errorWindowMs));
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
    pauseReadingIfBacklogged(this, readPauseBytes(this.limits.maxQueuedBytes));
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
    resumeReading(this);
  }

  drained(): void {
    // Its pong may be waiting unread behind the pause; a peer that takes all we sent is alive.
    this.missedPongs = 0;
    this.resumeReading();
  }

  /** A frame came in: count it. */
  received(bytes: number): void {
    this.messagesIn++;
    this.bytesIn += bytes;
  }

  /** One more frame over the rate; returns how many so far. */
  strike(): number {
    return ++this.rateStrikes;
  }

  /** A refreshed token (same sub) replaces the identity; its expiry notice is owed again. */
  reauthorize(identity: SessionIdentity): void {
    this.identity = identity;
    this.expiryNoticeSent = false;
  }

  /** A beat: returns how many pings in a row went unanswered before this one (0 if none). */
  beat(now: number): number {
    if (this.awaitingPong) this.missedPongs++;
    this.awaitingPong = true;
    this.pingSentAt = now;
    return this.missedPongs;
  }

  ponged(now: number): void {
    if (this.awaitingPong) this.rttMs = now - this.pingSentAt;
    this.awaitingPong = false;
    this.missedPongs = 0;
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

  /** Closing without a close of our own (slow consumer: the socket is ended with a grace period). */
  markClosing(): void {
    this.state = SessionState.closing;
  }

  get user(): UserInfo {
    return this.identity.user;
  }

  get isOpen(): boolean {
    return this.state === SessionState.open;
  }

  send(message: ServerMessage): void {
    if (this.isOpen) this.outbox.push(encodeMessage(message));
  }

  sendFrame(frame: Buffer): void {
    if (this.isOpen) this.outbox.push(frame);
  }

  /** Deliver a room frame, or hold it while that room's replay is in progress. */
  deliver(room: string, frame: Buffer, seq?: number, epoch?: string): void {
    const held = this.joining?.get(room);
    if (!held) {
      this.sendFrame(frame);
      return;
    }
    if (!this.isOpen) return;
    held.push({ seq, epoch, frame });
    this.heldBytes += frame.length;
    // A client that resumes and stops reading must not hold live traffic without bound.
    if (this.heldBytes + this.outbox.pendingBytes > this.limits.maxQueuedBytes) this.outbox.overflowNow();
  }

  /**
   * Stop holding a room's frames; returns them for release (or drops them). Whoever takes a list
   * first gets its frames: a leave and then the overtaken subscribe must not both count them off.
   */
  takeHeld(room: string, held: HeldFrame[]): HeldFrame[] {
    if (this.joining?.get(room) === held) {
      this.joining.delete(room);
      if (this.joining.size === 0) this.joining = undefined;
    }
    const taken = held.splice(0);
    for (const h of taken) this.heldBytes -= h.frame.length;
    return taken;
  }

  /** Close for one of the protocol's reasons (`CloseReason`, or kick/ban with the admin's text). */
  end(why: CloseWhy): void {
    this.close(why.code, why.reason);
  }

  close(code: number, reason: string): void {
    if (!this.isOpen) return;
    this.outbox.flush();
    this.state = SessionState.closing;
    // Read again, so that the peer's close frame is seen (requests read meanwhile are ignored).
    this.resumeReading();
    // Close reasons are limited to 123 bytes by the protocol.
    this.ws.close(code, truncateReason(reason));
  }

  terminate(): void {
    this.outbox.discard();
    this.state = SessionState.closing;
    this.ws.terminate();
  }
}
