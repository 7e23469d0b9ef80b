/**
 * A `$admin` event narrowed by its name to its payload (AdminEventMap): the one place the feed's
 * loose `data` becomes the contract's type, so every reader after it is checked by the compiler.
 */
import type { AdminEvent, AdminEventMap, Json } from '../../hub/protocol/index.js';

export type FeedEvent = { [E in AdminEvent]: { event: E; data: AdminEventMap[E]; time: number } }[AdminEvent];

const ADMIN_EVENTS: { [E in AdminEvent]: true } = {
  snapshot: true,
  stats: true,
  'client.connected': true,
  'client.disconnected': true,
  'room.created': true,
  'room.emptied': true,
  'invite.redeemed': true,
  audit: true,
  traffic: true,
};

function isAdminEvent(event: string): event is AdminEvent {
  return Object.hasOwn(ADMIN_EVENTS, event);
}

/** The event as the hub's admin feed publishes it (hub/admin/admin-feed.ts), or null for a name it never sends. */
export function feedEvent(event: string, data: Json, time: number): FeedEvent | null {
  if (!isAdminEvent(event) || typeof data !== 'object' || data === null) return null;
  // The hub builds each payload as AdminEventMap[event]; the name is checked above.
  return { event, data, time } as unknown as FeedEvent;
}
