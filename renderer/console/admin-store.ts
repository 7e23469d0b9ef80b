/**
 * What the console knows from the `$admin` feed: the hub, its per-second stats, rooms, the
 * audit log and sampled traffic. Feed events are folded in batches, so thousands of clients
 * connecting at once cost a few renders, not thousands.
 */
import { create } from 'zustand';
import { readClient, readHubInfo, readStats, type ClientRow, type HubInfo, type RoomRow } from './admin-feed.js';
import { readAudit, readTraffic, type AuditEntry, type TrafficEntry } from './feed-entries.js';
import type { FeedEvent } from './feed-event.js';
import { appendPoint, emptySeries, type StatsSeries } from './stats-series.js';

export type { FeedEvent } from './feed-event.js';

export interface ConnectionEvent {
  key: string;
  time: number;
  kind: 'connected' | 'disconnected';
  client: Pick<ClientRow, 'clientId' | 'sub' | 'name' | 'role' | 'ip'>;
  code?: number;
  reason?: string;
}

export type FeedStatus = 'idle' | 'subscribing' | 'live' | 'failed';

export interface AdminView {
  feed: FeedStatus;
  feedError: string | null;
  hub: HubInfo;
  /** When the hub's identity was last read from the feed. */
  hubSeenAt: number;
  series: StatsSeries;
  cpuPercent: number | null;
  historyMessages: number | null;
  /** History memory across rooms and its budget (memory engine). */
  historyBytes: { used: number; budget: number } | null;
  /** Per-second rates of the busiest rooms, from the latest stats. */
  roomRates: Record<string, RoomRow>;
  clientCount: number | null;
  /** All rooms with members, as the hub counts them (the room map holds only the busiest). */
  roomCount: number | null;
  /** Bumped when clients come or go, so an open clients page knows to fetch its page again. */
  clientsVersion: number;
  /** Bumped when rooms appear or empty, for the rooms page. */
  roomsVersion: number;
  connections: ConnectionEvent[];
  audit: AuditEntry[];
  traffic: TrafficEntry[];
  trafficPaused: boolean;
  /** Traffic sampled while paused, dropped rather than kept (the inspector is a live view). */
  trafficDropped: number;
}

export const MAX_CONNECTION_EVENTS = 200;
export const MAX_AUDIT = 1000;
export const MAX_TRAFFIC = 500;

const initial = (): AdminView => ({
  feed: 'idle',
  feedError: null,
  hub: { urls: [] },
  hubSeenAt: 0,
  series: emptySeries(),
  cpuPercent: null,
  historyMessages: null,
  historyBytes: null,
  roomRates: {},
  clientCount: null,
  roomCount: null,
  clientsVersion: 0,
  roomsVersion: 0,
  connections: [],
  audit: [],
  traffic: [],
  trafficPaused: false,
  trafficDropped: 0,
});

export const useAdmin = create<AdminView>(initial);

export function resetAdmin(): void {
  useAdmin.setState(initial(), true);
}

export function setFeed(feed: FeedStatus, feedError: string | null = null): void {
  useAdmin.setState({ feed, feedError });
}

/** Folds a batch of feed events into one new state. */
export function applyFeed(events: readonly FeedEvent[]): void {
  if (events.length === 0) return;
  const s = useAdmin.getState();
  const patch: Partial<AdminView> = {};
  let hub = s.hub;
  let hubSeenAt = s.hubSeenAt;
  let roomRates = s.roomRates;
  let roomsChanged = false;
  let series = s.series;
  let clientCount = s.clientCount;
  let roomCount = s.roomCount;
  let clientsChanged = false;
  const connections: ConnectionEvent[] = [];
  const audit: AuditEntry[] = [];
  const traffic: TrafficEntry[] = [];
  let dropped = 0;

  const mergeHub = (o: Parameters<typeof readHubInfo>[0], at: number): void => {
    const info = readHubInfo(o);
    if (Object.keys(info).length === 0) return;
    hub = { ...hub, ...info, urls: info.urls ?? hub.urls };
    hubSeenAt = at;
  };

  for (const e of events) {
    const { time } = e;
    switch (e.event) {
      case 'snapshot': {
        mergeHub(e.data, time);
        roomsChanged = true;
        clientCount = e.data.totals?.clients ?? clientCount;
        roomCount = e.data.totals?.rooms ?? roomCount;
        clientsChanged = true;
        break;
      }
      case 'stats': {
        const st = readStats(e.data, time);
        series = appendPoint(series, st.point);
        if (st.point.clients !== null) clientCount = st.point.clients;
        if (st.point.rooms !== null) roomCount = st.point.rooms;
        if (st.rooms) roomRates = Object.fromEntries(st.rooms.map((r) => [r.name, r]));
        if (Object.keys(st.hub).length > 0) mergeHub(e.data, time);
        patch.cpuPercent = st.cpuPercent;
        patch.historyMessages = st.historyMessages;
        patch.historyBytes = st.historyBytes;
        break;
      }
      case 'client.connected': {
        const { clientId, sub, name, role, ip } = readClient(e.data);
        connections.push({
          key: `connected-${clientId}`,
          time,
          kind: 'connected',
          client: { clientId, sub, name, role, ip },
        });
        clientsChanged = true;
        break;
      }
      case 'client.disconnected': {
        const { clientId, sub, name, code, reason } = e.data;
        connections.push({
          key: `disconnected-${clientId}`,
          time,
          kind: 'disconnected',
          client: { clientId, sub, name, role: '', ip: '' },
          code,
          reason,
        });
        clientsChanged = true;
        break;
      }
      case 'room.created':
      case 'room.emptied':
        roomsChanged = true;
        break;
      case 'audit':
        audit.push(readAudit(e.data));
        break;
      case 'traffic':
        if (s.trafficPaused) dropped++;
        else traffic.push(readTraffic(e.data));
        break;
      default:
        break;
    }
  }

  if (hub !== s.hub) Object.assign(patch, { hub, hubSeenAt });
  if (roomRates !== s.roomRates) patch.roomRates = roomRates;
  if (roomsChanged) patch.roomsVersion = s.roomsVersion + 1;
  if (series !== s.series) patch.series = series;
  if (clientCount !== s.clientCount) patch.clientCount = clientCount;
  if (roomCount !== s.roomCount) patch.roomCount = roomCount;
  if (clientsChanged) patch.clientsVersion = s.clientsVersion + 1;
  if (connections.length > 0)
    patch.connections = [...connections.reverse(), ...s.connections].slice(0, MAX_CONNECTION_EVENTS);
  if (audit.length > 0) patch.audit = [...audit.reverse(), ...s.audit].slice(0, MAX_AUDIT);
  if (traffic.length > 0) patch.traffic = [...traffic.reverse(), ...s.traffic].slice(0, MAX_TRAFFIC);
  if (dropped > 0) patch.trafficDropped = s.trafficDropped + dropped;
  useAdmin.setState(patch);
}

export function setAuditPage(entries: AuditEntry[]): void {
  // The file's entries merged with what the feed brought, newest first, each once.
  const byKey = new Map<string, AuditEntry>();
  for (const e of [...useAdmin.getState().audit, ...entries]) byKey.set(e.key, e);
  useAdmin.setState({ audit: [...byKey.values()].sort((a, b) => b.time - a.time).slice(0, MAX_AUDIT) });
}

export function setTrafficPaused(paused: boolean): void {
  useAdmin.setState({ trafficPaused: paused, trafficDropped: paused ? useAdmin.getState().trafficDropped : 0 });
}

export function clearTraffic(): void {
  useAdmin.setState({ traffic: [], trafficDropped: 0 });
}
