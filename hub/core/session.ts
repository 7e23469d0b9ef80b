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
interface HeldFrame {
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
    if (held) held.push({ seq, epoch, frame });
    else this.sendFrame(frame);
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
