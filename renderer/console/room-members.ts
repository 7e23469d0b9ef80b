/**
 * A room's members for the room page, with their presence (who is viewing, editing, typing).
 * Polled while the page is open: the console does not join the rooms it watches, so it never
 * shows up in anyone's presence.
 */
import { useEffect, useState } from 'react';
import { asJson, type Json, type PresenceMember } from '../../hub/protocol/index.js';
import { asObject, num, str } from './admin-feed.js';
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

export interface RoomFacts {
  members: RoomMember[];
  /** Members in all (the list may be cut). */
  memberCount: number | null;
  /** The room's latest seq in its current epoch: how many messages it has numbered. */
  lastSeq: number | null;
  /** When the room got its first member on this hub. */
  since: number | null;
}

const NOBODY: RoomFacts = { members: [], memberCount: 0, lastSeq: null, since: null };

export function readRoomFacts(body: Json): RoomFacts {
  const o = asObject(body);
  const members = readMembers(body) ?? [];
  return {
    members,
    memberCount: num(o, 'memberCount') ?? members.length,
    lastSeq: num(o, 'position.seq'),
    since: num(o, 'since'),
  };
}

/** The room as the hub sees it; an empty room is simply nobody. */
async function fetchRoom(room: string): Promise<RoomFacts> {
  try {
    return readRoomFacts(asJson(await adminAction('list', { what: 'room', room })));
  } catch (err) {
    if ((err as { code?: string }).code === 'not_found') return NOBODY;
    throw err;
  }
}

export function useRoomFacts(room: string): RoomFacts & { error: string | null } {
  const [facts, setFacts] = useState<RoomFacts>(NOBODY);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    const load = (): void => {
      fetchRoom(room).then(
        (f) => live && (setFacts(f), setError(null)),
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
  return { ...facts, error };
}
