/**
 * A room's members for the room page: presence (who is viewing, editing, typing) from the hub's
 * room endpoint, or, where that says nothing of presence, the room's connections from the client
 * list. Polled while the page is open, since the console does not join rooms it watches.
 */
import { useEffect, useState } from 'react';
import type { Json, PresenceMember } from '../../hub/protocol/index.js';
import { useConnection } from '../connection/connection-store.js';
import { asObject, readClients, str } from './admin-feed.js';
import { adminAction } from './admin-session.js';

export interface RoomMember {
  clientId: string;
  sub: string;
  name: string;
  /** Null when only the connection is known, not its presence. */
  state: PresenceMember['state'] | null;
}

const POLL_MS = 2000;

export function readMembers(body: Json): RoomMember[] | null {
  const o = asObject(body);
  const list = o?.members ?? asObject(o?.room ?? null)?.members;
  if (!Array.isArray(list)) return null;
  const members: RoomMember[] = [];
  for (const m of list) {
    const mo = asObject(m);
    const clientId = str(mo, 'clientId');
    if (!mo || !clientId) continue;
    members.push({ clientId, sub: str(mo, 'sub') ?? '', name: str(mo, 'name') ?? '', state: asObject(mo.state ?? null) ?? {} });
  }
  return members;
}

async function fetchMembers(room: string): Promise<RoomMember[]> {
  const { credentials } = useConnection.getState();
  if (credentials) {
    try {
      const res = await fetch(`${credentials.address.httpUrl}/api/rooms/${encodeURIComponent(room)}`, {
        headers: { authorization: `Bearer ${await credentials.getToken()}` },
        cache: 'no-store',
      });
      if (res.ok) {
        const members = readMembers((await res.json()) as Json);
        if (members) return members;
      }
    } catch {
      // Fall through to the client list, which every admin service answers.
    }
  }
  const ack = await adminAction('list', { what: 'clients', room, limit: 500 });
  const body = ack as unknown as Record<string, Json>;
  return readClients(body.items ?? body.clients).map((c) => ({ clientId: c.clientId, sub: c.sub, name: c.name, state: null }));
}

export function useRoomMembers(room: string): { members: RoomMember[]; error: string | null } {
  const [members, setMembers] = useState<RoomMember[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    const load = (): void => {
      fetchMembers(room).then(
        (m) => live && (setMembers(m), setError(null)),
        (err: Error) => live && setError(err.message),
      );
    };
    load();
    const timer = setInterval(load, POLL_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [room]);
  return { members, error };
}
