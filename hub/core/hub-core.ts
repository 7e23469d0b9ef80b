/**
 * The hub's core: sessions, rooms, presence, fan-out, limits and drain, on top of the engine seam.
 * It knows nothing of HTTP; the server hands it upgraded sockets and REST publishes.
 */
import { randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type WebSocket from 'ws';
import {
  CloseCode,
  CloseReason,
  HubError,
  type Json,
  type PresenceMember,
  type PresenceMessage,
  type RoomMessage,
  type Sender,
  type WelcomeMessage,
} from '../protocol/index.js';
import type { ControlCommand, Engine, EngineState, PresenceDiff } from './engine.js';
import { encodeMessage } from './frame.js';
import { ConnectionCounter } from './limits.js';
import { FlushScheduler } from './outbox.js';
import { PresenceCoalescer } from './presence.js';
import { RoomRegistry } from './room-registry.js';
import { Session, type SessionHost, type SessionIdentity, type SessionInfo } from './session.js';
import { handleFrame } from './dispatch.js';
import { Heartbeat } from './heartbeat.js';
import type { AdminGateway, CoreObserver, CoreOptions, HandlerHost } from './core-types.js';
import { TrafficCounters } from './traffic.js';

const ID_BYTES = 9;
let idPool = Buffer.alloc(0);
let idOffset = 0;

/** 72 random bits, drawn from a pool refilled every ~450 ids: one CSPRNG call per id costs more. */
function newClientId(): string {
  if (idOffset + ID_BYTES > idPool.length) {
    idPool = randomBytes(ID_BYTES * 455);
    idOffset = 0;
  }
  const id = idPool.toString('base64url', idOffset, idOffset + ID_BYTES);
  idOffset += ID_BYTES;
  return id;
}

const SESSION = Symbol('session');
type HubSocket = WebSocket & { [SESSION]: Session };

// Shared listeners (no closure per socket): the socket finds its session, the session its host.
function onSocketMessage(this: WebSocket, data: WebSocket.RawData, isBinary: boolean): void {
  const session = (this as HubSocket)[SESSION];
  session.host.onFrame(session, data as Buffer, isBinary);
  session.pauseReadingIfBacklogged();
}

function onSocketPong(this: WebSocket): void {
  const session = (this as HubSocket)[SESSION];
  session.host.onPong(session);
}

function onSocketClose(this: WebSocket, code: number, reason: Buffer): void {
  const session = (this as HubSocket)[SESSION];
  session.host.onClosed(session, code, reason.toString());
}

/** ws reports protocol violations (1002/1007/1009) here and then closes; 'close' cleans up. */
function onSocketError(): void {}

export class HubCore implements HandlerHost, SessionHost {
  readonly sessions = new Map<string, Session>();
  readonly registry = new RoomRegistry();
  readonly connections: ConnectionCounter;
  readonly traffic = new TrafficCounters();
  readonly presence: PresenceCoalescer;
  private readonly scheduler = new FlushScheduler();
  readonly heartbeat: Heartbeat;
  private readonly observers: CoreObserver[] = [];
  /** The engine's presence members of each room, keyed by clientId (kept for local rooms). */
  private readonly roster = new Map<string, Map<string, PresenceMember>>();
  /** Rooms whose roster was seeded from the engine's list; diffs keep it current after that. */
  private readonly seededRosters = new Set<string>();
  draining = false;
  /** Set by the admin service: handles `$admin` and `admin` messages. */
  admin?: AdminGateway;

  constructor(
    readonly engine: Engine,
    readonly options: CoreOptions,
    readonly verifyToken: (token: string) => Promise<SessionIdentity>,
  ) {
    this.connections = new ConnectionCounter(options.limits);
    this.presence = new PresenceCoalescer(options.presenceCoalesceMs, (m) => this.sendPresence(m));
    this.heartbeat = new Heartbeat(this, options);
  }

  async start(): Promise<void> {
    await this.engine.start({
      message: (msg) => this.fanOut(msg),
      presence: (room, diff) => this.onPresence(room, diff),
      control: (cmd) => this.onControl(cmd),
      state: (state, detail) => this.onEngineState(state, detail),
    });
    this.heartbeat.start();
  }

  observe(observer: CoreObserver): void {
    this.observers.push(observer);
  }

  emit<K extends keyof CoreObserver>(event: K, ...args: Parameters<NonNullable<CoreObserver[K]>>): void {
    for (const o of this.observers) {
      const fn = o[event] as ((...a: unknown[]) => void) | undefined;
      if (!fn) continue;
      try {
        fn.apply(o, args);
      } catch (err) {
        // An observer (admin feed, metrics) must never break the hot path.
        this.options.logger?.error({ err, event }, 'observer failed');
      }
    }
  }

  /** Accept an upgraded socket for a verified identity. */
  attach(ws: WebSocket, socket: Duplex, identity: SessionIdentity, info: SessionInfo): Session {
    const id = newClientId();
    const session = new Session(id, ws, socket, identity, info, this.options.limits, this.scheduler, this);
    this.sessions.set(id, session);
    this.connections.add(identity.user.sub, info.ip);
    // Shared listeners that find their session on the socket: no closures per connection.
    (ws as HubSocket)[SESSION] = session;
    ws.on('message', onSocketMessage);
    ws.on('pong', onSocketPong);
    ws.on('close', onSocketClose);
    ws.on('error', onSocketError);
    const welcome: WelcomeMessage = {
      type: 'welcome',
      clientId: id,
      user: identity.user,
      heartbeatMs: this.options.heartbeatMs,
      limits: {
        maxFrameBytes: this.options.limits.maxFrameBytes,
        maxRoomsPerConnection: this.options.limits.maxRoomsPerConnection,
        maxPresenceBytes: this.options.limits.maxPresenceBytes,
        messagesPerSecond: this.options.limits.messagesPerSecond,
        burst: this.options.limits.burst,
        maxQueuedBytes: this.options.limits.maxQueuedBytes,
      },
      expiresAt: identity.expiresAt,
      server: { version: this.options.version },
    };
    // Written now, not next turn: the upgrade corked the socket, so this joins the 101 in one write.
    session.outbox.writeFirst(encodeMessage(welcome));
    this.emit('connected', session);
    return session;
  }

  detach(session: Session, code: number, reason: string): void {
    if (!session.markClosed()) return;
    session.outbox.discard();
    // A connection closed while its reading was paused leaves no 'drain' listener behind.
    session.resumeReading();
    this.sessions.delete(session.id);
    this.connections.remove(session.user.sub, session.info.ip);
    for (const room of session.roomList()) this.leaveRoom(session, room);
    this.emit('disconnected', session, code, reason);
  }

  /** Add a session to a room's local members, subscribing this node to the room's feed if needed. */
  async joinRoom(session: Session, room: string): Promise<void> {
    const first = this.registry.join(room, session);
    if (first) {
      this.emit('roomCreated', room);
      await this.engine.subscribe(room);
    }
  }

  leaveRoom(session: Session, room: string): void {
    if (!session.inRoom(room)) return;
    const held = session.heldFor(room);
    if (held) session.takeHeld(room, held);
    const empty = this.registry.leave(room, session);
    if (session.unmarkPresence(room)) {
      this.engine.presenceRemove(room, session.id).catch((err) => this.logEngineError(err, 'presence remove'));
    }
    if (empty) {
      this.roster.delete(room);
      this.seededRosters.delete(room);
      this.engine.unsubscribe(room).catch((err) => this.logEngineError(err, 'unsubscribe'));
      this.emit('roomEmptied', room);
    }
  }

  /** Publish on behalf of a session or a REST caller; resolves once sequenced and in history. */
  async publish(room: string, event: string, data: Json, from: Sender, echo = false): Promise<RoomMessage> {
    if (this.engine.state === 'down') throw new HubError('unavailable', 'engine unavailable: publish refused, retry later');
    try {
      return await this.engine.publish({ room, event, data, from, time: Date.now(), echo });
    } catch (err) {
      if (err instanceof HubError) throw err;
      this.logEngineError(err, 'publish');
      throw new HubError('unavailable', 'engine unavailable: publish refused, retry later');
    }
  }

  /** Deliver a sequenced message to local members: serialized once, one shared frame. */
  private fanOut(msg: RoomMessage & { echo?: boolean }): void {
    const members = this.registry.membersOf(msg.room);
    if (!members) return;
    const frame = encodeMessage({
      type: 'message',
      room: msg.room,
      epoch: msg.epoch,
      seq: msg.seq,
      event: msg.event,
      data: msg.data,
      from: msg.from,
      time: msg.time,
    });
    const skip = msg.echo ? undefined : msg.from.clientId;
    let delivered = 0;
    for (const session of members) {
      if (session.id === skip) continue;
      session.deliver(msg.room, frame, msg.seq, msg.epoch);
      delivered++;
    }
    this.traffic.recordOut(msg.room, delivered, frame.length);
    this.emit('delivered', msg, delivered, frame.length);
  }

  presenceMembers(room: string): PresenceMember[] {
    return [...(this.roster.get(room)?.values() ?? [])];
  }

  private onPresence(room: string, diff: PresenceDiff): void {
    if (!this.registry.has(room)) return;
    let roster = this.roster.get(room);
    if (!roster) {
      roster = new Map();
      this.roster.set(room, roster);
    }
    for (const m of diff.joined) roster.set(m.clientId, m);
    for (const m of diff.updated) roster.set(m.clientId, m);
    for (const m of diff.left) roster.delete(m.clientId);
    this.presence.add(room, diff);
  }

  /**
   * Seed a room's roster from the engine's list once (local sessions no longer in the room are left
   * out); after that the room's diffs keep it current, so a join costs O(1) here, not O(members).
   */
  setRoster(room: string, members: PresenceMember[]): void {
    if (this.seededRosters.has(room) || !this.registry.has(room)) return;
    const roster = new Map<string, PresenceMember>();
    for (const m of members) {
      const local = this.sessions.get(m.clientId);
      if (local && !local.hasPresence(room)) continue;
      roster.set(m.clientId, m);
    }
    const existing = this.roster.get(room);
    if (existing) for (const [id, m] of existing) roster.set(id, m);
    this.roster.set(room, roster);
    this.seededRosters.add(room);
  }

  private sendPresence(message: PresenceMessage): void {
    const members = this.registry.membersOf(message.room);
    if (!members) return;
    const frame = encodeMessage(message);
    for (const session of members) session.deliver(message.room, frame);
  }

  /** Kick, ban and revoke end connections here, whichever hub the command came from. */
  private onControl(cmd: ControlCommand): void {
    if (cmd.kind === 'kick') {
      for (const s of this.sessions.values()) {
        if ((cmd.clientId && s.id === cmd.clientId) || (cmd.sub && s.user.sub === cmd.sub)) {
          s.send({ type: 'notice', event: 'kicked', reason: cmd.reason });
          s.end({ code: CloseCode.kicked, reason: cmd.reason });
        }
      }
    } else if (cmd.kind === 'ban') {
      for (const s of this.sessions.values()) {
        if (s.user.sub === cmd.sub) {
          s.send({ type: 'notice', event: 'banned', reason: cmd.reason, until: cmd.until });
          s.end({ code: CloseCode.banned, reason: cmd.reason });
        }
      }
    } else if (cmd.kind === 'revoke') {
      for (const s of this.sessions.values()) if (s.identity.claims.jti === cmd.jti) s.end(CloseReason.tokenRevoked);
    }
    this.emit('control', cmd);
  }

  private onEngineState(state: EngineState, detail?: string): void {
    this.options.logger?.warn({ state, detail }, `engine ${state}`);
    this.emit('engineState', state, detail);
    // Engines report changes only: `up` here means it was down.
    if (state === 'up') {
      // Clients resume from history through their own resubscribe; the node re-listens to its rooms.
      for (const room of this.registry.rooms()) {
        this.engine.subscribe(room).catch((err) => this.logEngineError(err, 'resubscribe'));
      }
    }
  }

  onFrame(session: Session, data: Buffer, isBinary: boolean): void {
    handleFrame(this, session, data, isBinary);
  }

  onPong(session: Session): void {
    this.heartbeat.onPong(session);
  }

  onClosed(session: Session, code: number, reason: string): void {
    this.detach(session, code, reason);
  }

  onSlowConsumer(session: Session): void {
    this.emit('slowConsumer', session);
    session.markClosing();
    // Paused or not, it is closed the same way; reading again lets its close frame be seen.
    session.resumeReading();
    // The close frame queues behind what the socket already holds; a reader that never resumes
    // is destroyed after a grace period so its buffers are freed.
    session.ws.close(CloseReason.slowConsumer.code, CloseReason.slowConsumer.reason);
    setTimeout(() => session.ws.terminate(), this.options.slowConsumerGraceMs).unref();
  }

  logEngineError(err: unknown, what: string): void {
    this.options.logger?.error({ err: (err as Error)?.message ?? String(err) }, `engine ${what} failed`);
  }

  /**
   * Graceful drain: every client gets `notice shutdown` then 1001; resolves when all are gone or
   * the timeout passes (the rest are terminated).
   */
  async drain(timeoutMs: number): Promise<void> {
    this.draining = true;
    const notice = encodeMessage({ type: 'notice', event: 'shutdown', reconnectAfterMs: this.options.reconnectAfterMs });
    for (const s of this.sessions.values()) {
      s.sendFrame(notice);
      s.end(CloseReason.shuttingDown);
    }
    const deadline = Date.now() + timeoutMs;
    while (this.sessions.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    for (const s of this.sessions.values()) s.ws.terminate();
  }

  async stop(): Promise<void> {
    this.heartbeat.stop();
    this.presence.stop();
    for (const s of this.sessions.values()) s.ws.terminate();
    await this.engine.close();
  }
}
