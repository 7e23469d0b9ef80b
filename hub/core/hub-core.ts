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
  type PresenceMessage,
  type RoomMessage,
  type Sender,
  type WelcomeMessage,
} from '../protocol/index.js';
import type { ControlCommand, Engine, EngineState, PresenceDiff, PublishResult } from './engine.js';
import { EngineUnavailableError, isEngineFailure, type EngineFailure } from './engine-errors.js';
import { EngineWatch } from './engine-watch.js';
import { SleepWatch, type SleepRecord } from './sleep-watch.js';

/** After a wake, a peer has this long (at most one heartbeat) to answer the ping before it is dropped. */
const WAKE_PONG_GRACE_MS = 10_000;
import { encodeMessage } from './frame.js';
import { ConnectionCounter, KeyedRateLimit } from './limits.js';
import { CallbackGuard } from './callback-guard.js';
import { FlushScheduler } from './outbox.js';
import { PresenceCoalescer, summarize } from './presence.js';
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
  private readonly scheduler: FlushScheduler;
  readonly heartbeat: Heartbeat;
  /** Runs timer and event callbacks so that one that throws is counted, not fatal. */
  readonly guard: CallbackGuard;
  /** Published bytes per user (all of a user's connections together). */
  readonly publishBytes: KeyedRateLimit;
  private readonly observers: CoreObserver[] = [];
  /** Sessions that asked for a room's roster (a `members` request): they get every change. */
  readonly rosterReaders = new Map<string, Set<Session>>();
  draining = false;
  /** Set by the admin service: handles `$admin` and `admin` messages. */
  admin?: AdminGateway;
  private readonly engineWatch: EngineWatch;
  readonly sleepWatch = new SleepWatch((record) => this.onWake(record));

  constructor(
    readonly engine: Engine,
    readonly options: CoreOptions,
    readonly verifyToken: (token: string) => Promise<SessionIdentity>,
  ) {
    this.connections = new ConnectionCounter(options.limits);
    this.guard = new CallbackGuard(options.logger);
    this.scheduler = new FlushScheduler((err) => this.guard.report('flush', err));
    this.publishBytes = new KeyedRateLimit(options.limits.publishBytesPerSecond, options.limits.publishBurstBytes);
    this.presence = new PresenceCoalescer(
      {
        windowMs: options.presenceCoalesceMs,
        bigRoom: options.presenceBigRoom ?? 20,
        bigRoomMs: options.presenceBigRoomMs ?? 250,
      },
      (room) => this.engine.presenceCount(room),
      this.guard.wrap('presence', (m: PresenceMessage, big: boolean) => this.sendPresence(m, big)),
    );
    this.heartbeat = new Heartbeat(this, options);
    this.engineWatch = new EngineWatch(engine, (stalled) => this.onEngineStall(stalled));
  }

  /** What readiness and the console report: `stalled` while the engine is up but not answering. */
  get engineHealth(): EngineState | 'stalled' {
    if (this.engine.state === 'down') return 'down';
    return this.engineWatch.stalled ? 'stalled' : 'up';
  }

  async start(): Promise<void> {
    await this.engine.start({
      message: (msg) => this.fanOut(msg),
      presence: (room, diff) => this.onPresence(room, diff),
      control: (cmd) => this.onControl(cmd),
      state: (state, detail) => this.onEngineState(state, detail),
      failed: (where, err) => this.guard.report(where, err),
    });
    this.heartbeat.start();
    this.engineWatch.start();
    this.sleepWatch.start();
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
    if (first) this.emit('roomCreated', room);
    // Every joiner waits for the node's subscription (idempotent): the room's roster is ready then.
    await this.engine.subscribe(room);
  }

  leaveRoom(session: Session, room: string): void {
    if (!session.inRoom(room)) return;
    const held = session.heldFor(room);
    if (held) session.takeHeld(room, held);
    const empty = this.registry.leave(room, session);
    const readers = this.rosterReaders.get(room);
    if (readers?.delete(session) && readers.size === 0) this.rosterReaders.delete(room);
    if (session.unmarkPresence(room)) {
      this.engine.presenceRemove(room, session.id).catch((err) => this.logEngineError(err, 'presence remove'));
    }
    if (empty) {
      this.engine.unsubscribe(room).catch((err) => this.logEngineError(err, 'unsubscribe'));
      this.emit('roomEmptied', room);
    }
  }

  /**
   * Publish on behalf of a session or a REST caller; resolves once sequenced and in history (or with
   * the original position and `duplicate` for a repeated `key`). An engine failure is answered as the
   * engine named it: `unavailable` only when nothing was stored, `outcome_unknown` when it cannot tell.
   */
  async publish(
    room: string,
    event: string,
    data: Json,
    from: Sender,
    echo = false,
    key?: string,
  ): Promise<PublishResult> {
    try {
      if (this.engine.state === 'down') throw new EngineUnavailableError('engine down', { what: 'publish' });
      return await this.engine.publish({ room, event, data, from, time: Date.now(), echo, key });
    } catch (err) {
      if (isEngineFailure(err)) this.logEngineFailure(err, 'publish');
      else if (!(err instanceof HubError)) this.logEngineError(err, 'publish');
      throw err;
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

  private onPresence(room: string, diff: PresenceDiff): void {
    if (this.registry.has(room)) this.presence.add(room, diff);
  }

  /** Each frame built once: the full diff, and in big rooms the summary for who did not page. */
  private sendPresence(message: PresenceMessage, big: boolean): void {
    const members = this.registry.membersOf(message.room);
    if (!members) return;
    const readers = big ? this.rosterReaders.get(message.room) : undefined;
    const full = !big || readers ? encodeMessage(message) : undefined;
    const summary = big ? encodeMessage(summarize(message)) : full!;
    for (const session of members) session.deliver(message.room, readers?.has(session) ? full! : summary);
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
      // Tokens redeemed from a revoked invite end with it.
      for (const s of this.sessions.values()) {
        const { jti, inviteId } = s.identity.claims;
        if (jti === cmd.jti || inviteId === cmd.jti) s.end(CloseReason.tokenRevoked);
      }
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
      if (!this.engineWatch.stalled) this.announceEngineUp();
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

  private onEngineStall(stalled: boolean): void {
    if (stalled)
      this.options.logger?.warn({ engine: this.engine.name }, 'engine stalled: no answer to the readiness probe');
    else this.options.logger?.info({ engine: this.engine.name }, 'engine answering again');
    if (!stalled && this.engine.state === 'up') this.announceEngineUp();
  }

  /**
   * Tell every client the engine answers again, so what it was refused (a subscribe, a publish with
   * its key) is retried now rather than at the end of a backoff grown during the outage.
   */
  private announceEngineUp(): void {
    const notice = encodeMessage({ type: 'notice', event: 'engine_up' });
    for (const s of this.sessions.values()) s.sendFrame(notice);
  }

  /**
   * The computer is going to sleep: every client is told (`notice shutdown` with `reason: 'sleep'`)
   * and closed with 1001, so nobody publishes into a link that is about to go silent; they
   * reconnect after `reconnectAfterMs` and keep trying until the hub is awake.
   */
  suspend(): void {
    this.sleepWatch.suspended();
    this.options.logger?.info({ clients: this.sessions.size }, 'going to sleep: clients told to reconnect later');
    const notice = encodeMessage({
      type: 'notice',
      event: 'shutdown',
      reconnectAfterMs: this.options.reconnectAfterMs,
      reason: 'sleep',
    });
    for (const s of this.sessions.values()) {
      s.sendFrame(notice);
      s.end(CloseReason.goingToSleep);
    }
  }

  /** The power monitor says the computer woke (a late timer finds it too, for headless hubs). */
  resume(): void {
    this.sleepWatch.resumed();
  }

  private onWake(record: SleepRecord): void {
    this.options.logger?.info(
      { durationMs: record.durationMs, source: record.source },
      `awake after ${Math.round(record.durationMs / 1000)} s away`,
    );
    this.heartbeat.checkNow(Math.min(this.options.heartbeatMs, WAKE_PONG_GRACE_MS));
    // The engine may have gone quiet meanwhile too: probe it now rather than at the next tick.
    this.engineWatch.probe();
    this.emit('woke', record);
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

  /** An outage, not a bug: warn, with the engine's detail. */
  logEngineFailure(err: EngineFailure, what: string): void {
    this.options.logger?.warn({ code: err.code, detail: err.detail }, `engine ${what} failed: ${err.code}`);
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
    const notice = encodeMessage({
      type: 'notice',
      event: 'shutdown',
      reconnectAfterMs: this.options.reconnectAfterMs,
    });
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
    this.engineWatch.stop();
    this.sleepWatch.stop();
    this.presence.stop();
    for (const s of this.sessions.values()) s.ws.terminate();
    await this.engine.close();
  }
}
