/**
 * Reads the `$admin` feed and admin answers into the console's own shapes, from the hub's typed
 * contract (hub/protocol/admin.ts); a number an older hub did not send reads as null ("—").
 */
import type {
  ClientSummary,
  ListedClient,
  RoomRates,
  RoomSummary,
  SnapshotEvent,
  StatsEvent,
} from '../../hub/protocol/index.js';
import type { StatsPoint } from './stats-series.js';

export interface HubInfo {
  version?: string;
  startedAt?: number;
  engine?: string;
  engineState?: string;
  urls: string[];
  hubId?: string;
  /** The hub's last sleep (computer asleep or process stopped), from stats `sleep`. */
  sleep?: { wokeAt: number; durationMs: number };
}

export interface RoomRow {
  name: string;
  clients: number;
  messagesInPerSec: number | null;
  messagesOutPerSec: number | null;
  bytesInPerSec: number | null;
  bytesOutPerSec: number | null;
  historySize: number | null;
}

type Nullable<T> = { [K in keyof T]: T[K] | null };

/**
 * A listed client as the console shows it: the contract's fields, the numbers null where the hub
 * did not send them (a client of another hub has no traffic, agent or queue).
 */
export type ClientRow = Pick<ClientSummary, 'clientId' | 'sub' | 'name' | 'role' | 'ip' | 'userAgent' | 'rooms'> &
  Nullable<Pick<ClientSummary, 'connectedAt' | 'messagesIn' | 'messagesOut' | 'bytesIn' | 'bytesOut' | 'rttMs'>> & {
    /** `queuedBytes` */
    queueBytes: number | null;
    /** `node`: the hub it is connected to. */
    hub?: string;
  };

export interface Stats {
  point: StatsPoint;
  /** Messages the engine holds in room history, all rooms together. */
  historyMessages: number | null;
  /** The memory engine's hub-wide history budget and its use (null on Redis). */
  historyBytes: { used: number; budget: number } | null;
  rooms: RoomRow[] | null;
  hub: Partial<HubInfo>;
  cpuPercent: number | null;
}

/** A number the hub sent, or null when it did not (an older hub, another hub's client). */
function finite(v: number | null | undefined): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** The hub's identity from a `snapshot` or a `stats` event (both carry version, start and engine). */
export function readHubInfo(
  o: Partial<Pick<SnapshotEvent & StatsEvent, 'version' | 'startedAt' | 'engine' | 'node' | 'sleep'>>,
): Partial<HubInfo> {
  const info: Partial<HubInfo> = {
    version: o.version,
    startedAt: finite(o.startedAt) ?? undefined,
    engine: o.engine?.name,
    engineState: o.engine?.state,
    hubId: o.node ?? o.engine?.node,
  };
  if (o.sleep) info.sleep = { wokeAt: o.sleep.wokeAt, durationMs: o.sleep.durationMs };
  for (const k of Object.keys(info) as Array<keyof HubInfo>) if (info[k] === undefined) delete info[k];
  return info;
}

/** A room's rates from `stats` (per second), or a room summary from a listing (running totals). */
function readRoom(r: RoomRates | RoomSummary): RoomRow {
  const rates = 'messagesInPerSec' in r ? r : null;
  return {
    name: r.room,
    clients: r.clients,
    messagesInPerSec: finite(rates?.messagesInPerSec),
    messagesOutPerSec: finite(rates?.messagesOutPerSec),
    bytesInPerSec: finite(rates?.bytesInPerSec),
    bytesOutPerSec: finite(rates?.bytesOutPerSec),
    // Not in a listing or in stats (the room's members page has it).
    historySize: null,
  };
}

/** The rooms of `stats` or of a listing page; the hub's `$` rooms left out. */
export function readRooms(rooms: ReadonlyArray<RoomRates | RoomSummary>): RoomRow[] {
  return rooms.filter((r) => !r.room.startsWith('$')).map(readRoom);
}

export function readClient(c: ListedClient): ClientRow {
  // A client of another hub (RemoteClient) has no traffic, agent or queue: those read as null.
  const local = 'messagesIn' in c ? c : null;
  return {
    clientId: c.clientId,
    sub: c.sub,
    name: c.name,
    role: c.role,
    ip: c.ip,
    userAgent: local?.userAgent ?? '',
    rooms: c.rooms,
    connectedAt: finite(c.connectedAt),
    messagesIn: finite(local?.messagesIn),
    messagesOut: finite(local?.messagesOut),
    bytesIn: finite(local?.bytesIn),
    bytesOut: finite(local?.bytesOut),
    queueBytes: finite(local?.queuedBytes),
    rttMs: finite(local?.rttMs),
    hub: c.node,
  };
}

export function readClients(items: readonly ListedClient[]): ClientRow[] {
  return items.map(readClient);
}

export function readStats(st: StatsEvent, now = Date.now()): Stats {
  const { total: totals, process: p } = st;
  const point: StatsPoint = {
    // A stats event carries no time of its own: it is the envelope's (`now`).
    time: now,
    clients: finite(totals?.clients),
    rooms: finite(totals?.rooms),
    messagesInPerSec: finite(totals?.messagesInPerSec),
    messagesOutPerSec: finite(totals?.messagesOutPerSec),
    bytesInPerSec: finite(totals?.bytesInPerSec),
    bytesOutPerSec: finite(totals?.bytesOutPerSec),
    eventLoopLagMs: finite(p?.eventLoopLagMs?.p99),
    rssBytes: finite(p?.rssBytes),
    heapUsedBytes: finite(p?.heapUsedBytes),
  };
  return {
    point,
    historyMessages: finite(st.historyMessages),
    historyBytes: st.historyBytes ? { used: st.historyBytes.used, budget: st.historyBytes.budget } : null,
    rooms: st.rooms ? readRooms(st.rooms) : null,
    hub: readHubInfo(st),
    cpuPercent: finite(p?.cpuPercent),
  };
}
