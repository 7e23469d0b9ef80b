/** One connected client: identity, rooms, outgoing queue, limits and traffic counters. */
import type { Duplex } from 'node:stream';
import type WebSocket from 'ws';
import type { RoomAccess, ServerMessage, TokenClaims, UserInfo } from '../protocol/index.js';
import { encodeMessage } from './frame.js';
import { ErrorBudget, TokenBucket } from './limits.js';
import { FlushScheduler, Outbox, type OverflowListener } from './outbox.js';
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

/** What a session reports to: the hub core. */
export interface SessionHost {
  onSlowConsumer(session: Session): void;
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
export class Session implements OverflowListener {
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
  /** Heartbeat bookkeeping. */
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

  /** Stop holding a room's frames; returns them for release (or drops them). */
  takeHeld(room: string, held: HeldFrame[]): HeldFrame[] {
    if (this.joining?.get(room) === held) {
      this.joining.delete(room);
      if (this.joining.size === 0) this.joining = undefined;
    }
    for (const h of held) this.heldBytes -= h.frame.length;
    return held;
  }

  /** Write queued frames now and close with a code (after any final messages). */
  close(code: number, reason: string): void {
    if (!this.isOpen) return;
    this.outbox.flush();
    this.state = SessionState.closing;
    // Close reasons are limited to 123 bytes by the protocol.
    this.ws.close(code, truncateReason(reason));
  }

  terminate(): void {
    this.outbox.discard();
    this.state = SessionState.closing;
    this.ws.terminate();
  }
}

export function truncateReason(reason: string): string {
  let r = reason;
  while (Buffer.byteLength(r) > 123) r = r.slice(0, -1);
  return r;
}
