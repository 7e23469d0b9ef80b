/**
 * Reads the `$admin` feed and admin answers into the console's own shapes. The hub's admin
 * service owns the envelopes; each reader here checks what it gets and takes what fits, so a
 * field the console does not know yet costs nothing and a missing one shows as "—".
 */
import type { Json, JsonObject, Role } from '../../hub/protocol/index.js';
import type { StatsPoint } from './stats-series.js';

export interface HubInfo {
  version?: string;
  startedAt?: number;
  uptimeMs?: number;
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

export interface ClientRow {
  clientId: string;
  sub: string;
  name: string;
  role: Role | string;
  ip: string;
  userAgent: string;
  rooms: string[];
  connectedAt: number | null;
  messagesIn: number | null;
  messagesOut: number | null;
  bytesIn: number | null;
  bytesOut: number | null;
  queueBytes: number | null;
  rttMs: number | null;
  hub?: string;
}

export interface AuditEntry {
  key: string;
  time: number;
  action: string;
  actor: string;
  target: string;
  reason: string;
  outcome: string;
  detail: JsonObject;
}

export interface TrafficEntry {
  key: string;
  time: number;
  room: string;
  event: string;
  from: string;
  seq: number | null;
  bytes: number | null;
  recipients: number | null;
  /** The hub cut the payload to a preview. */
  truncated: boolean;
  /** The payload as the hub sampled it (possibly cut), pretty-printed when it is JSON. */
  payload: string;
}

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

/** Epoch ms from a number (ms, or seconds when small) or an ISO string. */
export function time(v: Json | undefined): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v < 1e11 ? v * 1000 : v;
  if (typeof v === 'string') {
    const t = Date.parse(v);
    return Number.isNaN(t) ? null : t;
  }
  return null;
}

export function readHubInfo(o: O | null): Partial<HubInfo> {
  const hub = asObject(o?.hub) ?? asObject(o?.server) ?? o;
  const engine = asObject(hub?.engine ?? null);
  const urls = list(hub, 'urls', 'addresses') ?? (str(hub, 'url') ? [str(hub, 'url')!] : null);
  const info: Partial<HubInfo> = {
    version: str(hub, 'version'),
    startedAt: time(pick(hub, 'startedAt')) ?? undefined,
    uptimeMs: num(hub, 'uptimeMs') ?? (num(hub, 'uptimeSec', 'uptime') !== null ? num(hub, 'uptimeSec', 'uptime')! * 1000 : undefined) ?? undefined,
    engine: engine ? str(engine, 'name', 'kind') : str(hub, 'engine', 'engineName'),
    engineState: engine ? str(engine, 'state') : str(hub, 'engineState'),
    hubId: str(hub, 'hubId', 'id', 'node'),
  };
  if (urls) info.urls = urls.filter((u): u is string => typeof u === 'string');
  const sleep = asObject(hub?.sleep ?? null);
  const wokeAt = time(pick(sleep, 'wokeAt'));
  const durationMs = num(sleep, 'durationMs');
  if (wokeAt !== null && durationMs !== null) info.sleep = { wokeAt, durationMs };
  for (const k of Object.keys(info) as Array<keyof HubInfo>) if (info[k] === undefined) delete info[k];
  return info;
}

/** A room's rates from `stats` (per second), or a room summary from a listing (running totals). */
export function readRoom(v: Json, nameHint?: string): RoomRow | null {
  const o = asObject(v);
  const name = str(o, 'room', 'name') ?? nameHint;
  if (!name) return null;
  return {
    name,
    clients: num(o, 'clients', 'memberCount', 'members') ?? 0,
    messagesInPerSec: num(o, 'messagesInPerSec'),
    messagesOutPerSec: num(o, 'messagesOutPerSec'),
    bytesInPerSec: num(o, 'bytesInPerSec'),
    bytesOutPerSec: num(o, 'bytesOutPerSec'),
    historySize: num(o, 'history', 'historySize', 'historyMessages'),
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
  const clientId = str(o, 'clientId', 'id');
  if (!o || !clientId) return null;
  const user = asObject(o.user);
  const rooms = list(o, 'rooms') ?? [];
  return {
    clientId,
    sub: str(user, 'sub') ?? str(o, 'sub') ?? '',
    name: str(user, 'name') ?? str(o, 'name') ?? '',
    role: str(user, 'role') ?? str(o, 'role') ?? '',
    ip: str(o, 'ip', 'remoteAddress') ?? '',
    userAgent: str(o, 'userAgent', 'ua') ?? '',
    rooms: rooms.filter((r): r is string => typeof r === 'string'),
    connectedAt: time(pick(o, 'connectedAt') ?? pick(o, 'since')),
    messagesIn: num(o, 'messagesIn', 'in.messages', 'traffic.messagesIn'),
    messagesOut: num(o, 'messagesOut', 'out.messages', 'traffic.messagesOut'),
    bytesIn: num(o, 'bytesIn', 'in.bytes', 'traffic.bytesIn'),
    bytesOut: num(o, 'bytesOut', 'out.bytes', 'traffic.bytesOut'),
    queueBytes: num(o, 'queuedBytes', 'queueBytes', 'sendQueueBytes', 'queue'),
    rttMs: num(o, 'rttMs', 'rtt'),
    hub: str(o, 'hub', 'hubId', 'node'),
  };
}

export function readClients(v: Json | undefined): ClientRow[] {
  return Array.isArray(v) ? v.map(readClient).filter((c): c is ClientRow => !!c) : [];
}

export function readStats(data: Json, now = Date.now()): Stats | null {
  const o = asObject(data);
  if (!o) return null;
  const total = asObject(o.total) ?? asObject(o.totals) ?? o;
  const proc = asObject(o.process) ?? o;
  const lag = asObject(proc.eventLoopLag ?? o.eventLoopLag ?? null);
  const point: StatsPoint = {
    time: time(o.time ?? o.at ?? null) ?? now,
    clients: num(total, 'clients', 'connections'),
    rooms: num(total, 'rooms'),
    messagesInPerSec: num(total, 'messagesInPerSec', 'in.messagesPerSec', 'messagesIn'),
    messagesOutPerSec: num(total, 'messagesOutPerSec', 'out.messagesPerSec', 'messagesOut'),
    bytesInPerSec: num(total, 'bytesInPerSec', 'in.bytesPerSec', 'bytesIn'),
    bytesOutPerSec: num(total, 'bytesOutPerSec', 'out.bytesPerSec', 'bytesOut'),
    eventLoopLagMs: lag ? num(lag, 'p99Ms', 'meanMs', 'maxMs') : num(proc, 'eventLoopLagMs.p99', 'eventLoopLagMs.mean', 'eventLoopLagMs', 'lagMs'),
    rssBytes: num(proc, 'rssBytes', 'rss', 'memory.rss'),
    heapUsedBytes: num(proc, 'heapUsedBytes', 'heapUsed', 'memory.heapUsed'),
  };
  return {
    point,
    historyMessages: num(o, 'historyMessages'),
    historyBytes: historyBudget(o),
    rooms: readRooms(o.rooms),
    hub: readHubInfo(o),
    cpuPercent: num(proc, 'cpuPercent', 'cpu'),
  };
}

function historyBudget(o: O): { used: number; budget: number } | null {
  const used = num(o, 'historyBytes.used');
  const budget = num(o, 'historyBytes.budget');
  return used === null || budget === null ? null : { used, budget };
}

let auditCounter = 0;

/**
 * An audit line: who (`sub`, `name`, `ip`) did or tried what (`action`, `kind`: action, denied,
 * refused), with the action's own fields, its `target` among them, under `details`.
 */
export function readAudit(v: Json): AuditEntry | null {
  const o = asObject(v);
  if (!o) return null;
  const details = asObject(o.details ?? null) ?? {};
  const target = asObject(details.target ?? null) ?? details;
  const t = time(o.time ?? o.at ?? null) ?? Date.now();
  const seq = num(o, 'seq');
  const rooms = Array.isArray(details.rooms) ? details.rooms.filter((r) => typeof r === 'string').join(', ') : undefined;
  return {
    key: seq !== null ? `seq-${seq}` : `${t}-${auditCounter++}`,
    time: t,
    action: str(o, 'action') ?? 'event',
    actor: [str(o, 'name') ?? str(o, 'sub'), str(o, 'ip')].filter(Boolean).join(' · '),
    target: str(target, 'sub', 'clientId', 'room', 'jti') ?? rooms ?? '',
    reason: str(details, 'reason', 'message', 'error') ?? '',
    outcome: str(o, 'kind', 'outcome') ?? '',
    detail: o,
  };
}

let trafficCounter = 0;

export function readTraffic(v: Json): TrafficEntry | null {
  const o = asObject(v);
  if (!o) return null;
  const room = str(o, 'room');
  const event = str(o, 'event', 'type');
  if (!room || !event) return null;
  const from = asObject(o.from ?? null);
  const t = time(o.time ?? o.at ?? null) ?? Date.now();
  const raw = o.preview ?? o.data ?? o.payload ?? null;
  return {
    key: `${room}:${num(o, 'seq') ?? ''}:${t}:${trafficCounter++}`,
    time: t,
    room,
    event,
    from: from ? (str(from, 'name', 'sub') ?? '') : (str(o, 'from') ?? ''),
    seq: num(o, 'seq'),
    bytes: num(o, 'bytes', 'size'),
    recipients: num(o, 'recipients'),
    truncated: o.truncated === true,
    payload: payloadText(raw),
  };
}

/** A sampled payload for display: JSON pretty-printed, a cut string shown as it came. */
export function payloadText(raw: Json): string {
  if (typeof raw === 'string') {
    try {
      return JSON.stringify(JSON.parse(raw), null, 2);
    } catch {
      return raw;
    }
  }
  return JSON.stringify(raw, null, 2) ?? 'null';
}
