/** The admin console: status bar, navigation, and one page at a time, all fed by the `$admin` feed. */
import { useEffect } from 'react';
import { useConnection } from '../connection/connection-store.js';
import { ConnectionBanner } from '../app/ConnectionBanner.js';
import { formatCount } from '../shared/format.js';
import { onFeedEvent, startAdminFeed, stopAdminFeed } from './admin-session.js';
import { applyHubs, resetHubs } from './hub-list.js';
import { applyInspecting, stopOwnInspection } from './inspection.js';
import { resetAdmin, useAdmin } from './admin-store.js';
import { AuditPage } from './AuditPage.js';
import { ClientsPage } from './ClientsPage.js';
import { clientList, roomList } from './listings.js';
import { followHistory, navigate, useRoute, type Page } from './console-route.js';
import { ConsoleDashboard } from './ConsoleDashboard.js';
import { InvitePage } from './InvitePage.js';
import { OverviewPage } from './OverviewPage.js';
import { RoomDetail } from './RoomDetail.js';
import { RoomsPage } from './RoomsPage.js';
import { StatusBar } from './StatusBar.js';
import { TrafficInspector } from './TrafficInspector.js';

const NAV: Array<{ page: Page; label: string }> = [
  { page: 'overview', label: 'Overview' },
  { page: 'rooms', label: 'Rooms' },
  { page: 'clients', label: 'Clients' },
  { page: 'invite', label: 'Invite' },
  { page: 'audit', label: 'Audit log' },
  { page: 'traffic', label: 'Traffic' },
  { page: 'dashboard', label: 'Open a dashboard' },
];

export function ConsoleApp({ onSignOut }: { onSignOut(): void }) {
  const route = useRoute();
  const hasClient = useConnection((s) => s.client !== null);
  const clientCount = useAdmin((s) => s.clientCount);
  const roomCount = useAdmin((s) => s.roomCount);

  useEffect(() => {
    if (!hasClient) return;
    resetAdmin();
    clientList.reset();
    roomList.reset();
    resetHubs();
    const offFeed = onFeedEvent((e) => {
      if (e.event === 'snapshot') applyInspecting(e.data.inspect);
      else if (e.event === 'stats') applyHubs(e.data);
    });
    startAdminFeed();
    const unfollow = followHistory();
    // Inspection outlives the pages, not the console: closing the tab switches it off too.
    const onPageHide = (): void => stopOwnInspection();
    window.addEventListener('pagehide', onPageHide);
    return () => {
      window.removeEventListener('pagehide', onPageHide);
      unfollow();
      offFeed();
      stopOwnInspection();
      stopAdminFeed();
    };
  }, [hasClient]);

  return (
    <div className="console" data-testid="console">
      <StatusBar onSignOut={onSignOut} />
      <ConnectionBanner />
      <div className="console-body">
        <nav className="sidenav" aria-label="Console">
          {NAV.map((n) => (
            <a
              key={n.page}
              href={`#/${n.page}`}
              className={route.page === n.page ? 'active' : undefined}
              aria-current={route.page === n.page ? 'page' : undefined}
              onClick={(e) => {
                e.preventDefault();
                navigate({ page: n.page });
              }}
            >
              {n.label}
              {n.page === 'clients' && clientCount !== null ? (
                <span className="count">{formatCount(clientCount)}</span>
              ) : null}
              {n.page === 'rooms' && roomCount !== null ? (
                <span className="count">{formatCount(roomCount)}</span>
              ) : null}
            </a>
          ))}
        </nav>
        <main className="console-main">
          {route.page === 'overview' ? <OverviewPage /> : null}
          {route.page === 'rooms' ? route.room ? <RoomDetail room={route.room} /> : <RoomsPage /> : null}
          {route.page === 'clients' ? <ClientsPage /> : null}
          {route.page === 'invite' ? <InvitePage /> : null}
          {route.page === 'audit' ? <AuditPage /> : null}
          {route.page === 'dashboard' ? <ConsoleDashboard /> : null}
          {route.page === 'traffic' ? (
            <div className="page">
              <TrafficInspector />
            </div>
          ) : null}
        </main>
      </div>
    </div>
  );
}
