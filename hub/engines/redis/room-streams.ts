/**
 * Rooms' numbered streams in Redis: append one message (sequenced, stored and announced in one
 * script), and read a room's position with its stored messages in one consistent step.
 */
import { randomBytes } from 'node:crypto';
import type { StreamPosition } from '../../protocol/index.js';
import {
  publishKeyId,
  type HistoryPolicy,
  type HistoryPolicyFor,
  type PublishInput,
  type PublishResult,
} from '../../core/engine.js';
import { decodeEntries, encodeBody, type FeedMessage, type RawEntry } from './history.js';
import type { RedisKeys } from './keys.js';
import { PUBLISH, READ, type ScriptRunner } from './scripts.js';

export interface StreamRead {
  position: StreamPosition;
  /** Oldest first. */
  messages: FeedMessage[];
}

export class RoomStreams {
  constructor(
    private readonly scripts: ScriptRunner,
    private readonly keys: RedisKeys,
    readonly policy: HistoryPolicyFor,
    private readonly roomRetentionMs: number,
  ) {}

  async append(input: PublishInput): Promise<PublishResult> {
    const policy = this.policy(input.room);
    const key = input.key === undefined ? '' : publishKeyId(input.from.sub, input.key);
    const reply = (await this.scripts.run(
      PUBLISH,
      [this.keys.roomMeta(input.room), this.keys.roomLog(input.room), this.keys.roomKeys(input.room)],
      [
        this.keys.roomFeed(input.room),
        newEpoch(),
        encodeBody(input),
        Math.max(1, policy.maxMessages),
        this.logTtl(policy),
        this.metaTtl(policy),
        key,
      ],
    )) as [string, number, number];
    const [epoch, seq, duplicate] = reply;
    const stored: PublishResult = {
      type: 'message',
      room: input.room,
      epoch,
      seq: Number(seq),
      event: input.event,
      data: input.data,
      from: input.from,
      time: input.time,
    };
    if (input.echo) stored.echo = true;
    if (Number(duplicate) === 1) stored.duplicate = true;
    return stored;
  }

  /**
   * The room's position and its newest stored messages with ids in [from, to], at most the history
   * count. `from` '' reads the position only. A room read for the first time gets its epoch now.
   */
  async read(room: string, from: string, to = '+'): Promise<StreamRead> {
    const policy = this.policy(room);
    const reply = (await this.scripts.run(
      READ,
      [this.keys.roomMeta(room), this.keys.roomLog(room), this.keys.roomKeys(room)],
      [newEpoch(), this.metaTtl(policy), from, to, Math.max(1, policy.maxMessages)],
    )) as [string, number, RawEntry[]];
    const [epoch, seq, entries] = reply;
    return { position: { epoch, seq: Number(seq) }, messages: decodeEntries(room, epoch, [...entries].reverse()) };
  }

  /** The messages after `since` (seq + 1 onwards), if any are stored. */
  readSince(room: string, since: StreamPosition): Promise<StreamRead> {
    return this.read(room, `${since.seq + 1}-0`);
  }

  /** For feeds: the position, and what is stored after `after` (everything if the epoch changed). */
  async readAfter(room: string, after: StreamPosition | undefined): Promise<StreamRead> {
    if (!after) return this.read(room, '');
    const result = await this.readSince(room, after);
    if (result.position.epoch === after.epoch) return result;
    return this.read(room, '-');
  }

  /** The stream ages out with its newest message; entries are also filtered by age on read. */
  private logTtl(policy: HistoryPolicy): number {
    return Number.isFinite(policy.maxAgeMs) && policy.maxAgeMs > 0 ? Math.ceil(policy.maxAgeMs) : this.roomRetentionMs;
  }

  private metaTtl(policy: HistoryPolicy): number {
    return Math.max(this.roomRetentionMs, this.logTtl(policy));
  }
}

function newEpoch(): string {
  return `${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;
}
