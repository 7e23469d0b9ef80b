/**
 * An admin is a dashboard user too: the dashboard client inside the console. Opening a room here
 * joins it (the admin shows in its presence, as anyone looking at it does); leaving the page
 * leaves the room.
 */
import { useEffect } from 'react';
import { DashboardApp } from '../dashboard/DashboardApp.js';
import type { RoomAddress } from '../dashboard/dashboard-address.js';
import { leaveDashboard, stopPersonalAlerts } from '../dashboard/dashboard-session.js';
import { navigate, useRoute } from './console-route.js';

/** The open room is the console route's: `#/dashboard/<room>`. */
function showRoom(room: string | null, how: 'push' | 'replace'): void {
  navigate(room ? { page: 'dashboard', room } : { page: 'dashboard' }, how === 'replace');
}

export function ConsoleDashboard() {
  const route = useRoute();
  const address: RoomAddress = { room: route.page === 'dashboard' ? route.room : undefined, show: showRoom };
  useEffect(
    () => () => {
      leaveDashboard();
      stopPersonalAlerts();
    },
    [],
  );
  return (
    <div className="page console-dashboard">
      <DashboardApp embedded address={address} />
    </div>
  );
}
