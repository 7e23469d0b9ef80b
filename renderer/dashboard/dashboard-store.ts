/** The dashboard the user has open: its room model, who is here, and this user's own presence. */
import { create } from 'zustand';
import type { PresenceMember, ResumeFailure, RoomMessage } from '../../hub/protocol/index.js';
import { applyMessage, emptyRoom, knownWidget, type RoomModel } from './room-model.js';
import { pushAlert, type Toast } from './alerts-store.js';

export type JoinStatus = 'idle' | 'joining' | 'live' | 'failed';

/** What this user tells the others through presence (protocol.md presence `state` keys). */
export interface OwnPresence {
  editing: string | null;
  typing: boolean;
}

export interface DashboardView {
  room: string | null;
  status: JoinStatus;
  error: string | null;
  model: RoomModel;
  members: PresenceMember[];
  /** Members in the room (exact; `members` may be only the first page and who the diffs named). */
  memberCount: number;
  own: OwnPresence;
  /** Set when the hub could not replay what we missed and the state was rebuilt. */
  resync: { reason: ResumeFailure | 'history'; at: number } | null;
}

const initial: DashboardView = {
  room: null,
  status: 'idle',
  error: null,
  model: emptyRoom(),
  members: [],
  memberCount: 0,
  own: { editing: null, typing: false },
  resync: null,
};

export const useDashboard = create<DashboardView>(() => ({ ...initial, model: emptyRoom() }));

export function resetDashboard(room: string | null = null): void {
  useDashboard.setState({ ...initial, model: emptyRoom(), room, status: room ? 'joining' : 'idle' }, true);
}

export function receiveMessage(msg: RoomMessage, live: boolean): void {
  const state = useDashboard.getState();
  if (msg.room !== state.room) return;
  const { model, alert } = applyMessage(state.model, msg, live);
  if (model !== state.model) useDashboard.setState({ model });
  if (alert) pushAlert({ ...alert, room: msg.room, from: msg.from.name || msg.from.sub, time: msg.time });
}

export function receiveMembers(room: string, members: PresenceMember[], memberCount = members.length): void {
  const state = useDashboard.getState();
  if (room !== state.room) return;
  // Widgets someone is editing exist even before the engine has said anything about them.
  let model = state.model;
  for (const m of members) {
    const editing = m.state.editing;
    if (typeof editing === 'string' && editing.length > 0 && editing.length <= 128) model = knownWidget(model, editing);
  }
  useDashboard.setState({ members, memberCount, model });
}

export function markJoined(room: string): void {
  if (useDashboard.getState().room === room) useDashboard.setState({ status: 'live', error: null });
}

export function markFailed(room: string, error: string): void {
  if (useDashboard.getState().room === room) useDashboard.setState({ status: 'failed', error });
}

/** After `recovered: false`: start over from the room's history (on top of the old epoch's state after a restart). */
export function rebuildFrom(room: string, epoch: string, messages: RoomMessage[], reason: ResumeFailure | null): void {
  const state = useDashboard.getState();
  if (room !== state.room) return;
  let model: RoomModel;
  if (reason === 'epoch_changed') {
    // The hub restarted: the old epoch is gone from it, so what was built from it is still the
    // best account of it; the new epoch's messages (all the hub holds) are folded on top.
    model = state.model;
  } else {
    model = { ...emptyRoom(), epoch };
    // Widgets seen before the reset stay on the page; they just wait for their next refresh.
    for (const id of Object.keys(state.model.widgets)) model = knownWidget(model, id);
  }
  // After a restart every message of the new epoch came while this tab was away: its alerts are
  // news, as they are after a resume that recovered. Other rebuilds may repeat what was seen.
  const news = reason === 'epoch_changed';
  const alerts: Toast[] = [];
  for (const m of messages) {
    const applied = applyMessage(model, m, news);
    model = applied.model;
    if (applied.alert) alerts.push({ ...applied.alert, room, from: m.from.name || m.from.sub, time: m.time });
  }
  useDashboard.setState({ model, resync: reason ? { reason, at: Date.now() } : state.resync });
  for (const a of alerts) pushAlert(a);
}

/** History read on joining: folded in without repeating what already arrived live. */
export function seedFrom(room: string, messages: RoomMessage[]): void {
  for (const m of messages) receiveMessage({ ...m, room }, false);
}

export function setOwn(patch: Partial<OwnPresence>): OwnPresence {
  const own = { ...useDashboard.getState().own, ...patch };
  useDashboard.setState({ own });
  return own;
}

export function dismissResync(): void {
  useDashboard.setState({ resync: null });
}
