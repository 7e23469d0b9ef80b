/**
 * The rooms this hub listens to: one feed per room, subscribed on the room's channel and begun at
 * its stream's position, caught up after a lost connection; and the channels left behind when an
 * unsubscribe failed while Redis was away, dropped once it is back.
 */
import type { StreamPosition } from '../../protocol/index.js';
import type { HistoryResult, PresenceDiff } from '../../core/engine.js';
import { EngineUnavailableError, unavailable, withTimeout, type RedisConnection } from './connection.js';
import { RoomFeed } from './feed.js';
import { decodeMessage, isPosition, latestKept, resumeResult, type FeedMessage } from './history.js';
import type { RedisKeys } from './keys.js';
import type { EngineLogger } from './options.js';
import { parsePresenceFrame, type RedisPresence, type RosterView } from './presence.js';
import type { RoomStreams } from './room-streams.js';

export interface FeedParts {
  keys: RedisKeys;
  streams: RoomStreams;
  presence: RedisPresence;
  roster: RosterView;
  commandTimeoutMs: number;
  logger?: EngineLogger;
  /** A read bounded by the command timeout, any failure named "unavailable". */
  guard<T>(work: Promise<T>, what: string): Promise<T>;
  /** The subscriber connection, while there is one. */
  subscriber(): RedisConnection | undefined;
  deliver(msg: FeedMessage): void;
  presenceChanged(room: string, diff: PresenceDiff): void;
}

export class RoomFeeds {
  private readonly feeds = new Map<string, RoomFeed>();
  /** Channels whose unsubscribe failed while Redis was away; dropped once it is back. */
  private readonly strayChannels = new Set<string>();

  constructor(private readonly parts: FeedParts) {}

  get(room: string): RoomFeed | undefined {
    return this.feeds.get(room);
  }

  has(room: string): boolean {
    return this.feeds.has(room);
  }

  rooms(): string[] {
    return [...this.feeds.keys()];
  }

  async subscribe(room: string): Promise<void> {
    const existing = this.feeds.get(room);
    if (existing) return existing.ready;
    const { keys, streams, roster, presence } = this.parts;
    const feed = new RoomFeed(
      room,
      (msg) => this.parts.deliver(msg),
      (r, after) => streams.readAfter(r, after),
      this.parts.logger,
    );
    this.feeds.set(room, feed);
    const channel = keys.roomFeed(room);
    this.strayChannels.delete(channel);
    feed.ready = (async () => {
      const subscriber = this.parts.subscriber();
      if (!subscriber?.isReady)
        throw new EngineUnavailableError('redis unavailable: subscribe refused', { what: 'subscribe' });
      await subscriber.subscribe(channel, this.onFrame);
      // Messages up to this position are history; the feed delivers everything after it.
      const { position } = await streams.read(room, '');
      feed.begin(position);
      roster.track(room, await presence.list(room));
    })();
    try {
      await withTimeout(feed.ready, this.parts.commandTimeoutMs, 'subscribe');
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
    this.parts.roster.forget(room);
    feed.close();
    await feed.ready.catch(() => undefined);
    if (this.feeds.has(room)) return; // subscribed again meanwhile
    await this.dropChannel(this.parts.keys.roomFeed(room));
  }

  /**
   * A room's history, as of what this hub has delivered live where it listens to the room, so
   * history and live delivery neither overlap nor leave a gap for the session that asked.
   */
  async history(room: string, since?: StreamPosition | null, limit?: number): Promise<HistoryResult> {
    const feed = this.feeds.get(room);
    if (feed) await this.parts.guard(feed.ready, 'history').catch(() => undefined);
    const policy = this.parts.streams.policy(room);
    const latest = since === undefined && limit !== undefined && limit > 0;
    const read = await this.parts.guard(
      isPosition(since) ? this.parts.streams.readSince(room, since) : this.parts.streams.read(room, latest ? '-' : ''),
      'history',
    );
    const position = { ...read.position };
    let messages = read.messages;
    if (feed && this.feeds.get(room) === feed) {
      const delivered = feed.epoch === position.epoch ? feed.lastSeq : 0;
      if (delivered < position.seq) {
        position.seq = delivered;
        messages = messages.filter((m) => m.seq <= delivered);
      }
    }
    if (latest) return { position, messages: latestKept(messages, limit, policy, Date.now()) };
    return resumeResult(position, read.position, since, messages, policy, Date.now());
  }

  /** After a lost connection: drop the stray channels, then catch every feed up; throws if one could not. */
  async recover(subscriber: RedisConnection): Promise<void> {
    for (const channel of [...this.strayChannels]) {
      const room = this.parts.keys.roomOfFeed(channel);
      if (!this.feeds.has(room)) await subscriber.unsubscribe(channel);
      this.strayChannels.delete(channel);
    }
    const results = await Promise.all([...this.feeds.values()].map((feed) => feed.resync()));
    if (results.includes(false)) throw new Error('a feed could not catch up');
  }

  closeAll(): void {
    for (const feed of this.feeds.values()) feed.close();
    this.feeds.clear();
  }

  private async dropChannel(channel: string): Promise<void> {
    try {
      await this.parts.subscriber()?.unsubscribe(channel, this.onFrame);
    } catch {
      // Offline: node-redis would re-subscribe it on reconnect; recover() drops it then.
      this.strayChannels.add(channel);
    }
  }

  private readonly onFrame = (frame: string, channel: string): void => {
    const room = this.parts.keys.roomOfFeed(channel);
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
        this.parts.roster.apply(room, diff);
        this.parts.presenceChanged(room, diff);
      }
    } catch (err) {
      this.parts.logger?.error({ room, err: (err as Error).message }, 'unreadable frame on a room feed');
    }
  };
}
