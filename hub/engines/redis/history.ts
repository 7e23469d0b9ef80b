/**
 * A room's stream as the engine sees it: message bodies as stored, entries as read back, and the
 * history window (count and age) that decides whether a resume position can still be honoured.
 */
import type { Json, RoomMessage, Sender, StreamPosition } from '../../protocol/index.js';
import type { EngineMessage, HistoryPolicy, HistoryResult, PublishInput } from '../../core/engine.js';

/** What is stored per entry and sent on the feed; epoch and seq travel beside it. */
interface StoredBody {
  event: string;
  data: Json;
  from: Sender;
  time: number;
  /** The sender asked to receive its own message (carried so every hub fans out alike). */
  echo?: true;
}

/** A delivered message carries the sender's echo wish, as the core expects. */
export type FeedMessage = EngineMessage;

export function encodeBody(input: PublishInput): string {
  const body: StoredBody = { event: input.event, data: input.data, from: input.from, time: input.time };
  if (input.echo) body.echo = true;
  return JSON.stringify(body);
}

export function decodeMessage(room: string, epoch: string, seq: number, bodyJson: string): FeedMessage {
  const body = JSON.parse(bodyJson) as StoredBody;
  const msg: FeedMessage = {
    type: 'message',
    room,
    epoch,
    seq,
    event: body.event,
    data: body.data,
    from: body.from,
    time: body.time,
  };
  if (body.echo) msg.echo = true;
  return msg;
}

/** History results go to clients as they are: no delivery flags. */
function withoutEcho(msg: FeedMessage): RoomMessage {
  if (!('echo' in msg)) return msg;
  const { echo: _echo, ...plain } = msg;
  return plain;
}

/** A raw stream entry as Lua returns it: [id, [field, value, …]]. */
export type RawEntry = [string, string[]];

export function entrySeq(entry: RawEntry): number {
  return Number(entry[0].slice(0, entry[0].indexOf('-')));
}

export function decodeEntries(room: string, epoch: string, entries: RawEntry[]): FeedMessage[] {
  const out: FeedMessage[] = [];
  for (const entry of entries) {
    const fields = entry[1];
    const at = fields.indexOf('m');
    if (at < 0) continue;
    out.push(decodeMessage(room, epoch, entrySeq(entry), fields[at + 1]));
  }
  return out;
}

export function isPosition(since: unknown): since is StreamPosition {
  if (typeof since !== 'object' || since === null) return false;
  const p = since as Partial<StreamPosition>;
  return typeof p.epoch === 'string' && Number.isSafeInteger(p.seq) && (p.seq as number) >= 0;
}

/** The newest `limit` entries still inside the room's age bound, oldest first, as clients get them. */
export function latestKept(entries: FeedMessage[], limit: number, policy: HistoryPolicy, now: number): RoomMessage[] {
  const fresh = entries.filter((m) => m.time >= now - policy.maxAgeMs);
  return fresh.slice(Math.max(0, fresh.length - limit)).map(withoutEcho);
}

/**
 * Decide a resume from `since`. `stored` is the room's position in Redis; `position` is what this hub
 * answers with (no further than it has delivered live, so possibly behind `stored`). `entries` starts
 * at since.seq + 1 if that entry is still stored.
 */
export function resumeResult(
  position: StreamPosition,
  stored: StreamPosition,
  since: StreamPosition | null | undefined,
  entries: FeedMessage[],
  policy: HistoryPolicy,
  now: number,
): HistoryResult {
  if (since === undefined) return { position, messages: [] };
  // Malformed, another epoch, or a position the room never reached: fail closed, the client reloads.
  if (!isPosition(since) || since.epoch !== stored.epoch || since.seq > stored.seq) {
    return { position, messages: [], recovered: false, reason: 'epoch_changed' };
  }
  // A client that came from a hub which delivered a little sooner is ahead of this hub's answer:
  // nothing to recover; the live feed brings the rest and the client drops what it already has.
  if (since.seq >= position.seq) return { position, messages: [], recovered: true };
  const oldestKept = stored.seq - policy.maxMessages + 1;
  const first = entries[0];
  const evicted =
    since.seq + 1 < oldestKept || !first || first.seq !== since.seq + 1 || first.time < now - policy.maxAgeMs;
  if (evicted) return { position, messages: [], recovered: false, reason: 'evicted' };
  return { position, messages: entries.filter((m) => m.seq <= position.seq).map(withoutEcho), recovered: true };
}
