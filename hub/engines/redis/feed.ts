/**
 * One room's live feed on this node. Redis pub/sub delivers in publish order but drops what is sent
 * while the subscriber connection is away; the feed turns it into "every seq once, in order" by
 * dropping repeats and filling gaps from the stream before going on.
 */
import type { StreamPosition } from '../../protocol/index.js';
import type { FeedMessage } from './history.js';
import type { EngineLogger } from './options.js';
import { logRejection } from '../../core/log-rejection.js';

/** Reads a room's stored messages after `afterSeq` (in the epoch Redis holds now). */
export type RangeReader = (
  room: string,
  after: StreamPosition | undefined,
) => Promise<{ position: StreamPosition; messages: FeedMessage[] }>;

const RETRY_MS = 500;
/** Live messages held while catching up; past this they are dropped and read from the stream. */
const MAX_PENDING = 10_000;

export class RoomFeed {
  /** The last position delivered through `deliver` (or, before any, the position at subscribe). */
  epoch = '';
  lastSeq = 0;
  /** Resolves once the feed knows its starting position. */
  ready: Promise<void> = Promise.resolve();
  private started = false;
  /** The catch-up in progress; live messages wait for it. */
  private filling: Promise<boolean> | undefined;
  private closed = false;
  private pending: FeedMessage[] = [];
  private retry: NodeJS.Timeout | undefined;
  /** Messages that already caused a fill: if one still does not fit afterwards it is stale. */
  private readonly triggeredFill = new WeakSet<FeedMessage>();

  constructor(
    readonly room: string,
    private readonly deliver: (msg: FeedMessage) => void,
    private readonly read: RangeReader,
    private readonly logger?: EngineLogger,
  ) {}

  /** Messages at or before `position` belong to history; the feed delivers what follows. */
  begin(position: StreamPosition): void {
    this.epoch = position.epoch;
    this.lastSeq = position.seq;
    this.started = true;
    this.drain();
  }

  /** A message from the room's channel. */
  onLive(msg: FeedMessage): void {
    if (this.closed) return;
    // Everything held is also in the stream: when too much piles up, the catch-up reads it there.
    if (this.pending.length >= MAX_PENDING) this.pending = [];
    this.pending.push(msg);
    if (this.started) this.drain();
  }

  /** After the subscriber reconnected: catch up on whatever was published meanwhile. */
  resync(): Promise<boolean> {
    if (this.closed || !this.started) return Promise.resolve(true);
    return this.fill();
  }

  close(): void {
    this.closed = true;
    this.pending = [];
    clearTimeout(this.retry);
  }

  /** Deliver pending messages in order; a gap starts a fill and the rest waits for it. */
  private drain(): void {
    while (this.pending.length > 0 && !this.filling && !this.closed) {
      const msg = this.pending.shift() as FeedMessage;
      if (msg.epoch === this.epoch) {
        if (msg.seq <= this.lastSeq) continue;
        if (msg.seq === this.lastSeq + 1) {
          this.emit(msg);
          continue;
        }
      } else if (msg.seq === 1) {
        // The room started over (its history expired or Redis lost its data): follow the new epoch.
        this.emit(msg);
        continue;
      }
      if (this.triggeredFill.has(msg)) {
        this.logger?.warn({ room: this.room, epoch: msg.epoch, seq: msg.seq }, 'dropped a message of a former epoch');
        continue;
      }
      this.triggeredFill.add(msg);
      this.pending.unshift(msg);
      logRejection(this.fill(), this.logger, `room ${this.room} catch-up`);
    }
  }

  private emit(msg: FeedMessage): void {
    this.epoch = msg.epoch;
    this.lastSeq = msg.seq;
    this.deliver(msg);
  }

  /** Catch up from the stream; true once caught up, false if Redis could not be read. */
  private fill(): Promise<boolean> {
    if (this.closed) return Promise.resolve(true);
    this.filling ??= this.catchUp().then((caughtUp) => {
      this.filling = undefined;
      // After a failed read the retry fills again; the waiting messages stay put until then.
      if (caughtUp) this.drain();
      return caughtUp;
    });
    return this.filling;
  }

  private async catchUp(): Promise<boolean> {
    clearTimeout(this.retry);
    try {
      const { position, messages } = await this.read(this.room, { epoch: this.epoch, seq: this.lastSeq });
      if (this.closed) return true;
      if (position.epoch !== this.epoch) {
        this.logger?.warn(
          { room: this.room, from: this.epoch, to: position.epoch },
          'room epoch changed; following the new one',
        );
        this.epoch = position.epoch;
        this.lastSeq = 0;
      }
      for (const msg of messages) {
        if (msg.seq <= this.lastSeq) continue;
        if (msg.seq !== this.lastSeq + 1) this.reportLoss(msg.seq - 1);
        this.emit(msg);
      }
      // Nothing stored reaches the position: those messages are gone; carry on from it.
      if (position.seq > this.lastSeq) {
        this.reportLoss(position.seq);
        this.lastSeq = position.seq;
      }
      return true;
    } catch (err) {
      if (this.closed) return true;
      // Redis is unreachable: retry; the engine also resyncs every feed once Redis is back.
      this.logger?.warn({ room: this.room, err: (err as Error).message }, 'feed catch-up failed; retrying');
      this.retry = setTimeout(() => logRejection(this.fill(), this.logger, `room ${this.room} catch-up`), RETRY_MS);
      this.retry.unref();
      return false;
    }
  }

  private reportLoss(upTo: number): void {
    this.logger?.warn(
      { room: this.room, after: this.lastSeq, upTo },
      'messages left history before this hub could deliver them',
    );
  }
}
