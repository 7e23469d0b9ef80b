/** Test support for the room tests: a client connected with the given claims, and the rooms it got traffic from. */
import type { Hub } from '../../hub/server/types.js';
import { connect, token, type TestClient } from './hub.js';

export type RoomClaims = { role?: 'viewer' | 'editor' | 'admin' | 'service'; rooms?: string[]; name?: string };

export async function connectAs(on: Hub, sub: string, claims: RoomClaims = {}): Promise<TestClient> {
  return connect(on, await token(on, { sub, ...claims }));
}

/** Rooms this client received room traffic (messages, presence) from. */
export function roomsSeen(c: TestClient): Set<string> {
  const rooms = new Set<string>();
  for (const m of c.received) if (m.type === 'message' || m.type === 'presence') rooms.add(m.room);
  return rooms;
}
