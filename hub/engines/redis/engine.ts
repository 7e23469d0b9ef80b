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
  createConnection,
  EngineUnavailableError,
  MAX_QUEUED_COMMANDS,
  redactUrl,
  unavailable,
  withTimeout,
  writeFailure,
  type RedisConnection,
} from './connection.js';
import { RoomFeed } from './feed.js';
import { decodeMessage, isPosition, latestKept, resumeResult, type FeedMessage } from './history.js';
import { RedisKeys } from './keys.js';
import { resolveRedisOptions, type RedisEngineOptions, type ResolvedRedisOptions } from './options.js';
import { parsePresenceFrame, RedisPresence, RosterView } from './presence.js';
import type { PresencePage } from '../../core/presence-roster.js';
import { RedisRecordStore } from './records.js';
import { ScriptRunner, type SendCommand } from './scripts.js';
import { RoomStreams } from './room-streams.js';

const RECOVER_RETRY_MS = 500;

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
  private readonly feeds = new Map<string, RoomFeed>();
  private readonly roster = new RosterView();
  /** Channels whose unsubscribe failed while Redis was away; dropped once it is back. */
  private readonly strayChannels = new Set<string>();
  private commands: RedisConnection | undefined;
  private subscriber: RedisConnection | undefined;
  private events: EngineEvents | undefined;
  private currentState: EngineState = 'down';
  /** Both connections are ready and every feed has caught up since the last loss. */
  private healthy = false;
  private recovering = false;
  private closing = false;
  private started = false;
  private inflight = 0;
  private storedMessages = 0;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private recoverTimer: NodeJS.Timeout | undefined;
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
  }

  get state(): EngineState {
    return this.currentState;
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
      client.on('error', (err: Error) => this.lost(role, err.message));
      client.on('reconnecting', () => this.lost(role, 'reconnecting'));
      client.on('ready', () => {
        if (role === 'commands') this.scripts.forget();
        void this.recover();
      });
    }
    // The first failed attempt ends the start: a refused or unknown address is not worth a 10 s wait.
    const offFirstFailure: Array<() => void> = [];
    const firstFailure = new Promise<never>((_, reject) => {
      for (const client of [commands, subscriber]) {
        client.once('error', reject);
        offFirstFailure.push(() => client.off('error', reject));
      }
    });
    firstFailure.catch(() => undefined);
    try {
      await withTimeout(
        Promise.race([Promise.all([commands.connect(), subscriber.connect()]), firstFailure]),
        this.options.connectTimeoutMs,
        'connect',
      ).catch((err: unknown) => {
        throw new EngineUnavailableError(
          `cannot connect to Redis at ${redactUrl(this.options.url)}: ${err instanceof Error ? err.message : String(err)}`,
          { cause: err },
        );
      });
      for (const off of offFirstFailure) off();
      await subscriber.subscribe(this.keys.control, (message) => this.onControl(message));
      // A previous process with this nodeId may have left members behind.
      await this.presence.clearOwn();
      await this.presence.heartbeat(this.options.nodeTtlMs, true);
    } catch (err) {
      for (const off of offFirstFailure) off();
      for (const client of [commands, subscriber]) if (client.isOpen) client.destroy();
      this.commands = this.subscriber = undefined;
      throw unavailable(err, 'start');
    }
    this.started = true;
    this.healthy = true;
    this.currentState = 'up';
    this.heartbeatTimer = setInterval(() => void this.beat(), this.options.heartbeatMs);
    this.heartbeatTimer.unref();
  }

  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.heartbeatTimer);
    clearTimeout(this.recoverTimer);
    for (const feed of this.feeds.values()) feed.close();
    this.feeds.clear();
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
    this.setState(false, 'closed');
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

  async history(room: string, since?: StreamPosition | null, limit?: number): Promise<HistoryResult> {
    const feed = this.feeds.get(room);
    if (feed) await this.guard(feed.ready, 'history').catch(() => undefined);
    const policy = this.streams.policy(room);
    const latest = since === undefined && limit !== undefined && limit > 0;
    const read = await this.guard(
      isPosition(since) ? this.streams.readSince(room, since) : this.streams.read(room, latest ? '-' : ''),
      'history',
    );
    const position = { ...read.position };
    let messages = read.messages;
    if (feed && this.feeds.get(room) === feed) {
      // Answer as of what this hub has delivered live, so history and live delivery neither
      // overlap nor leave a gap for the session that asked.
      const delivered = feed.epoch === position.epoch ? feed.lastSeq : 0;
      if (delivered < position.seq) {
        position.seq = delivered;
        messages = messages.filter((m) => m.seq <= delivered);
      }
    }
    if (latest) return { position, messages: latestKept(messages, limit, policy, Date.now()) };
    return resumeResult(position, read.position, since, messages, policy, Date.now());
  }

  async subscribe(room: string): Promise<void> {
    const existing = this.feeds.get(room);
    if (existing) return existing.ready;
    const feed = new RoomFeed(
      room,
      (msg) => this.deliver(msg),
      (r, after) => this.streams.readAfter(r, after),
      this.options.logger,
    );
    this.feeds.set(room, feed);
    const channel = this.keys.roomFeed(room);
    this.strayChannels.delete(channel);
    feed.ready = (async () => {
      const subscriber = this.subscriber;
      if (!subscriber?.isReady)
        throw new EngineUnavailableError('redis unavailable: subscribe refused', { what: 'subscribe' });
      await subscriber.subscribe(channel, this.onFeedFrame);
      // Messages up to this position are history; the feed delivers everything after it.
      const { position } = await this.streams.read(room, '');
      feed.begin(position);
      this.roster.track(room, await this.presence.list(room));
    })();
    try {
      await withTimeout(feed.ready, this.options.commandTimeoutMs, 'subscribe');
    } catch (err) {
      if (this.feeds.get(room) === feed) {
        this.feeds.delete(room);
        feed.close();
        await this.dropChannel(channel);
      }
      throw unavailable(err, 'subscribe');
    }
  }

  async unsubscribe(room: string): Promise<void> {
    const feed = this.feeds.get(room);
    if (!feed) return;
    this.feeds.delete(room);
    this.roster.forget(room);
    feed.close();
    await feed.ready.catch(() => undefined);
    if (this.feeds.has(room)) return; // subscribed again meanwhile
    await this.dropChannel(this.keys.roomFeed(room));
  }

  private async dropChannel(channel: string): Promise<void> {
    try {
      await this.subscriber?.unsubscribe(channel, this.onFeedFrame);
    } catch {
      // Offline: node-redis would re-subscribe it on reconnect; recover() drops it then.
      this.strayChannels.add(channel);
    }
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

  private readonly onFeedFrame = (frame: string, channel: string): void => {
    const room = this.keys.roomOfFeed(channel);
    const feed = this.feeds.get(room);
    if (!feed) return;
    try {
      if (frame[0] === 'm') {
        const a = frame.indexOf(' ');
        const b = frame.indexOf(' ', a + 1);
        feed.onLive(decodeMessage(room, frame.slice(a + 1, b), Number(frame.slice(1, a)), frame.slice(b + 1)));
      } else if (frame[0] === 'p') {
        const diff = parsePresenceFrame(frame);
        if (!diff) return;
        this.roster.apply(room, diff);
        this.emitSafely(() => this.events?.presence(room, diff));
      }
    } catch (err) {
      this.options.logger?.error({ room, err: (err as Error).message }, 'unreadable frame on a room feed');
    }
  };

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

  private lost(role: string, detail: string): void {
    if (!this.started || this.closing) return;
    this.setState(false, `redis ${role} connection: ${detail}`);
    // Usually a reconnection follows and its 'ready' recovers; an error that left the connection
    // standing (a bad reply, a failed ping) has no 'ready' to wait for, so check again shortly.
    clearTimeout(this.recoverTimer);
    this.recoverTimer = setTimeout(() => void this.recover(), RECOVER_RETRY_MS);
    this.recoverTimer.unref();
  }

  /** After a connection came back: restore presence, drop stray channels, catch every feed up. */
  private async recover(): Promise<void> {
    if (!this.started || this.closing || this.recovering || this.healthy) return;
    if (!this.commands?.isReady || !this.subscriber?.isReady) return;
    this.recovering = true;
    try {
      await this.presence.heartbeat(this.options.nodeTtlMs, false);
      for (const channel of [...this.strayChannels]) {
        const room = this.keys.roomOfFeed(channel);
        if (!this.feeds.has(room)) await this.subscriber.unsubscribe(channel);
        this.strayChannels.delete(channel);
      }
      const results = await Promise.all([...this.feeds.values()].map((feed) => feed.resync()));
      if (results.includes(false)) throw new Error('a feed could not catch up');
      await this.reconcilePresence();
      if (!this.commands?.isReady || !this.subscriber?.isReady) throw new Error('connection lost again');
      this.setState(true, 'redis reachable; feeds caught up');
    } catch (err) {
      this.options.logger?.warn({ err: (err as Error).message }, 'redis engine recovery incomplete; retrying');
      clearTimeout(this.recoverTimer);
      this.recoverTimer = setTimeout(() => void this.recover(), RECOVER_RETRY_MS);
      this.recoverTimer.unref();
    } finally {
      this.recovering = false;
    }
  }

  /** Report the presence changes whose diffs were sent while this hub was not listening. */
  private async reconcilePresence(): Promise<void> {
    for (const room of [...this.feeds.keys()]) {
      const members = await this.presence.list(room);
      if (!this.feeds.has(room)) continue;
      const diff = this.roster.reconcile(room, members);
      if (diff) this.emitSafely(() => this.events?.presence(room, diff));
    }
  }

  private setState(healthy: boolean, detail: string): void {
    this.healthy = healthy;
    const next: EngineState = healthy ? 'up' : 'down';
    if (next === this.currentState) return;
    this.currentState = next;
    if (next === 'down') this.options.logger?.warn({ detail }, 'redis engine down');
    else this.options.logger?.info({ detail }, 'redis engine up');
    if (!this.closing || next === 'up') this.emitSafely(() => this.events?.state(next, detail));
  }

  private async beat(): Promise<void> {
    if (!this.commands?.isReady) return;
    try {
      const swept = await this.presence.heartbeat(this.options.nodeTtlMs, false);
      if (swept.length > 0) this.options.logger?.info({ nodes: swept }, 'removed the members of hubs that stopped');
      const rooms = [...this.feeds.keys()];
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
