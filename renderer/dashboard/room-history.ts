/**
 * A room's recent history over REST (members may read it), used to build a dashboard's state on
 * joining and to rebuild it after the hub says it could not replay what we missed.
 */
import type { RoomMessage, StreamPosition } from '../../hub/protocol/index.js';

export interface RoomHistory extends StreamPosition {
  messages: RoomMessage[];
}

export type FetchFn = (input: string, init?: RequestInit) => Promise<Response>;

export async function fetchRoomHistory(httpUrl: string, room: string, token: string, fetchImpl: FetchFn = fetch): Promise<RoomHistory> {
  const res = await fetchImpl(`${httpUrl}/api/rooms/${encodeURIComponent(room)}/history`, {
    headers: { authorization: `Bearer ${token}` },
    cache: 'no-store',
  });
  if (!res.ok) {
    let message = `HTTP ${res.status}`;
    try {
      const body = (await res.json()) as { message?: unknown };
      if (typeof body.message === 'string') message = body.message;
    } catch {
      // Not JSON: the status says enough.
    }
    throw new Error(`history of ${room}: ${message}`);
  }
  const body = (await res.json()) as { epoch?: unknown; seq?: unknown; messages?: unknown };
  const messages = Array.isArray(body.messages) ? (body.messages as RoomMessage[]).filter(isRoomMessage) : [];
  return { epoch: String(body.epoch ?? ''), seq: Number(body.seq ?? 0), messages };
}

function isRoomMessage(m: unknown): m is RoomMessage {
  const r = m as RoomMessage | null;
  return !!r && typeof r.seq === 'number' && typeof r.epoch === 'string' && typeof r.event === 'string' && typeof r.from === 'object';
}
