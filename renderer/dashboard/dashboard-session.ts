/**
 * Binds the open dashboard to the SDK: joins its room, feeds messages and presence into the
 * dashboard store, publishes this user's presence and annotations, and listens to the user's
 * personal room for alerts.
 */
import { MAX_HISTORY_LIMIT, personalRoom, type Json, type RoomMessage } from '../../hub/protocol/index.js';
import type { InsightClient, JoinAnswer, RoomHandle, Unsubscribe } from '../../hub/client/index.js';
import { useConnection } from '../connection/connection-store.js';
import { alertSender } from './alert-sender.js';
import { pushAlert } from './alerts-store.js';
import { readAlert, ANNOTATION_EVENT } from './insight-events.js';
import {
  markFailed,
  markRetrying,
  receiveJoin,
  receiveMembers,
  receiveMessage,
  resetDashboard,
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

export function joinDashboard(room: string): void {
  // A failed room is forgotten by the SDK: choosing it again is a new attempt.
  if (useDashboard.getState().room === room && current && current.handle.state.status !== 'failed') return;
  leaveDashboard();
  resetDashboard(room);
  // `$` rooms are the hub's own ($admin is the console's feed), never a dashboard.
  if (room.startsWith('$')) {
    markFailed(room, 'rooms starting with $ belong to the hub and are not dashboards');
    return;
  }
  // Everything the hub holds for the room (up to its cap) comes with the subscribe itself, over the
  // socket, so a page whose REST is cross-origin (the desktop window) builds the same state.
  let handle: RoomHandle;
  try {
    handle = client().room(room, { history: { limit: MAX_HISTORY_LIMIT } });
  } catch (err) {
    // A room name no hub takes (from a link, say): said on the page, like the hub's refusals.
    markFailed(room, (err as Error).message);
    return;
  }
  // The SDK hands the messages up to the join's position to the answer, the rest to `on`. Whatever
  // `on` brings before the answer (or between a reset and its answer) waits for it, so the room is
  // built in the hub's order (a query's first chunk, with its columns, before the rest).
  let held: RoomMessage[] | null = [];
  const answered = (answer: JoinAnswer): void => {
    receiveJoin(room, answer.epoch, answer.history, answer.reason);
    const waiting = held ?? [];
    held = null;
    for (const m of waiting) receiveMessage(m, true);
  };
  const offs = [
    handle.on('*', (_data, msg) => (held ? held.push(msg) : receiveMessage(msg, true))),
    handle.onReset(() => {
      held ??= [];
    }),
    handle.onJoin(answered),
    handle.onPresence((members) => receiveMembers(room, members, handle.memberCount)),
    handle.onStateChange((state) => {
      if (state.status === 'retrying') markRetrying(room, state.error.message, state.inMs);
      if (state.status === 'failed') markFailed(room, state.error.message);
    }),
  ];
  current = { handle, offs };
  handle.setState(presenceState(room, useDashboard.getState().own));
  // This client was in the room already (a room also open elsewhere in the app): its answer stands.
  if (handle.state.status === 'joined') {
    receiveMembers(room, handle.members, handle.memberCount);
    answered(handle.state.answer);
  }
}

export function leaveDashboard(): void {
  if (!current) return;
  for (const off of current.offs) off();
  // The SDK has one handle per room: leaving the personal room opened as a dashboard would stop its alerts.
  if (current.handle !== personal?.handle) void current.handle.leave().catch(() => undefined);
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
    if (alert) pushAlert({ ...alert, room, from: alertSender(msg.from), time: msg.time });
  };
  personal = { handle, offs: [handle.on('alert', onAlert)] };
}

export function stopPersonalAlerts(): void {
  if (!personal) return;
  for (const off of personal.offs) off();
  if (personal.handle !== current?.handle) void personal.handle.leave().catch(() => undefined);
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
