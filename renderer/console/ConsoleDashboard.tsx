/**
 * An admin is a dashboard user too: the dashboard client inside the console. Opening a room here
 * joins it (the admin shows in its presence, as anyone looking at it does); leaving the page
 * leaves the room.
 */
import { useEffect } from 'react';
import { DashboardApp } from '../dashboard/DashboardApp.js';
import { leaveDashboard, stopPersonalAlerts } from '../dashboard/dashboard-session.js';

export function ConsoleDashboard() {
  useEffect(
    () => () => {
      leaveDashboard();
      stopPersonalAlerts();
    },
    [],
  );
  return (
    <div className="page console-dashboard">
      <DashboardApp embedded />
    </div>
  );
}
