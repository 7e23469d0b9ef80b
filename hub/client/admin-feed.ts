/**
 * The `$admin` feed for an admin's app: join `$admin` and listen to its events by name, each
 * payload typed by AdminEventMap. Events are read by the protocol's `readAdminEvent`, the same
 * reader the console uses: a name the hub never sends, or a payload not of its shape, is dropped.
 */
import {
  ADMIN_ROOM,
  readAdminEvent,
  type AdminEvent,
  type AdminEventMap,
  type AdminFeedEvent,
  type AdminFeedEventOf,
} from '../protocol/index.js';
import type { InsightClient, RoomHandle, Unsubscribe } from './types.js';

export interface AdminFeed {
  /** The `$admin` room: its state, `joined`, `onReset` (a reconnect brings a fresh `snapshot`). */
  readonly room: RoomHandle;
  /** Every event `event`, its payload typed: `on('client.connected', (client) => …)`. */
  on<E extends AdminEvent>(event: E, fn: (data: AdminEventMap[E], e: AdminFeedEventOf<E>) => void): Unsubscribe;
  /** Every event, narrowed by its `event` to its payload. */
  onEvent(fn: (e: AdminFeedEvent) => void): Unsubscribe;
  /** Leave `$admin` (the hub stops sending its events). */
  leave(): Promise<void>;
}

function isEventOf<E extends AdminEvent>(
  e: { event: AdminEvent; data: unknown; time: number },
  event: E,
): e is AdminFeedEventOf<E> {
  return e.event === event;
}

/** Joins `$admin` on `client` (role `admin` only; otherwise the room fails with `forbidden`). */
export function adminFeed(client: Pick<InsightClient, 'room'>): AdminFeed {
  const room = client.room(ADMIN_ROOM);
  return {
    room,
    on(event, fn) {
      return room.on(event, (data, msg) => {
        const e = readAdminEvent(msg.event, data, msg.time);
        if (e && isEventOf(e, event)) fn(e.data, e);
      });
    },
    onEvent(fn) {
      return room.on('*', (data, msg) => {
        const e = readAdminEvent(msg.event, data, msg.time);
        if (e) fn(e);
      });
    },
    leave: () => room.leave(),
  };
}
