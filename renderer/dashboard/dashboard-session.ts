/**
 * Binds the open dashboard to the SDK: joins its room, feeds messages and presence into the
 * dashboard store, publishes this user's presence and annotations, and listens to the user's
 * personal room for alerts.
 */
import { personalRoom, type HistoryAck, type Json, type RoomMessage } from '../../hub/protocol/index.js';
import type { InsightClient, RoomHandle, Unsubscribe } from '../../hub/client/index.js';
import { useConnection } from '../connection/connection-store.js';
import { pushAlert } from './alerts-store.js';
import { readAlert, ANNOTATION_EVENT } from './insight-events.js';
import { fetchRoomHistory, HISTORY_LIMIT, type RoomHistory } from './room-history.js';
import {
  markFailed,
  markJoined,
  rebuildFrom,
  receiveMembers,
  receiveMessage,
  resetDashboard,
  seedFrom,
  setOwn,
  useDashboard,
  type OwnPresence,
} from './dashboard-store.js';

interface Joined {
  handle: RoomHandle;
  offs: Unsubscribe[];
}

let current: Joined | null = null;
let personal: Joined | null = null;

function client(): InsightClient {
  const c = useConnection.getState().client;
  if (!c) throw new Error('not connected to a hub');
  return c;
}

/**
 * Everything the hub holds for the room: over REST from the hub that served the page; where that
 * is cross-origin (the desktop window) or fails, with the WebSocket `history` request, whose
 * answer may be cut to the newest messages (`more`) when they are many and large.
 */
async function history(room: string): Promise<RoomHistory> {
  const { credentials } = useConnection.getState();
  if (!credentials) throw new Error('no credentials');
  try {
    return await fetchRoomHistory(credentials.address.httpUrl, room, await credentials.getToken());
  } catch {
    const ack = (await client().request({ type: 'history', room, limit: HISTORY_LIMIT })) as unknown as Partial<HistoryAck>;
    return { epoch: String(ack.epoch ?? ''), seq: Number(ack.seq ?? 0), messages: Array.isArray(ack.messages) ? ack.messages : [] };
  }
}

export function joinDashboard(room: string): void {
  if (useDashboard.getState().room === room && current) return;
  leaveDashboard();
  resetDashboard(room);
  const handle = client().room(room);
  // History is read once the subscribe is acknowledged: everything up to the ack's position is
  // in it, and everything after arrives live. Live messages wait until the history is folded in,
  // so the room is built in the order the hub numbered it (a query's first chunk, with its
  // columns, before the rest), exactly as a tab that was there from the start built it.
  let held: RoomMessage[] | null = null;
  const load = (apply: (h: RoomHistory | null) => void): void => {
    if (held) return;
    held = [];
    history(room).then(
      (h) => release(() => apply(h)),
      // Not fatal: live messages still arrive.
      () => release(() => apply(null)),
    );
  };
  const release = (apply: () => void): void => {
    if (current?.handle !== handle) return;
    apply();
    const waiting = held ?? [];
    held = null;
    for (const m of waiting) receiveMessage(m, true);
  };
  let seeded = false;
  const seed = (): void => {
    if (seeded) return;
    seeded = true;
    load((h) => {
      if (h) seedFrom(room, h.messages);
      markJoined(room);
    });
  };
  const offs = [
    // A refused subscribe (no access to the room) is reported on the client, naming the room.
    client().onError((err) => {
      if (err.room === room) markFailed(room, err.message);
    }),
    handle.on('*', (_data, msg) => (held ? held.push(msg) : receiveMessage(msg, true))),
    handle.onPresence((members) => {
      receiveMembers(room, members, handle.memberCount);
      seed();
    }),
    handle.onReset((reason) => {
      load((h) => rebuildFrom(room, h?.epoch ?? handle.position?.epoch ?? '', (h?.messages ?? []).map((m) => ({ ...m, room })), reason));
    }),
  ];
  current = { handle, offs };
  handle.setState(presenceState(room, useDashboard.getState().own));
  if (handle.position) seed();
}

export function leaveDashboard(): void {
  if (!current) return;
  for (const off of current.offs) off();
  void current.handle.leave().catch(() => undefined);
  current = null;
  resetDashboard(null);
}

/** Alerts addressed to this user, whichever dashboard is open. */
export function listenForPersonalAlerts(sub: string): void {
  const room = personalRoom(sub);
  if (personal?.handle.name === room) return;
  stopPersonalAlerts();
  const handle = client().room(room);
  const onAlert = (data: Json, msg: RoomMessage): void => {
    const alert = readAlert(data, `${msg.epoch}:${msg.seq}`);
    if (alert) pushAlert({ ...alert, room, from: msg.from.name || msg.from.sub, time: msg.time });
  };
  personal = { handle, offs: [handle.on('alert', onAlert)] };
}

export function stopPersonalAlerts(): void {
  if (!personal) return;
  for (const off of personal.offs) off();
  void personal.handle.leave().catch(() => undefined);
  personal = null;
}

export function updatePresence(patch: Partial<OwnPresence>): void {
  const before = useDashboard.getState().own;
  const own = setOwn(patch);
  if (!current || (before.editing === own.editing && before.typing === own.typing)) return;
  current.handle.setState(presenceState(current.handle.name, own));
}

export async function publishAnnotation(text: string, widget?: string): Promise<void> {
  if (!current) throw new Error('no dashboard open');
  const id = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const data: Record<string, Json> = { id, text };
  if (widget) data.widget = widget;
  // Echoed back so the author's own note arrives through the same ordered stream as everyone's.
  await current.handle.publish(ANNOTATION_EVENT, data, { echo: true });
}

function presenceState(room: string, own: OwnPresence): Record<string, Json> {
  const state: Record<string, Json> = { view: room, typing: own.typing };
  if (own.editing) state.editing = own.editing;
  return state;
}
