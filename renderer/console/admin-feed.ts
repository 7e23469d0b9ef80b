/**
 * Reads the `$admin` feed and admin answers into the console's own shapes. The field names are
 * the hub's contract (hub/protocol/admin.ts), checked by the compiler through `field<T>()`; the
 * values are still checked at run time, so a hub of another version shows "—", never garbage.
 */
import type {
  ClientSummary,
  EngineStatus,
  HubTotals,
  Json,
  JsonObject,
  ProcessStats,
  RoomRates,
  RoomSummary,
  SnapshotEvent,
  StatsEvent,
  TotalRates,
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

export type O = JsonObject;

/** A field name of a contract type, as a plain string the readers below take. */
export const field =
  <T>() =>
  <K extends Extract<keyof T, string>>(k: K): K =>
    k;
const client = field<ClientSummary>();
const roomRate = field<RoomRates & RoomSummary>();
const stat = field<StatsEvent>();
const total = field<TotalRates & HubTotals>();
const proc = field<ProcessStats>();
const engineField = field<EngineStatus>();
const snap = field<SnapshotEvent>();

export function asObject(v: Json | undefined): O | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? v : null;
}

/** The first of `keys` (dotted paths allowed) that holds a finite number. */
export function num(o: O | null, ...keys: string[]): number | null {
  for (const k of keys) {
    const v = pick(o, k);
    if (typeof v === 'number' && Number.isFinite(v)) return v;
  }
  return null;
}

export function str(o: O | null, ...keys: string[]): string | undefined {
  for (const k of keys) {
    const v = pick(o, k);
    if (typeof v === 'string') return v;
    if (typeof v === 'number') return String(v);
  }
  return undefined;
}

function pick(o: O | null, path: string): Json | undefined {
  let cur: Json | undefined = o ?? undefined;
  for (const part of path.split('.')) {
    const obj = asObject(cur);
    if (!obj) return undefined;
    cur = obj[part];
  }
  return cur;
}

function list(o: O | null, ...keys: string[]): Json[] | null {
  for (const k of keys) {
    const v = pick(o, k);
    if (Array.isArray(v)) return v;
  }
  return null;
}

/** Epoch milliseconds: every time the hub sends is one. */
export function time(v: Json | undefined): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** The hub's identity from a `snapshot` or a `stats` event (both carry version, start and engine). */
export function readHubInfo(o: O | null): Partial<HubInfo> {
  const engine = asObject(o?.[snap('engine')] ?? null);
  const info: Partial<HubInfo> = {
    version: str(o, snap('version')),
    startedAt: time(o?.[snap('startedAt')]) ?? undefined,
    engine: str(engine, engineField('name')),
    engineState: str(engine, engineField('state')),
    hubId: str(o, snap('node')) ?? str(engine, engineField('node')),
  };
  const sleep = asObject(o?.[stat('sleep')] ?? null);
  const wokeAt = time(pick(sleep, 'wokeAt'));
  const durationMs = num(sleep, 'durationMs');
  if (wokeAt !== null && durationMs !== null) info.sleep = { wokeAt, durationMs };
  for (const k of Object.keys(info) as Array<keyof HubInfo>) if (info[k] === undefined) delete info[k];
  return info;
}

/** A room's rates from `stats` (per second), or a room summary from a listing (running totals). */
export function readRoom(v: Json, nameHint?: string): RoomRow | null {
  const o = asObject(v);
  const name = str(o, roomRate('room')) ?? nameHint;
  if (!name) return null;
  return {
    name,
    clients: num(o, roomRate('clients')) ?? 0,
    messagesInPerSec: num(o, roomRate('messagesInPerSec')),
    messagesOutPerSec: num(o, roomRate('messagesOutPerSec')),
    bytesInPerSec: num(o, roomRate('bytesInPerSec')),
    bytesOutPerSec: num(o, roomRate('bytesOutPerSec')),
    // Not in a listing or in stats (the room's members page has it).
    historySize: null,
  };
}

/** Rooms as a list, a page (`{items, total, next}`) or a map by name; the hub's `$` rooms left out. */
export function readRooms(v: Json | undefined): RoomRow[] | null {
  const page = asObject(v ?? null);
  if (page && Array.isArray(page.items)) return readRooms(page.items);
  if (Array.isArray(v)) return v.map((r) => readRoom(r)).filter((r): r is RoomRow => !!r && !r.name.startsWith('$'));
  if (!page) return null;
  return Object.entries(page)
    .filter(([name]) => !name.startsWith('$'))
    .map(([name, r]) => readRoom(r, name))
    .filter((r): r is RoomRow => !!r);
}

export function readClient(v: Json): ClientRow | null {
  const o = asObject(v);
  const clientId = str(o, client('clientId'));
  if (!o || !clientId) return null;
  const rooms = list(o, client('rooms')) ?? [];
  // A client of another hub (RemoteClient) has no traffic, agent or queue: those read as null.
  return {
    clientId,
    sub: str(o, client('sub')) ?? '',
    name: str(o, client('name')) ?? '',
    role: str(o, client('role')) ?? '',
    ip: str(o, client('ip')) ?? '',
    userAgent: str(o, client('userAgent')) ?? '',
    rooms: rooms.filter((r): r is string => typeof r === 'string'),
    connectedAt: time(o[client('connectedAt')]),
    messagesIn: num(o, client('messagesIn')),
    messagesOut: num(o, client('messagesOut')),
    bytesIn: num(o, client('bytesIn')),
    bytesOut: num(o, client('bytesOut')),
    queueBytes: num(o, client('queuedBytes')),
    rttMs: num(o, client('rttMs')),
    hub: str(o, client('node')),
  };
}

export function readClients(v: Json | undefined): ClientRow[] {
  return Array.isArray(v) ? v.map(readClient).filter((c): c is ClientRow => !!c) : [];
}

export function readStats(data: Json, now = Date.now()): Stats | null {
  const o = asObject(data);
  if (!o) return null;
  const totals = asObject(o[stat('total')] ?? null);
  const p = asObject(o[stat('process')] ?? null);
  const point: StatsPoint = {
    // A stats event carries no time of its own: it is the envelope's (`now`).
    time: now,
    clients: num(totals, total('clients')),
    rooms: num(totals, total('rooms')),
    messagesInPerSec: num(totals, total('messagesInPerSec')),
    messagesOutPerSec: num(totals, total('messagesOutPerSec')),
    bytesInPerSec: num(totals, total('bytesInPerSec')),
    bytesOutPerSec: num(totals, total('bytesOutPerSec')),
    eventLoopLagMs: num(asObject(p?.[proc('eventLoopLagMs')] ?? null), 'p99'),
    rssBytes: num(p, proc('rssBytes')),
    heapUsedBytes: num(p, proc('heapUsedBytes')),
  };
  return {
    point,
    historyMessages: num(o, stat('historyMessages')),
    historyBytes: historyBudget(o),
    rooms: readRooms(o[stat('rooms')]),
    hub: readHubInfo(o),
    cpuPercent: num(p, proc('cpuPercent')),
  };
}

function historyBudget(o: O): { used: number; budget: number } | null {
  const used = num(o, `${stat('historyBytes')}.used`);
  const budget = num(o, `${stat('historyBytes')}.budget`);
  return used === null || budget === null ? null : { used, budget };
}
