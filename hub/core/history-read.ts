/**
 * Reading a room's history in one call, the same for a resuming subscribe, the WebSocket `history`
 * request and the REST route: the latest `limit` kept messages, or those after `since`. After an
 * epoch change the answer still says `recovered: false` and carries every message the new epoch
 * holds, so what was published after a restart is never lost to a client that resumes.
 */
import {
  DEFAULT_HISTORY_LIMIT,
  HubError,
  isHubRoom,
  type HistoryAck,
  type HistoryRequestMessage,
  type StreamPosition,
} from '../protocol/index.js';
import type { Engine, HistoryResult } from './engine.js';
import type { HandlerHost } from './core-types.js';
import type { Session } from './session.js';

/** The whole kept history: bounded by the room's own policy, never by this number. */
const ALL_KEPT = Number.MAX_SAFE_INTEGER;

/**
 * `since` undefined: the latest `limit` messages (none without `limit`). `since` given: the
 * messages after it; on an epoch change (or a malformed/unknown `since`), the new epoch's; when
 * evicted, the latest `latestIfEvicted` (a subscribe that asked for history: its state to rebuild).
 */
export async function readHistory(
  engine: Engine,
  room: string,
  since: StreamPosition | null | undefined,
  limit?: number,
  latestIfEvicted?: number,
): Promise<HistoryResult> {
  if (since === undefined) return engine.history(room, undefined, limit);
  const resumed = await engine.history(room, since);
  if (resumed.reason === 'evicted' && latestIfEvicted !== undefined) {
    const latest = await engine.history(room, undefined, latestIfEvicted);
    return { position: latest.position, messages: latest.messages, recovered: false, reason: 'evicted' };
  }
  if (resumed.reason !== 'epoch_changed') return resumed;
  // A second read: its position matches its messages, which is what the replay seam needs.
  const fresh = await engine.history(room, undefined, ALL_KEPT);
  return { position: fresh.position, messages: fresh.messages, recovered: false, reason: 'epoch_changed' };
}

/**
 * A one-shot read as an answer (REST body, `history` ack). After `since`, at most the first
 * `limit`; without it, the latest `limit` (default 100). `more` says the answer was cut.
 */
export async function historyAnswer(
  engine: Engine,
  room: string,
  since: StreamPosition | null | undefined,
  limit = DEFAULT_HISTORY_LIMIT,
): Promise<HistoryAck> {
  const h = await readHistory(engine, room, since, limit);
  const messages = since === undefined ? h.messages : h.messages.slice(0, limit);
  const answer: HistoryAck = { room, ...h.position, messages };
  if (h.recovered !== undefined) answer.recovered = h.recovered;
  if (h.reason !== undefined) answer.reason = h.reason;
  if (messages.length < h.messages.length) answer.more = true;
  return answer;
}

/**
 * Cut an answer to `maxBytes` of serialized messages, so one ack never passes the connection's
 * queue cap: after `since` the first ones are kept (ask again for the rest), else the newest.
 */
export function boundAnswer(answer: HistoryAck, maxBytes: number, fromStart: boolean): HistoryAck {
  let bytes = 0;
  const kept = [];
  const ordered = fromStart ? answer.messages : [...answer.messages].reverse();
  for (const m of ordered) {
    bytes += Buffer.byteLength(JSON.stringify(m)) + 1;
    if (bytes > maxBytes) break;
    kept.push(m);
  }
  if (kept.length === answer.messages.length) return answer;
  return { ...answer, messages: fromStart ? kept : kept.reverse(), more: true };
}

/** The WebSocket `history` request: read access to the room is enough, no join, no presence. */
export async function historyRequest(
  core: HandlerHost,
  session: Session,
  msg: HistoryRequestMessage,
): Promise<HistoryAck> {
  const { room } = msg;
  if (isHubRoom(room)) throw new HubError('bad_request', `${room} has no history`);
  if (!session.identity.access.allows(room)) throw new HubError('forbidden', `not allowed to read ${room}`);
  const answer = await historyAnswer(core.engine, room, msg.since, msg.limit);
  // A quarter of the cap leaves room for the live frames queued beside it.
  return boundAnswer(answer, core.options.limits.maxQueuedBytes / 4, msg.since !== undefined);
}
