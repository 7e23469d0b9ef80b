/**
 * Members in pages: the subscribe ack carries the first page and the count, `members` serves the
 * rest. Pages come from the engine's roster (what this node has reported in its diffs), and their
 * JSON is spliced in already serialized: in a join storm every ack shares the first page's JSON.
 */
import { ADMIN_ROOM, HubError, type Json, type MembersMessage } from '../protocol/index.js';
import { encodeFrameStart } from './frame.js';
import type { HandlerHost } from './core-types.js';
import type { PresencePage } from './presence-roster.js';
import type { Session } from './session.js';

const PAGE_END = Buffer.from(']}');

/**
 * An ack frame: `fields` plus `members` (the page), with `memberCount`/`membersNext` (subscribe)
 * or `next` (members). Written as three buffers: its own head, the page's shared bytes, the end;
 * so an ack in a storm copies and allocates nothing the size of the page.
 */
export function pageAckFrame(
  fields: Record<string, Json | undefined>,
  page: PresencePage,
  names: 'ack' | 'members',
): Buffer[] {
  const extra = names === 'ack' ? { memberCount: page.count, membersNext: page.next } : { next: page.next };
  const head = JSON.stringify({ type: 'ack', ...fields, ...extra });
  const start = encodeFrameStart(`${head.slice(0, -1)},"members":[`, page.inner.length + PAGE_END.length);
  return page.inner.length > 0 ? [start, page.inner, PAGE_END] : [start, PAGE_END];
}

/** What a handler returns when it wrote its ack frame itself (a page spliced in by pageAckFrame). */
export const ACK_SENT: unique symbol = Symbol('ack sent');
export type AckSent = typeof ACK_SENT;

/** Read the room's page now and tell the coalescer a page was shown (a join then leave must not cancel). */
export function servePage(core: HandlerHost, session: Session, room: string, cursor?: string): PresencePage {
  const page = core.engine.presencePage(room, cursor);
  core.presence.observed(room, session.id);
  return page;
}

export async function members(core: HandlerHost, session: Session, msg: MembersMessage): Promise<AckSent> {
  const { room } = msg;
  if (room === ADMIN_ROOM || !session.identity.access.allows(room))
    throw new HubError('forbidden', `not allowed to list members of ${room}`);
  if (!session.inRoom(room)) throw new HubError('bad_request', `subscribe to ${room} before listing its members`);
  const page = servePage(core, session, room, msg.cursor);
  // From now on every change reaches this session, so the roster it pages through stays exact.
  let readers = core.rosterReaders.get(room);
  if (!readers) core.rosterReaders.set(room, (readers = new Set()));
  readers.add(session);
  session.sendParts(pageAckFrame({ id: msg.id, room }, page, 'members'));
  return ACK_SENT;
}
