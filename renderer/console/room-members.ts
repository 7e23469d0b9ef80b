/**
 * A room's members for the room page, with their presence (who is viewing, editing, typing).
 * Polled while the page is open: the console does not join the rooms it watches, so it never
 * shows up in anyone's presence.
 */
import { useEffect, useState } from 'react';
import type { Json, PresenceMember } from '../../hub/protocol/index.js';
import { asObject, str } from './admin-feed.js';
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

/** The room's presence list from the hub; an empty room is simply nobody. */
async function fetchMembers(room: string): Promise<RoomMember[]> {
  try {
    const ack = await adminAction('list', { what: 'room', room });
    return readMembers(ack as unknown as Json) ?? [];
  } catch (err) {
    if ((err as { code?: string }).code === 'not_found') return [];
    throw err;
  }
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
