/**
 * The hub's core: sessions, rooms, presence, fan-out, limits and drain, on top of the engine seam.
 * It knows nothing of HTTP; the server hands it upgraded sockets and REST publishes.
 */
import type { Duplex } from 'node:stream';
import {
  CloseReason,
  HubError,
  type CloseWhy,
  type Json,
  type PresenceMessage,
  type RoomMessage,
  type Sender,
} from '../protocol/index.js';
import type { ControlCommand, Engine, EngineState, PresenceDiff, PublishResult } from './engine.js';
import { EngineUnavailableError, isEngineFailure, type EngineFailure } from './engine-errors.js';
import { EngineHealth } from './engine-health.js';
import { SleepWatch, type SleepRecord } from './sleep-watch.js';
import { encodeJson, encodeMessage } from './frame.js';
import { ConnectionCounter, KeyedRateLimit } from './limits.js';
import { CallbackGuard } from './callback-guard.js';
import { FlushScheduler } from './outbox.js';
import { PresenceCoalescer } from './presence.js';
import { RoomRegistry } from './room-registry.js';
import { Session, type SessionHost, type SessionIdentity, type SessionInfo } from './session.js';
import { handleFrame } from './dispatch.js';
import { Heartbeat } from './heartbeat.js';
import type { AdminGateway, CoreObserver, CoreOptions, HandlerHost } from './core-types.js';
import type { ExtensionHost } from './extension-host.js';
import { Observers } from './observers.js';
import { TrafficCounters } from './traffic.js';
import { bindSocket, newClientId, welcomeJson, type HubWebSocket } from './client-socket.js';
import { endByControl } from './control.js';
import { fanOut, sendPresence } from './fan-out.js';

/** After a wake, a peer has this long (at most one heartbeat) to answer the ping before it is dropped. */
const WAKE_PONG_GRACE_MS = 10_000;

export class HubCore implements HandlerHost, SessionHost, ExtensionHost {
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
  private readonly observers: Observers;
  /** Sessions that asked for a room's roster (a `members` request): they get every change. */
  readonly rosterReaders = new Map<string, Set<Session>>();
  draining = false;
  /** Set by the admin service: handles `$admin` and `admin` messages. */
  admin?: AdminGateway;
  private readonly health: EngineHealth;
  readonly sleepWatch = new SleepWatch((record) => this.onWake(record));

  constructor(
    readonly engine: Engine,
    readonly options: CoreOptions,
    readonly verifyToken: (token: string) => Promise<SessionIdentity>,
  ) {
    this.connections = new ConnectionCounter(options.limits);
    this.observers = new Observers(options.logger);
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
      this.guard.wrap('presence', (m: PresenceMessage, big: boolean) =>
        sendPresence(this.registry, this.rosterReaders, m, big),
      ),
    );
    this.heartbeat = new Heartbeat(this, options);
    this.health = new EngineHealth(engine, {
      logger: options.logger,
      rooms: () => this.registry.rooms(),
      sessions: () => this.sessions.values(),
      emit: (state, detail) => this.emit('engineState', state, detail),
      logEngineError: (err, what) => this.logEngineError(err, what),
    });
  }

  /** What readiness and the console report: `stalled` while the engine is up but not answering. */
  get engineHealth(): EngineState | 'stalled' {
    return this.health.value;
  }

  async start(): Promise<void> {
    await this.engine.start({
      message: (msg) => this.deliver(msg),
      presence: (room, diff) => this.onPresence(room, diff),
      control: (cmd) => this.onControl(cmd),
      state: (state, detail) => this.health.onState(state, detail),
      failed: (where, err) => this.guard.report(where, err),
    });
    this.heartbeat.start();
    this.health.start();
    this.sleepWatch.start();
  }

  observe(observer: CoreObserver): void {
    this.observers.add(observer);
  }

  emit<K extends keyof CoreObserver>(event: K, ...args: Parameters<NonNullable<CoreObserver[K]>>): void {
    this.observers.emit(event, ...args);
  }

  /** Accept an upgraded socket for a verified identity. */
  attach(ws: HubWebSocket, socket: Duplex, identity: SessionIdentity, info: SessionInfo): Session {
    const id = newClientId();
    const session = new Session(id, ws, socket, identity, info, this.options.limits, this.scheduler, this);
    this.sessions.set(id, session);
    this.connections.add(identity.user.sub, info.ip);
    bindSocket(ws, session);
    // Written now, not next turn: the upgrade corked the socket, so this joins the 101 in one write.
    session.outbox.writeFirst(encodeJson(welcomeJson(id, identity, this.options)));
    this.emit('connected', session);
    return session;
  }

  detach(session: Session, code: number, reason: string): void {
    if (!session.markClosed()) return;
    session.outbox.discard();
    // A connection closed while its reading was paused leaves no 'drain' listener behind.
    session.resumeReading();
    this.sessions.delete(session.id);
    this.connections.remove(session.user.sub, session.ip);
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

  /** A sequenced message from the engine, to this hub's members of its room. */
  private deliver(msg: RoomMessage & { echo?: boolean }): void {
    const sent = fanOut(this.registry, msg);
    if (!sent) return;
    this.traffic.recordOut(msg.room, sent.delivered, sent.bytes);
    this.emit('delivered', msg, sent.delivered, sent.bytes);
  }

  private onPresence(room: string, diff: PresenceDiff): void {
    if (this.registry.has(room)) this.presence.add(room, diff);
  }

  private onControl(cmd: ControlCommand): void {
    endByControl(this.sessions.values(), cmd);
    this.emit('control', cmd);
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

  /**
   * The computer is going to sleep: every client is told (`notice shutdown` with `reason: 'sleep'`)
   * and closed with 1001, so nobody publishes into a link that is about to go silent; they
   * reconnect after `reconnectAfterMs` and keep trying until the hub is awake.
   */
  suspend(): void {
    this.sleepWatch.suspended();
    this.options.logger?.info({ clients: this.sessions.size }, 'going to sleep: clients told to reconnect later');
    this.shutDownClients(CloseReason.goingToSleep, true);
  }

  /** Every client gets `notice shutdown` (when to come back), then the close `why`. */
  private shutDownClients(why: CloseWhy, sleep: boolean): void {
    const { reconnectAfterMs } = this.options;
    const notice = encodeMessage(
      sleep
        ? { type: 'notice', event: 'shutdown', reconnectAfterMs, reason: 'sleep' }
        : { type: 'notice', event: 'shutdown', reconnectAfterMs },
    );
    for (const s of this.sessions.values()) {
      s.sendFrame(notice);
      s.end(why);
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
    this.health.probe();
    this.emit('woke', record);
  }

  onSlowConsumer(session: Session): void {
    this.emit('slowConsumer', session);
    session.closeSlow(this.options.slowConsumerGraceMs);
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
    this.shutDownClients(CloseReason.shuttingDown, false);
    const deadline = Date.now() + timeoutMs;
    while (this.sessions.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    for (const s of this.sessions.values()) s.terminate();
  }

  async stop(): Promise<void> {
    this.heartbeat.stop();
    this.health.stop();
    this.sleepWatch.stop();
    this.presence.stop();
    for (const s of this.sessions.values()) s.terminate();
    await this.engine.close();
  }
}
