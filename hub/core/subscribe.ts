/**
 * Subscribe and resume. Live frames for the room are held while history is read and replayed, then
 * released after it, so there is no gap and no duplicate at the seam even while publishes arrive.
 */
import { ADMIN_ROOM, HubError, type SubscribeMessage, type UnsubscribeMessage, type Json } from '../protocol/index.js';
import { encodeMessage } from './frame.js';
import type { HubCore } from './hub-core.js';
import type { Session } from './session.js';

export async function subscribe(core: HubCore, session: Session, msg: SubscribeMessage): Promise<Record<string, Json | undefined> | void> {
  const { room } = msg;
  if (room === ADMIN_ROOM) return subscribeAdmin(core, session, msg);
  if (!session.identity.access.allows(room)) throw new HubError('forbidden', `not allowed to join ${room}`);
  const limit = core.options.limits.maxRoomsPerConnection;
  if (!session.rooms.has(room) && session.rooms.size >= limit) {
    throw new HubError('conflict', `room limit reached (${limit} rooms per connection)`);
  }
  session.joining.set(room, []);
  const held = session.joining.get(room);
  try {
    await core.joinRoom(session, room);
    if (session.user.role !== 'service' && !core.presenceMembers(room).some((m) => m.clientId === session.id)) {
      const { sub, name } = session.user;
      await core.engine.presenceSet(room, { clientId: session.id, sub, name, state: {} });
    }
    // A malformed `since` arrives as null: no replay, recovered:false.
    const history = await core.engine.history(room, msg.since);
    const members = await core.engine.presenceList(room);
    core.setRoster(room, members);
    if (!session.isOpen || !session.joining.has(room)) return;

    session.send({
      type: 'ack',
      id: msg.id,
      room,
      epoch: history.position.epoch,
      seq: history.position.seq,
      members: members as unknown as Json,
      recovered: history.recovered,
      reason: history.reason,
    });
    let last = history.position.seq;
    // A replay can be larger than the queue cap: it waits for the socket instead of overflowing
    // it (live frames for the room are held meanwhile), so a resume never ends in 4008.
    const budget = core.options.limits.maxQueuedBytes / 2;
    for (const m of history.messages) {
      const frame = encodeMessage(m);
      if (session.outbox.pendingBytes + frame.length > budget) await session.outbox.drainBelow(budget / 2);
      // Left meanwhile, or a newer subscribe to the room took over the replay.
      if (!session.isOpen || session.joining.get(room) !== held) return;
      session.sendFrame(frame);
      last = m.seq;
    }
    releaseHeld(session, room, history.position.epoch, last);
  } catch (err) {
    if (session.joining.has(room)) core.leaveRoom(session, room);
    throw err;
  }
}

/** Send what arrived during the replay: anything newer than what was replayed, in order. */
function releaseHeld(session: Session, room: string, epoch: string, lastSeq: number): void {
  const held = session.joining.get(room) ?? [];
  session.joining.delete(room);
  for (const h of held) {
    if (h.seq === undefined || h.epoch !== epoch || h.seq > lastSeq) session.sendFrame(h.frame);
  }
}

async function subscribeAdmin(core: HubCore, session: Session, msg: SubscribeMessage): Promise<Record<string, Json | undefined>> {
  if (session.user.role !== 'admin') {
    core.admin?.denied?.(session, 'subscribe');
    throw new HubError('forbidden', `not allowed to join ${ADMIN_ROOM}`);
  }
  if (!core.admin) throw new HubError('not_found', 'admin service not available');
  await core.joinRoom(session, ADMIN_ROOM);
  const answer = await core.admin.subscribe(session, msg as unknown as Record<string, Json>);
  return { room: ADMIN_ROOM, ...answer };
}

export async function unsubscribe(core: HubCore, session: Session, msg: UnsubscribeMessage): Promise<Record<string, Json>> {
  if (msg.room === ADMIN_ROOM) core.admin?.unsubscribe(session);
  core.leaveRoom(session, msg.room);
  return { room: msg.room };
}
