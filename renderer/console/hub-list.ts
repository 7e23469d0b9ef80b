/**
 * The hubs sharing one engine (Redis), from the `stats` event's `hubs`: one line per hub, this
 * one marked `self`. With one hub the list has one line or none, and the console shows no list.
 */
import { create } from 'zustand';
import type { Json } from '../../hub/protocol/index.js';
import { asObject, num, str } from './admin-feed.js';

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

export function readHubs(stats: Json): HubSummary[] | null {
  const list = asObject(stats)?.hubs;
  if (!Array.isArray(list)) return null;
  const hubs: HubSummary[] = [];
  for (const item of list) {
    const o = asObject(item);
    const node = str(o, 'node');
    if (!o || !node) continue;
    hubs.push({
      node,
      self: o.self === true,
      version: str(o, 'version') ?? '',
      clients: num(o, 'clients'),
      rooms: num(o, 'rooms'),
      messagesInPerSec: num(o, 'messagesInPerSec'),
      messagesOutPerSec: num(o, 'messagesOutPerSec'),
      lagMs: num(o, 'lagMs'),
      startedAt: num(o, 'startedAt'),
    });
  }
  // This hub first, then the others by name, so the list does not reshuffle every second.
  return hubs.sort((a, b) => Number(b.self) - Number(a.self) || a.node.localeCompare(b.node));
}

export const useHubs = create<{ hubs: HubSummary[] }>(() => ({ hubs: [] }));

export function applyHubs(stats: Json): void {
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
