/** One connected client: identity, rooms, outgoing queue, limits and traffic counters. */
import type { Duplex } from 'node:stream';
import type WebSocket from 'ws';
import type { RoomAccess, ServerMessage, TokenClaims, UserInfo } from '../protocol/index.js';
import { encodeMessage } from './frame.js';
import { ErrorBudget, TokenBucket } from './limits.js';
import { FlushScheduler, Outbox } from './outbox.js';

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

export class Session {
  state: SessionState = SessionState.open;
  readonly rooms = new Set<string>();
  /** Rooms whose subscribe is still replaying: live frames are held until it ends. */
  readonly joining = new Map<string, HeldFrame[]>();
  /** Bytes held across rooms' replays; they count toward the queue cap like queued bytes. */
  heldBytes = 0;
  /** Rooms in which this session has a presence entry (removed on leave, whatever its role now). */
  readonly presenceRooms = new Set<string>();
  readonly connectedAt = Date.now();
  readonly outbox: Outbox;
  readonly rate: TokenBucket;
  readonly errors: ErrorBudget;
  rateStrikes = 0;
  messagesIn = 0;
  bytesIn = 0;
  /** Heartbeat bookkeeping. */
  pingSentAt = 0;
  awaitingPong = false;
  missedPongs = 0;
  rttMs: number | null = null;
  expiryNoticeSent = false;
  private readonly maxQueuedBytes: number;

  constructor(
    readonly id: string,
    readonly ws: WebSocket,
    readonly socket: Duplex,
    public identity: SessionIdentity,
    readonly info: SessionInfo,
    limits: { maxQueuedBytes: number; messagesPerSecond: number; burst: number; errorBudget: number; errorWindowMs: number },
    scheduler: FlushScheduler,
    onOverflow: (session: Session) => void,
  ) {
    this.maxQueuedBytes = limits.maxQueuedBytes;
    this.outbox = new Outbox(socket, limits.maxQueuedBytes, scheduler, () => onOverflow(this));
    this.rate = new TokenBucket(limits.messagesPerSecond, limits.burst);
    this.errors = new ErrorBudget(limits.errorBudget, limits.errorWindowMs);
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
    const held = this.joining.get(room);
    if (!held) {
      this.sendFrame(frame);
      return;
    }
    if (!this.isOpen) return;
    held.push({ seq, epoch, frame });
    this.heldBytes += frame.length;
    // A client that resumes and stops reading must not hold live traffic without bound.
    if (this.heldBytes + this.outbox.pendingBytes > this.maxQueuedBytes) this.outbox.overflowNow();
  }

  /** Stop holding a room's frames; returns them for release (or drops them). */
  takeHeld(room: string, held: HeldFrame[]): HeldFrame[] {
    if (this.joining.get(room) === held) this.joining.delete(room);
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
