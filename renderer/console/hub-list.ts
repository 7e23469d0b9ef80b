/**
 * The hubs sharing one engine (Redis), from the `stats` event's `hubs`: one line per hub, this
 * one marked `self`. With one hub the list has one line or none, and the console shows no list.
 */
import { create } from 'zustand';
import type { StatsEvent } from '../../hub/protocol/index.js';

export interface HubSummary {
  node: string;
  self: boolean;
  version: string;
  clients: number | null;
  rooms: number | null;
  messagesInPerSec: number | null;
  messagesOutPerSec: number | null;
  lagMs: number | null;
  startedAt: number | null;
}

export function readHubs(stats: StatsEvent): HubSummary[] | null {
  if (!Array.isArray(stats.hubs)) return null;
  const hubs: HubSummary[] = stats.hubs.map((h) => ({
    node: h.node,
    self: h.self,
    version: h.version,
    clients: h.clients,
    rooms: h.rooms,
    messagesInPerSec: h.messagesInPerSec,
    messagesOutPerSec: h.messagesOutPerSec,
    lagMs: h.lagMs,
    startedAt: h.startedAt,
  }));
  // This hub first, then the others by name, so the list does not reshuffle every second.
  return hubs.sort((a, b) => Number(b.self) - Number(a.self) || a.node.localeCompare(b.node));
}

export const useHubs = create<{ hubs: HubSummary[] }>(() => ({ hubs: [] }));

export function applyHubs(stats: StatsEvent): void {
  const hubs = readHubs(stats);
  if (hubs) useHubs.setState({ hubs });
}

export function resetHubs(): void {
  useHubs.setState({ hubs: [] });
}

/** Whether to show hubs at all: only when there is more than this one. */
export function severalHubs(hubs: readonly HubSummary[]): boolean {
  return hubs.length > 1;
}
