/**
 * The Redis engine: several hubs share sequencing, history, fan-out, presence and control through one
 * Redis. Publishing is one Lua step (seq, stream, notify); each hub listens only to the rooms it has
 * members in and delivers every seq once, in order, even across a lost subscriber connection.
 */
import type { PresenceMember, StreamPosition } from '../../protocol/index.js';
import type {
  ControlCommand,
  Engine,
  EngineEvents,
  EngineState,
  HistoryResult,
  PublishInput,
  PublishResult,
} from '../../core/engine.js';
import {
  connectPair,
  createConnection,
  EngineUnavailableError,
  MAX_QUEUED_COMMANDS,
  unavailable,
  withTimeout,
  writeFailure,
  type RedisConnection,
} from './connection.js';
import type { FeedMessage } from './history.js';
import { RedisKeys } from './keys.js';
import { resolveRedisOptions, type RedisEngineOptions, type ResolvedRedisOptions } from './options.js';
import { RedisPresence, RosterView } from './presence.js';
import type { PresencePage } from '../../core/presence-roster.js';
import { RedisRecordStore } from './records.js';
import { ScriptRunner, type SendCommand } from './scripts.js';
import { RoomStreams } from './room-streams.js';
import { RoomFeeds } from './room-feeds.js';
import { Recovery } from './recovery.js';
import { logRejection } from '../../core/log-rejection.js';

interface ControlEnvelope {
  from: string;
  cmd: ControlCommand;
}

export class RedisEngine implements Engine {
  readonly name = 'redis' as const;
  readonly capabilities = { shared: true };
  readonly nodeId: string;
  readonly records: RedisRecordStore;
  private readonly options: ResolvedRedisOptions;
  private readonly keys: RedisKeys;
  private readonly scripts: ScriptRunner;
  private readonly streams: RoomStreams;
  private readonly presence: RedisPresence;
  private readonly feeds: RoomFeeds;
  private readonly roster = new RosterView();
  private commands: RedisConnection | undefined;
  private subscriber: RedisConnection | undefined;
  private events: EngineEvents | undefined;
  private readonly recovery: Recovery;
  private closing = false;
  private started = false;
  private inflight = 0;
  private storedMessages = 0;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private readonly send: SendCommand = (args) => {
    const client = this.commands;
    if (!client) return Promise.reject(new EngineUnavailableError('redis engine not started'));
    return client.sendCommand(args);
  };
  /** A read or bookkeeping step: bounded by the command timeout, any failure named "unavailable". */
  private readonly guard = async <T>(work: Promise<T>, what: string): Promise<T> => {
    try {
      return await withTimeout(work, this.options.commandTimeoutMs, what);
    } catch (err) {
      throw unavailable(err, what);
    }
  };

  constructor(input: RedisEngineOptions) {
    this.options = resolveRedisOptions(input);
    this.nodeId = this.options.nodeId;
    this.keys = new RedisKeys(this.options.keyPrefix, this.nodeId);
    this.scripts = new ScriptRunner(this.send);
    this.streams = new RoomStreams(this.scripts, this.keys, this.options.historyPolicy, this.options.roomRetentionMs);
    this.presence = new RedisPresence(this.send, this.scripts, this.keys);
    this.records = new RedisRecordStore(this.send, this.scripts, this.keys, this.guard);
    this.feeds = new RoomFeeds({
      keys: this.keys,
      streams: this.streams,
      presence: this.presence,
      roster: this.roster,
      commandTimeoutMs: this.options.commandTimeoutMs,
      logger: this.options.logger,
      guard: this.guard,
      subscriber: () => this.subscriber,
      deliver: (msg) => this.deliver(msg),
      presenceChanged: (room, diff) => this.emitSafely(() => this.events?.presence(room, diff)),
    });
    this.recovery = new Recovery({
      logger: this.options.logger,
      nodeTtlMs: this.options.nodeTtlMs,
      presence: this.presence,
      feeds: this.feeds,
      roster: this.roster,
      commands: () => this.commands,
      subscriber: () => this.subscriber,
      live: () => this.started && !this.closing,
      closing: () => this.closing,
      stateChanged: (state, detail) => this.emitSafely(() => this.events?.state(state, detail)),
      presenceChanged: (room, diff) => this.emitSafely(() => this.events?.presence(room, diff)),
    });
  }

  get state(): EngineState {
    return this.recovery.state;
  }

  async start(events: EngineEvents): Promise<void> {
    this.events = events;
    const commands = createConnection(this.options, 'commands');
    const subscriber = createConnection(this.options, 'subscriber');
    this.commands = commands;
    this.subscriber = subscriber;
    for (const [client, role] of [
      [commands, 'commands'],
      [subscriber, 'subscriber'],
    ] as const) {
      // Without an 'error' listener node-redis would crash the process on the first lost connection.
      client.on('error', (err: Error) => this.recovery.lost(role, err.message));
      client.on('reconnecting', () => this.recovery.lost(role, 'reconnecting'));
      client.on('ready', () => {
        if (role === 'commands') this.scripts.forget();
        logRejection(this.recovery.recover(), this.options.logger, 'redis engine recovery');
      });
    }
    try {
      await connectPair(commands, subscriber, this.options);
      await subscriber.subscribe(this.keys.control, (message) => this.onControl(message));
      // A previous process with this nodeId may have left members behind.
      await this.presence.clearOwn();
      await this.presence.heartbeat(this.options.nodeTtlMs, true);
    } catch (err) {
      for (const client of [commands, subscriber]) if (client.isOpen) client.destroy();
      this.commands = this.subscriber = undefined;
      throw unavailable(err, 'start');
    }
    this.started = true;
    this.recovery.started();
    this.heartbeatTimer = setInterval(
      () => logRejection(this.beat(), this.options.logger, 'redis engine heartbeat'),
      this.options.heartbeatMs,
    );
    this.heartbeatTimer.unref();
  }

  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.heartbeatTimer);
    this.recovery.stop();
    this.feeds.closeAll();
    const { commands, subscriber } = this;
    if (commands?.isReady) {
      // Leave cleanly so the other hubs drop this hub's members now rather than after the TTL.
      await withTimeout(this.presence.leave(), this.options.commandTimeoutMs, 'leave').catch((err: Error) =>
        this.options.logger?.warn({ err: err.message }, 'redis engine could not remove its members on close'),
      );
    }
    for (const client of [subscriber, commands]) {
      if (!client) continue;
      if (client.isReady) await client.close().catch(() => client.destroy());
      else if (client.isOpen) client.destroy();
    }
    this.commands = this.subscriber = undefined;
    this.recovery.set(false, 'closed');
  }

  async publish(input: PublishInput): Promise<PublishResult> {
    if (!this.commands?.isReady)
      throw new EngineUnavailableError('redis unavailable: publish refused', { what: 'publish' });
    if (this.inflight >= MAX_QUEUED_COMMANDS)
      throw new EngineUnavailableError('redis is not keeping up: publish refused', { what: 'publish' });
    this.inflight++;
    try {
      return await withTimeout(this.streams.append(input), this.options.commandTimeoutMs, 'publish');
    } catch (err) {
      // Sent but unanswered is not "refused": the script may have stored it (or will, once Redis wakes).
      throw writeFailure(err, 'publish');
    } finally {
      this.inflight--;
    }
  }

  history(room: string, since?: StreamPosition | null, limit?: number): Promise<HistoryResult> {
    return this.feeds.history(room, since, limit);
  }

  subscribe(room: string): Promise<void> {
    return this.feeds.subscribe(room);
  }

  unsubscribe(room: string): Promise<void> {
    return this.feeds.unsubscribe(room);
  }

  // This hub's own changes enter its view at once (its diff follows over the feed; applying it again
  // changes nothing), so the ack a joiner gets here already counts the joiner.
  presenceSet(room: string, member: PresenceMember): Promise<void> {
    this.roster.apply(room, { joined: [member], left: [], updated: [] });
    return this.guard(this.presence.set(room, member), 'presence');
  }

  presenceRemove(room: string, clientId: string): Promise<void> {
    this.roster.apply(room, { joined: [], left: [{ clientId, sub: '', name: '', state: {} }], updated: [] });
    return this.guard(this.presence.remove(room, clientId), 'presence');
  }

  presenceList(room: string): Promise<PresenceMember[]> {
    return this.guard(this.presence.list(room), 'presence');
  }

  presencePage(room: string, cursor?: string): PresencePage {
    return this.roster.page(room, cursor);
  }

  presenceCount(room: string): number {
    return this.roster.count(room);
  }

  async control(cmd: ControlCommand): Promise<void> {
    const envelope: ControlEnvelope = { from: this.nodeId, cmd };
    await this.guard(this.send(['PUBLISH', this.keys.control, JSON.stringify(envelope)]), 'control');
    // Delivered here directly: this hub acts even while its subscriber connection is away.
    this.emitSafely(() => this.events?.control(cmd));
  }

  /** PING on the command connection: it queues behind every command, so a stalled Redis shows. */
  async probe(): Promise<void> {
    if (!this.commands?.isReady) throw new EngineUnavailableError('redis unavailable: probe refused');
    await this.send(['PING']);
  }

  /** Messages stored for the rooms this hub listens to, as of the last heartbeat. */
  historySize(): number {
    return this.storedMessages;
  }

  // ---- internals ----

  private onControl(message: string): void {
    try {
      const envelope = JSON.parse(message) as ControlEnvelope;
      if (envelope.from === this.nodeId) return;
      this.emitSafely(() => this.events?.control(envelope.cmd));
    } catch (err) {
      this.options.logger?.error({ err: (err as Error).message }, 'unreadable control message');
    }
  }

  private deliver(msg: FeedMessage): void {
    this.emitSafely(() => this.events?.message(msg));
  }

  private emitSafely(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      // Handlers must not throw; if one does, the feed must still go on to the next message.
      this.options.logger?.error({ err: (err as Error).message }, 'engine event handler threw');
    }
  }

  private async beat(): Promise<void> {
    if (!this.commands?.isReady) return;
    try {
      const swept = await this.presence.heartbeat(this.options.nodeTtlMs, false);
      if (swept.length > 0) this.options.logger?.info({ nodes: swept }, 'removed the members of hubs that stopped');
      const rooms = this.feeds.rooms();
      const lengths = await Promise.all(rooms.map((room) => this.send(['XLEN', this.keys.roomLog(room)])));
      this.storedMessages = lengths.reduce<number>((sum, n) => sum + Number(n), 0);
    } catch (err) {
      this.options.logger?.warn({ err: (err as Error).message }, 'redis engine heartbeat failed');
    }
  }
}

export function createRedisEngine(options: RedisEngineOptions): Engine {
  return new RedisEngine(options);
}
