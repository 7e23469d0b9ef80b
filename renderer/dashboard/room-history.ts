/**
 * A room's history over REST (members may read it), used to build a dashboard's state on joining
 * and to rebuild it after the hub says it could not replay what we missed. One call: without
 * `since` the hub answers the latest `limit` messages it holds and the room's position.
 */
import { MAX_HISTORY_LIMIT, type HistoryAck, type RoomMessage, type StreamPosition } from '../../hub/protocol/index.js';

export interface RoomHistory extends StreamPosition {
  messages: RoomMessage[];
}

export type FetchFn = (input: string, init?: RequestInit) => Promise<Response>;

/** The hub's cap on `limit`: a dashboard asks for all the hub may hold. */
export const HISTORY_LIMIT = MAX_HISTORY_LIMIT;

export async function fetchRoomHistory(httpUrl: string, room: string, token: string, fetchImpl: FetchFn = fetch, limit = HISTORY_LIMIT): Promise<RoomHistory> {
  const url = `${httpUrl}/api/rooms/${encodeURIComponent(room)}/history?limit=${limit}`;
  const res = await fetchImpl(url, { headers: { authorization: `Bearer ${token}` }, cache: 'no-store' });
  if (!res.ok) {
    let message = `HTTP ${res.status}`;
    try {
      const body = (await res.json()) as { message?: unknown };
      if (typeof body.message === 'string') message = body.message;
    } catch {
      // Not JSON: the status says enough.
    }
    throw new Error(message);
  }
  const body = (await res.json()) as Partial<HistoryAck>;
  return {
    epoch: String(body.epoch ?? ''),
    seq: Number(body.seq ?? 0),
    messages: Array.isArray(body.messages) ? (body.messages as RoomMessage[]).filter(isRoomMessage) : [],
  };
}

function isRoomMessage(m: unknown): m is RoomMessage {
  const r = m as RoomMessage | null;
  return !!r && typeof r.seq === 'number' && typeof r.epoch === 'string' && typeof r.event === 'string' && typeof r.from === 'object';
}
