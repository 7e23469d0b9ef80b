/** The dashboard the user has open: its room model, who is here, and this user's own presence. */
import { create } from 'zustand';
import type { PresenceMember, ResumeFailure, RoomMessage } from '../../hub/protocol/index.js';
import { applyMessage, emptyRoom, knownWidget, type RoomModel } from './room-model.js';
import { alertSender } from './alert-sender.js';
import { pushAlert, type Toast } from './alerts-store.js';

export type JoinStatus = 'idle' | 'joining' | 'live' | 'retrying' | 'failed';

/** What this user tells the others through presence (protocol.md presence `state` keys). */
export interface OwnPresence {
  editing: string | null;
  typing: boolean;
}

export interface DashboardView {
  room: string | null;
  status: JoinStatus;
  /** Why the join failed, or why it is being tried again. */
  error: string | null;
  /** While `retrying`: the SDK's delay before the next attempt. */
  retryInMs: number | null;
  model: RoomModel;
  members: PresenceMember[];
  /** Members in the room (exact; `members` may be only the first page and who the diffs named). */
  memberCount: number;
  own: OwnPresence;
  /** Set when the hub could not replay what we missed and the state was rebuilt. */
  resync: { reason: ResumeFailure; at: number } | null;
}

const initial: DashboardView = {
  room: null,
  status: 'idle',
  error: null,
  retryInMs: null,
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
  if (alert) pushAlert({ ...alert, room: msg.room, from: alertSender(msg.from), time: msg.time });
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

/**
 * The join's answer: the kept messages up to its position, folded in before anything live. On a
 * first join they are the room's state; after `recovered: false` the state starts over from them
 * (on top of the old epoch's state after a restart); a recovered rejoin brings none.
 */
export function receiveJoin(
  room: string,
  epoch: string,
  history: RoomMessage[],
  reset: ResumeFailure | undefined,
): void {
  const state = useDashboard.getState();
  if (room !== state.room) return;
  let model = state.model;
  if (reset === 'evicted') {
    model = { ...emptyRoom(), epoch };
    // Widgets seen before the reset stay on the page; they just wait for their next refresh.
    for (const id of Object.keys(state.model.widgets)) model = knownWidget(model, id);
  }
  // After `epoch_changed` the hub restarted: the old epoch is gone from it, so what was built from
  // it is still the best account of it; the new epoch's messages (all the hub holds) go on top.
  // Every message of the new epoch came while this tab was away: its alerts are news, as they are
  // after a resume that recovered. Other rebuilds may repeat what was seen.
  const news = reset === 'epoch_changed';
  const alerts: Toast[] = [];
  for (const m of history) {
    const applied = applyMessage(model, { ...m, room }, news);
    model = applied.model;
    if (applied.alert) alerts.push({ ...applied.alert, room, from: alertSender(m.from), time: m.time });
  }
  useDashboard.setState({
    model,
    status: 'live',
    error: null,
    retryInMs: null,
    resync: reset ? { reason: reset, at: Date.now() } : state.resync,
  });
  for (const a of alerts) pushAlert(a);
}

/** The SDK is trying the join again after a refusal that can pass (the page keeps what it shows). */
export function markRetrying(room: string, error: string, inMs: number): void {
  if (useDashboard.getState().room === room) useDashboard.setState({ status: 'retrying', error, retryInMs: inMs });
}

/** The hub refused the room for good (no access, bad name): said, not retried. */
export function markFailed(room: string, error: string): void {
  if (useDashboard.getState().room === room) useDashboard.setState({ status: 'failed', error });
}

export function setOwn(patch: Partial<OwnPresence>): OwnPresence {
  const own = { ...useDashboard.getState().own, ...patch };
  useDashboard.setState({ own });
  return own;
}

export function dismissResync(): void {
  useDashboard.setState({ resync: null });
}
