/**
 * The `$admin` room's events. Each event is a protocol `message` in room `$admin`, serialized once
 * and written to every admin member on this hub. They are not sequenced and have no history:
 * `epoch` is "admin" and `seq` is 0 on every one (see README.md).
 */
import { ADMIN_ROOM, type AdminEvent, type AdminEventMap, type RoomMessage, type Sender } from '../protocol/index.js';
import { encodeMessage } from '../core/frame.js';
import type { ExtensionHost } from '../core/extension-host.js';
import type { Session } from '../core/session.js';

export const ADMIN_EPOCH = 'admin';
export const HUB_SENDER: Sender = { sub: '$hub', name: 'Insight Hub' };

export type { AdminEvent };

export function adminMessage<E extends AdminEvent>(event: E, data: AdminEventMap[E]): RoomMessage {
  return {
    type: 'message',
    room: ADMIN_ROOM,
    epoch: ADMIN_EPOCH,
    seq: 0,
    event,
    data,
    from: HUB_SENDER,
    time: Date.now(),
  };
}

export class AdminFeed {
  constructor(private readonly core: ExtensionHost) {}

  /** Whether any admin on this hub is subscribed (events are not built otherwise). */
  get watched(): boolean {
    return (this.core.registry.membersOf(ADMIN_ROOM)?.size ?? 0) > 0;
  }

  publish<E extends AdminEvent>(event: E, data: AdminEventMap[E] | (() => AdminEventMap[E])): void {
    const members = this.core.registry.membersOf(ADMIN_ROOM);
    if (!members || members.size === 0) return;
    const frame = encodeMessage(adminMessage(event, typeof data === 'function' ? data() : data));
    for (const session of members) session.sendFrame(frame);
  }

  sendTo<E extends AdminEvent>(session: Session, event: E, data: AdminEventMap[E]): void {
    session.sendFrame(encodeMessage(adminMessage(event, data)));
  }
}
