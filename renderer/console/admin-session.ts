/**
 * The console's side of the admin protocol: the `$admin` feed into the admin store (batched per
 * quarter second), and the admin actions, each one request over the console's own connection.
 */
import { type AdminAck, type AdminAction, type AdminFields, type AdminListing } from '../../hub/protocol/index.js';
import { adminFeed, type AdminFeed, type InsightClient, type Unsubscribe } from '../../hub/client/index.js';
import { useConnection } from '../connection/connection-store.js';
import { applyFeed, setFeed } from './admin-store.js';
import type { FeedEvent } from './feed-event.js';

export const FEED_BATCH_MS = 250;

let feed: { handle: AdminFeed; offs: Unsubscribe[]; timer: ReturnType<typeof setTimeout> | undefined } | null = null;
let pending: FeedEvent[] = [];
/** Others who read a feed event as it arrives (hubs, inspection), beside the batched store. */
const feedReaders = new Set<(e: FeedEvent) => void>();

export function onFeedEvent(fn: (e: FeedEvent) => void): Unsubscribe {
  feedReaders.add(fn);
  return () => feedReaders.delete(fn);
}

function client(): InsightClient {
  const c = useConnection.getState().client;
  if (!c) throw new Error('not connected to a hub');
  return c;
}

function flush(): void {
  if (feed) feed.timer = undefined;
  const batch = pending;
  pending = [];
  applyFeed(batch);
}

export function startAdminFeed(): void {
  if (feed) return;
  const handle = adminFeed(client());
  setFeed('subscribing');
  const state = { handle, offs: [] as Unsubscribe[], timer: undefined as ReturnType<typeof setTimeout> | undefined };
  state.offs.push(
    handle.onEvent((e) => {
      pending.push(e);
      for (const read of feedReaders) read(e);
      if (e.event === 'snapshot') setFeed('live');
      if (state.timer === undefined) state.timer = setTimeout(flush, FEED_BATCH_MS);
    }),
  );
  feed = state;
}

export function stopAdminFeed(): void {
  if (!feed) return;
  clearTimeout(feed.timer);
  for (const off of feed.offs) off();
  void feed.handle.leave().catch(() => undefined);
  feed = null;
  pending = [];
}

/** One admin action; resolves with its answer (AdminAnswerMap), rejects with the hub's error message. */
export function adminAction<A extends AdminAction, W extends AdminListing = AdminListing>(
  action: A,
  fields: AdminFields<A, W>,
): Promise<AdminAck<A, W>> {
  return client().admin(action, fields);
}

export function kickClient(target: { clientId: string } | { sub: string }, reason: string): Promise<AdminAck<'kick'>> {
  return adminAction('kick', { ...target, reason });
}

export function banUser(sub: string, minutes: number, reason: string): Promise<AdminAck<'ban'>> {
  return adminAction('ban', { sub, minutes, reason });
}

export function unbanUser(sub: string): Promise<AdminAck<'unban'>> {
  return adminAction('unban', { sub });
}

export function setInspect(room: string | null, on: boolean): Promise<AdminAck<'inspect'>> {
  return adminAction('inspect', room ? { room, on } : { on });
}
