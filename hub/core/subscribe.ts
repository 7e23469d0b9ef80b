/**
 * Subscribe and resume. Live frames for the room are held while history is read and replayed, then
 * released after it, so there is no gap and no duplicate at the seam even while publishes arrive.
 */
import {
  ADMIN_ROOM,
  HubError,
  type AnswerMap,
  type JsonObject,
  type SubscribeAck,
  type SubscribeMessage,
  type UnsubscribeMessage,
} from '../protocol/index.js';
import { encodeMessage } from './frame.js';
import { readHistory } from './history-read.js';
import { ACK_SENT, pageAckFrame, servePage, type AckSent } from './presence-pages.js';
import type { HandlerHost } from './core-types.js';
import type { Session } from './session.js';
import type { HeldFrame } from './session-rooms.js';

/**
/**
 * A member's state until it sets one: one frozen object shared by every such member, rather than
 * an empty object (56 bytes) per member per room kept for the life of the connection.
 */
const NO_STATE: JsonObject = Object.freeze({});

/**
 * The admin room is answered with its ack; any other room writes its own ack frame (a members page
 * spliced in) and replay, so it returns ACK_SENT, as it does when a later subscribe took over.
 */
export async function subscribe(
  core: HandlerHost,
  session: Session,
  msg: SubscribeMessage,
): Promise<SubscribeAck | AckSent> {
  const { room } = msg;
  if (room === ADMIN_ROOM) return subscribeAdmin(core, session, msg);
  if (!session.identity.access.allows(room)) throw new HubError('forbidden', `not allowed to join ${room}`);
  const limit = core.options.limits.maxRoomsPerConnection;
  if (!session.inRoom(room) && session.roomCount >= limit) {
    throw new HubError('conflict', `room limit reached (${limit} rooms per connection)`);
  }
  // Each subscribe holds its own list: a later subscribe to the same room takes over, and this one
  // then answers `conflict` instead of going silent.
  const held: HeldFrame[] = [];
  session.holdFor(room, held);
  const superseded = (): boolean => !session.isOpen || session.heldFor(room) !== held || !session.inRoom(room);
  try {
    await core.joinRoom(session, room);
    if (superseded()) throw cancelled(room);
    if (session.user.role !== 'service' && !session.hasPresence(room)) {
      const { sub, name } = session.user;
      // Marked before the engine call, so a leave meanwhile removes what this sets.
      session.markPresence(room);
      await core.engine.presenceSet(room, { clientId: session.id, sub, name, state: NO_STATE });
      if (superseded()) throw cancelled(room);
    }
    // A malformed `since` arrives as null: recovered:false, and the room's current epoch is replayed.
    // Without `since`, `history.limit` asks for the latest kept messages; so it does when `since`
    // is past what the room keeps (evicted), for the client to rebuild from.
    const history = await readHistory(
      core.engine,
      room,
      msg.since,
      msg.since === undefined ? msg.history?.limit : undefined,
      msg.history?.limit,
    );
    if (superseded()) throw cancelled(room);

    // The page is read now and the ack queued in the same turn: presence frames held so far were
    // flushed before it, so the ack supersedes them (their counts are older than its memberCount).
    const page = servePage(core, session, room);
    session.dropHeldPresence(held);
    const fields = {
      id: msg.id,
      room,
      epoch: history.position.epoch,
      seq: history.position.seq,
      recovered: history.recovered,
      reason: history.reason,
    };
    session.sendParts(pageAckFrame(fields, page, 'ack'));
    let last = history.position.seq;
    // A replay can be larger than the queue cap: it waits for the socket instead of overflowing
    // it (live frames for the room are held meanwhile and count toward the cap).
    const budget = core.options.limits.maxQueuedBytes / 2;
    for (const m of history.messages) {
      const frame = encodeMessage(m);
      if (session.outbox.pendingBytes + frame.length > budget) await session.outbox.drainBelow(budget / 2);
      // Left meanwhile, or a newer subscribe to the room took over the replay (it answers).
      if (superseded()) {
        session.takeHeld(room, held);
        return ACK_SENT;
      }
      session.sendFrame(frame);
      last = m.seq;
    }
    // Send what arrived during the replay: anything newer than what was replayed, in order.
    for (const h of session.takeHeld(room, held)) {
      if (h.seq === undefined || h.epoch !== history.position.epoch || h.seq > last) session.sendFrame(h.frame);
    }
    return ACK_SENT;
  } catch (err) {
    session.takeHeld(room, held);
    // Only the subscribe that still owns the room's join undoes it.
    if (session.heldFor(room) === undefined && !(err instanceof HubError && err.code === 'conflict'))
      core.leaveRoom(session, room);
    throw err;
  }
}

function cancelled(room: string): HubError {
  return new HubError('conflict', `subscribe to ${room} was cancelled by a later unsubscribe or subscribe`);
}

async function subscribeAdmin(core: HandlerHost, session: Session, msg: SubscribeMessage): Promise<SubscribeAck> {
  if (session.user.role !== 'admin') {
    core.admin?.denied?.(session, 'subscribe');
    throw new HubError('forbidden', `not allowed to join ${ADMIN_ROOM}`);
  }
  if (!core.admin) throw new HubError('not_found', 'admin service not available');
  await core.joinRoom(session, ADMIN_ROOM);
  const answer = await core.admin.subscribe(session, msg);
  return { ...answer, room: ADMIN_ROOM };
}

export async function unsubscribe(
  core: HandlerHost,
  session: Session,
  msg: UnsubscribeMessage,
): Promise<AnswerMap['unsubscribe']> {
  if (msg.room === ADMIN_ROOM) core.admin?.unsubscribe(session);
  core.leaveRoom(session, msg.room);
  return { room: msg.room };
}
