/** Alerts shown as toasts: newest first, each alert once even when it reaches two rooms. */
import { create } from 'zustand';
import type { AlertSender } from './alert-sender.js';
import type { AlertEvent, Severity } from './insight-events.js';

export interface Toast extends AlertEvent {
  room: string;
  from: AlertSender;
  time: number;
}

export interface AlertsView {
  toasts: Toast[];
  /** Alert ids already shown, so a repeat over another room is not a second toast. */
  seen: ReadonlySet<string>;
}

export const MAX_TOASTS = 6;

export const useAlerts = create<AlertsView>(() => ({ toasts: [], seen: new Set() }));

export function pushAlert(toast: Toast): void {
  const { toasts, seen } = useAlerts.getState();
  if (seen.has(toast.id)) return;
  const nextSeen = new Set(seen);
  nextSeen.add(toast.id);
  // Critical alerts stay on screen before older, milder ones.
  const next = [toast, ...toasts]
    .sort((a, b) => rank(b.severity) - rank(a.severity) || b.time - a.time)
    .slice(0, MAX_TOASTS);
  useAlerts.setState({ toasts: next, seen: nextSeen });
}

export function dismissAlert(id: string): void {
  useAlerts.setState({ toasts: useAlerts.getState().toasts.filter((t) => t.id !== id) });
}

export function resetAlerts(): void {
  useAlerts.setState({ toasts: [], seen: new Set() }, true);
}

export function rank(severity: Severity): number {
  return severity === 'critical' ? 2 : severity === 'warning' ? 1 : 0;
}

/** How long a toast stays by itself; critical ones wait to be dismissed. */
export function toastLifetimeMs(severity: Severity): number | null {
  return severity === 'critical' ? null : severity === 'warning' ? 15_000 : 8_000;
}
