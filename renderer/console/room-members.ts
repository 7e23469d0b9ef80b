/**
 * A room's members for the room page, with their presence (who is viewing, editing, typing).
 * Polled while the page is open: the console does not join the rooms it watches, so it never
 * shows up in anyone's presence. A big room comes in pages of 100: the page shows the first and
 * loads more on request, and each poll refreshes the pages shown.
 */
import { useEffect, useState } from 'react';
import type { PresenceMember, RoomDetail } from '../../hub/protocol/index.js';
import { adminAction } from './admin-session.js';

export interface RoomMember {
  clientId: string;
  sub: string;
  name: string;
  state: PresenceMember['state'];
}

const POLL_MS = 2000;

export interface RoomFacts {
  members: RoomMember[];
  /** Members in all (the list may be cut). */
  memberCount: number | null;
  /** The room's latest seq in its current epoch: how many messages it has numbered. */
  lastSeq: number | null;
  /** When the room got its first member on this hub. */
  since: number | null;
  /** Cursor of the next page of members; null on the last. */
  membersNext: string | null;
}

const NOBODY: RoomFacts = { members: [], memberCount: 0, lastSeq: null, since: null, membersNext: null };

/** The hub's answer to `list {what: 'room'}`, as the room page shows it. */
export function readRoomFacts(room: RoomDetail): RoomFacts {
  return {
    members: room.members.map(({ clientId, sub, name, state }) => ({ clientId, sub, name, state })),
    memberCount: room.memberCount,
    lastSeq: room.position.seq,
    since: room.since,
    membersNext: room.membersNext ?? null,
  };
}

/** The room as the hub sees it, with up to `pages` pages of members; an empty room is simply nobody. */
async function fetchRoom(room: string, pages: number): Promise<RoomFacts> {
  try {
    const facts = readRoomFacts(await adminAction('list', { what: 'room', room }));
    const seen = new Set(facts.members.map((m) => m.clientId));
    for (let n = 1; n < pages && facts.membersNext; n++) {
      const page = readRoomFacts(await adminAction('list', { what: 'room', room, cursor: facts.membersNext }));
      for (const m of page.members) {
        if (seen.has(m.clientId)) continue;
        seen.add(m.clientId);
        facts.members.push(m);
      }
      facts.membersNext = page.membersNext;
    }
    return facts;
  } catch (err) {
    if ((err as { code?: string }).code === 'not_found') return NOBODY;
    throw err;
  }
}

export function useRoomFacts(room: string): RoomFacts & { error: string | null; showMore: () => void } {
  const [facts, setFacts] = useState<RoomFacts>(NOBODY);
  const [error, setError] = useState<string | null>(null);
  const [pages, setPages] = useState(1);
  useEffect(() => setPages(1), [room]);
  useEffect(() => {
    let live = true;
    const load = (): void => {
      fetchRoom(room, pages).then(
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
  }, [room, pages]);
  return { ...facts, error, showMore: () => setPages((p) => p + 1) };
}

/** One person in a room: every tab (connection) of one `sub`, and what any of them is doing. */
export interface RoomPerson {
  sub: string;
  name: string;
  tabs: number;
  /** Distinct activities of their tabs, e.g. ['editing revenue', 'viewing']. */
  activities: string[];
}

export function peopleOf(
  members: readonly RoomMember[],
  describe: (state: RoomMember['state']) => string,
): RoomPerson[] {
  const bySub = new Map<string, RoomPerson>();
  for (const m of members) {
    let person = bySub.get(m.sub);
    if (!person) {
      person = { sub: m.sub, name: m.name || m.sub, tabs: 0, activities: [] };
      bySub.set(m.sub, person);
    }
    person.tabs++;
    const activity = describe(m.state);
    if (!person.activities.includes(activity)) person.activities.push(activity);
  }
  // A busy tab says more than an idle one: "viewing" only when no tab does anything else.
  for (const p of bySub.values())
    if (p.activities.length > 1) p.activities = p.activities.filter((a) => a !== 'viewing' && a !== 'connected');
  return [...bySub.values()].sort((a, b) => a.name.localeCompare(b.name) || a.sub.localeCompare(b.sub));
}
