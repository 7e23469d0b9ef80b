/**
 * A room's recent history over REST (members may read it), used to build a dashboard's state on
 * joining and to rebuild it after the hub says it could not replay what we missed.
 *
 * The history route answers "everything after `since`" or, when part of that is gone, nothing
 * (`recovered: false`). So we ask from a position a window back from the room's latest, and
 * narrow the window until the hub still holds all of it (at worst, half of what it holds).
 */
import type { RoomMessage, StreamPosition } from '../../hub/protocol/index.js';

export interface RoomHistory extends StreamPosition {
  messages: RoomMessage[];
}

export type FetchFn = (input: string, init?: RequestInit) => Promise<Response>;

/**
 * How far back to look, tried in turn: the hub keeps 1000 messages by default, fewer when
 * configured or when they age out, so the window halves until the hub holds all of it.
 */
export const HISTORY_WINDOWS = [1000, 500, 250, 125, 64, 32, 16, 8, 4, 2, 1];

interface HistoryAnswer extends StreamPosition {
  recovered: boolean;
  messages: RoomMessage[];
}

async function getHistory(fetchImpl: FetchFn, url: string, token: string): Promise<HistoryAnswer> {
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
  const body = (await res.json()) as { epoch?: unknown; seq?: unknown; recovered?: unknown; messages?: unknown };
  return {
    epoch: typeof body.epoch === 'string' ? body.epoch : '',
    seq: Number(body.seq ?? 0),
    recovered: body.recovered !== false,
    messages: Array.isArray(body.messages) ? (body.messages as RoomMessage[]).filter(isRoomMessage) : [],
  };
}

export async function fetchRoomHistory(
  httpUrl: string,
  room: string,
  token: string,
  fetchImpl: FetchFn = fetch,
  windows: readonly number[] = HISTORY_WINDOWS,
): Promise<RoomHistory> {
  const base = `${httpUrl}/api/rooms/${encodeURIComponent(room)}/history`;
  const latest = await getHistory(fetchImpl, base, token);
  for (const w of windows) {
    const from = Math.max(0, latest.seq - w);
    const answer = await getHistory(fetchImpl, `${base}?since=${encodeURIComponent(`${latest.epoch}:${from}`)}`, token);
    if (answer.recovered) return { epoch: answer.epoch, seq: answer.seq, messages: answer.messages };
    // A new epoch in between: the room restarted; what it holds now is all there is.
    if (answer.epoch !== latest.epoch) break;
  }
  return { epoch: latest.epoch, seq: latest.seq, messages: [] };
}

function isRoomMessage(m: unknown): m is RoomMessage {
  const r = m as RoomMessage | null;
  return !!r && typeof r.seq === 'number' && typeof r.epoch === 'string' && typeof r.event === 'string' && typeof r.from === 'object';
}
