/** The dashboard client every user gets: one dashboard room, who is here, alerts, refreshes, live queries, notes. */
import { useEffect, useMemo, useRef } from 'react';
import { useConnection } from '../connection/connection-store.js';
import { ConnectionBanner } from '../app/ConnectionBanner.js';
import { AlertToasts } from './AlertToasts.js';
import { AnnotationsPanel } from './AnnotationsPanel.js';
import { DashboardPicker } from './DashboardPicker.js';
import { useFragmentAddress, type RoomAddress } from './dashboard-address.js';
import { dashboardChoices, firstDashboard, type DashboardChoices } from './dashboard-rooms.js';
import {
  joinDashboard,
  leaveDashboard,
  listenForPersonalAlerts,
  publishAnnotation,
  updatePresence,
} from './dashboard-session.js';
import { dismissResync, useDashboard } from './dashboard-store.js';
import { PresenceBar } from './PresenceBar.js';
import { QueryPanel } from './QueryPanel.js';
import { RoomAlerts } from './RoomAlerts.js';
import { WidgetGrid } from './WidgetGrid.js';

/** The dashboard client on a page of its own, the open room in the address's fragment. */
export function DashboardPage() {
  return <DashboardApp address={useFragmentAddress()} />;
}

/**
 * `embedded`: inside the console, which has its own header and connection line. `address`: where
 * the open room is kept, so a reload reopens it and back and forward move between rooms.
 */
export function DashboardApp({ embedded = false, address }: { embedded?: boolean; address: RoomAddress }) {
  const session = useConnection((s) => s.session);
  const claims = useConnection((s) => s.claims);
  const linkRoom = useConnection((s) => s.credentials?.room);
  const dash = useDashboard();
  const choices = useMemo(() => dashboardChoices(claims?.rooms ?? []), [claims]);
  const sub = session?.user.sub;
  const wanted = address.room;
  const show = useRef(address.show);
  show.current = address.show;

  useEffect(() => {
    if (sub) listenForPersonalAlerts(sub);
  }, [sub]);

  // The room the address names is the one open: after a reload, and after back or forward. A name
  // the hub refuses, or no hub takes, is tried all the same, and the page says why it did not open.
  useEffect(() => {
    if (!sub) return;
    const open = useDashboard.getState().room;
    if (wanted !== undefined) {
      if (wanted !== open) joinDashboard(wanted);
      return;
    }
    // None named: the link's room, else the token's first, written into the address in place.
    const first = firstDashboard(choices, linkRoom);
    if (first) {
      if (first !== open) joinDashboard(first);
      show.current(first, 'replace');
    } else if (open) leaveDashboard();
  }, [sub, wanted, choices, linkRoom]);

  /** Chosen by the user: a new history entry, so back returns to the room before. */
  const openRoom = (room: string): void => {
    joinDashboard(room);
    address.show(room, 'push');
  };

  const role = session?.user.role;
  const canEdit = role === 'editor' || role === 'admin';
  const widgets = useMemo(() => Object.values(dash.model.widgets), [dash.model.widgets]);
  const streams = useMemo(
    () => Object.values(dash.model.queries).sort((a, b) => b.updatedAt - a.updatedAt),
    [dash.model.queries],
  );

  return (
    <div
      className="dashboard"
      data-testid="dashboard"
      data-room={dash.room ?? ''}
      data-seq={dash.model.lastSeq}
      data-status={dash.status}
    >
      {!embedded ? (
        <header className="topbar">
          <span className="brand">Insight Hub</span>
          <span className="topbar-room" data-testid="dashboard-room">
            {dash.room ?? 'No dashboard open'}
          </span>
          <span className="spacer" />
          {session ? (
            <span className="whoami">
              {session.user.name || session.user.sub} · {session.user.role}
            </span>
          ) : null}
        </header>
      ) : null}
      <ConnectionBanner resync={dash.resync} onDismissResync={dismissResync} showConnection={!embedded} />
      <DashboardPicker choices={choices} current={dash.room} onOpen={openRoom} />
      {dash.status === 'failed' ? (
        <div className="banner error" role="alert" data-testid="room-failed">
          Could not open {dash.room}: {dash.error}
        </div>
      ) : null}
      {dash.status === 'retrying' ? (
        <div className="banner warning" role="status" data-testid="room-retrying">
          The hub did not let {dash.room} open yet ({dash.error}); trying again in{' '}
          {Math.max(1, Math.round((dash.retryInMs ?? 0) / 1000))} s.
        </div>
      ) : null}
      {/* A room that could not be opened has nothing to show or post into: only the banner above. */}
      {!dash.room || dash.status === 'failed' ? (
        <main className="dashboard-body">
          <p className="muted">{noRoomText(choices)}</p>
        </main>
      ) : (
        <main className="dashboard-body">
          <div className="dashboard-main">
            <WidgetGrid
              widgets={widgets}
              members={dash.members}
              selfId={session?.clientId}
              editing={dash.own.editing}
              canEdit={canEdit}
              annotations={dash.model.annotations}
              onEdit={(w) => updatePresence({ editing: w })}
            />
            <QueryPanel streams={streams} />
          </div>
          <aside className="dashboard-side">
            <PresenceBar members={dash.members} count={dash.memberCount} selfId={session?.clientId} />
            <RoomAlerts alerts={dash.model.alerts} />
            <AnnotationsPanel
              annotations={dash.model.annotations}
              canPublish={canEdit}
              editing={dash.own.editing}
              onTyping={(typing) => updatePresence({ typing })}
              onPublish={publishAnnotation}
            />
          </aside>
        </main>
      )}
      <AlertToasts />
    </div>
  );
}

/** Said only when there is nothing to click: a tab above is the way in otherwise. */
function noRoomText(choices: DashboardChoices): string {
  if (choices.rooms.length > 0) return 'Choose a dashboard above.';
  if (choices.patterns.length > 0) return 'Name a dashboard room above to open it.';
  return 'This link does not name a dashboard room.';
}
