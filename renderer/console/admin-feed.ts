/**
 * Reads the `$admin` feed and admin answers into the console's own shapes, from the hub's typed
 * contract (hub/protocol/admin.ts). Fields keep the contract's names; a number is null ("—") only
 * where the contract leaves it out (a client of another hub has no traffic, agent or queue).
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
export type ClientRow = Pick<
  ClientSummary,
  'clientId' | 'sub' | 'name' | 'role' | 'ip' | 'userAgent' | 'rooms' | 'connectedAt'
> &
  Nullable<Pick<ClientSummary, 'messagesIn' | 'messagesOut' | 'bytesIn' | 'bytesOut' | 'queuedBytes' | 'rttMs'>> & {
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

/** The hub's identity from a `snapshot` or a `stats` event (both carry version, start and engine). */
export function readHubInfo(
  o: Partial<Pick<SnapshotEvent & StatsEvent, 'version' | 'startedAt' | 'engine' | 'node' | 'sleep'>>,
): Partial<HubInfo> {
  const info: Partial<HubInfo> = {
    version: o.version,
    startedAt: o.startedAt,
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
  // A listing's summary carries running totals, not rates: those read as null there.
  const rates = 'messagesInPerSec' in r ? r : null;
  return {
    name: r.room,
    clients: r.clients,
    messagesInPerSec: rates?.messagesInPerSec ?? null,
    messagesOutPerSec: rates?.messagesOutPerSec ?? null,
    bytesInPerSec: rates?.bytesInPerSec ?? null,
    bytesOutPerSec: rates?.bytesOutPerSec ?? null,
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
    connectedAt: c.connectedAt,
    messagesIn: local?.messagesIn ?? null,
    messagesOut: local?.messagesOut ?? null,
    bytesIn: local?.bytesIn ?? null,
    bytesOut: local?.bytesOut ?? null,
    queuedBytes: local?.queuedBytes ?? null,
    rttMs: local?.rttMs ?? null,
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
    clients: totals.clients,
    rooms: totals.rooms,
    messagesInPerSec: totals.messagesInPerSec,
    messagesOutPerSec: totals.messagesOutPerSec,
    bytesInPerSec: totals.bytesInPerSec,
    bytesOutPerSec: totals.bytesOutPerSec,
    eventLoopLagMs: p.eventLoopLagMs.p99,
    rssBytes: p.rssBytes,
    heapUsedBytes: p.heapUsedBytes,
  };
  return {
    point,
    historyMessages: st.historyMessages,
    historyBytes: st.historyBytes ? { used: st.historyBytes.used, budget: st.historyBytes.budget } : null,
    rooms: st.rooms ? readRooms(st.rooms) : null,
    hub: readHubInfo(st),
    cpuPercent: p.cpuPercent,
  };
}
