/**
 * Delivery to a room's members on this hub: each frame serialized once and shared by every
 * recipient (queued per session, written once per turn by the outbox).
 */
import type { PresenceMessage, RoomMessage } from '../protocol/index.js';
import { encodeMessage } from './frame.js';
import { summarize } from './presence.js';
import type { RoomRegistry } from './room-registry.js';
import type { Session } from './session.js';

/** A sequenced message to its room's members (not its sender unless `echo`); how many got it, and the frame's size. */
export function fanOut(
  registry: RoomRegistry,
  msg: RoomMessage & { echo?: boolean },
): { delivered: number; bytes: number } | undefined {
  const members = registry.membersOf(msg.room);
  if (!members) return undefined;
  const frame = encodeMessage({
    type: 'message',
    room: msg.room,
    epoch: msg.epoch,
    seq: msg.seq,
    event: msg.event,
    data: msg.data,
    from: msg.from,
    time: msg.time,
  });
  const skip = msg.echo ? undefined : msg.from.clientId;
  let delivered = 0;
  for (const session of members) {
    if (session.id === skip) continue;
    session.deliver(msg.room, frame, msg.seq, msg.epoch);
    delivered++;
  }
  return { delivered, bytes: frame.length };
}

/** Each frame built once: the full diff, and in big rooms the summary for who did not page. */
export function sendPresence(
  registry: RoomRegistry,
  rosterReaders: ReadonlyMap<string, Set<Session>>,
  message: PresenceMessage,
  big: boolean,
): void {
  const members = registry.membersOf(message.room);
  if (!members) return;
  const readers = big ? rosterReaders.get(message.room) : undefined;
  const full = !big || readers ? encodeMessage(message) : undefined;
  const summary = big ? encodeMessage(summarize(message)) : full!;
  for (const session of members) session.deliver(message.room, readers?.has(session) ? full! : summary);
}
