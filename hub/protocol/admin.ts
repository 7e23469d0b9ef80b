/**
 * The admin contract: what the hub's admin service sends on `$admin` (an event name → payload
 * map) and in answers to `admin` actions (their map is admin-answers.ts). The hub builds these shapes (hub/admin) and the console
 * reads them (renderer/console/admin-feed.ts); both import them from here, so a renamed field is
 * a type error on both sides instead of a "—" on screen. Times are epoch milliseconds.
 * The payloads are type aliases, not interfaces: plain data, so each is a `Json` as it stands (an
 * interface has no index signature) and the hub sends or stores it without a conversion.
 */
import type { Sender } from './messages.js';
import type { AuditEntry } from './admin-audit.js';

/** A page of a listing; pass `next` back as `cursor` for the following page (null on the last). */
export type Page<T> = {
  items: T[];
  /** How many match the filter in all. */
  total: number;
  next: string | null;
};

export type ClientSummary = {
  clientId: string;
  sub: string;
  name: string;
  role: string;
  ip: string;
  userAgent: string;
  rooms: string[];
  connectedAt: number;
  messagesIn: number;
  bytesIn: number;
  messagesOut: number;
  bytesOut: number;
  /** Bytes waiting to be written to this client. */
  queuedBytes: number;
  /** Round-trip time of the last heartbeat, null before the first pong. */
  rttMs: number | null;
  /** The hub (engine node id) the client is connected to. */
  node: string;
};

/** A client of another hub (several hubs share one engine), as that hub wrote it to the record store. */
export type RemoteClient = {
  clientId: string;
  sub: string;
  name: string;
  role: string;
  ip: string;
  rooms: string[];
  connectedAt: number;
  node: string;
};

/** A row of the client listing: this hub's clients in full, other hubs' as they wrote them. */
export type ListedClient = ClientSummary | RemoteClient;

/** A room in a listing: running totals on this hub. */
export type RoomSummary = {
  room: string;
  /** Members on this hub. */
  clients: number;
  /** When the room got its first member on this hub (since this process started). */
  since: number | null;
  messagesIn: number;
  bytesIn: number;
  messagesOut: number;
  bytesOut: number;
};

/** A room in `stats`: rates over the last interval. */
export type RoomRates = {
  room: string;
  clients: number;
  messagesInPerSec: number;
  bytesInPerSec: number;
  messagesOutPerSec: number;
  bytesOutPerSec: number;
};

/** One hub's line in `stats.hubs` (several hubs share one Redis). */
export type HubLine = {
  node: string;
  startedAt: number;
  version: string;
  clients: number;
  rooms: number;
  messagesInPerSec: number;
  messagesOutPerSec: number;
  rss: number;
  heapUsed: number;
  lagMs: number;
  engine: string;
  self: boolean;
  lastSeen: number;
};

export type EngineStatus = {
  name: string;
  /** `stalled`: connected but not answering its readiness probe. */
  state: 'up' | 'down' | 'stalled';
  node?: string;
};

export type ProcessStats = {
  rssBytes: number;
  heapUsedBytes: number;
  heapTotalBytes: number;
  cpuPercent: number;
  eventLoopLagMs: { mean: number; p99: number; max: number };
};

/** Running totals of this hub: clients and rooms now, traffic since start. */
export type HubTotals = {
  clients: number;
  rooms: number;
  messagesIn: number;
  bytesIn: number;
  messagesOut: number;
  bytesOut: number;
};

export type TotalRates = {
  clients: number;
  rooms: number;
  messagesInPerSec: number;
  bytesInPerSec: number;
  messagesOutPerSec: number;
  bytesOutPerSec: number;
};

/** A time the hub's process was away; `source` `power` when the desktop said so, `clock` from a late timer. */
export type HubSleep = {
  sleptAt: number;
  wokeAt: number;
  durationMs: number;
  source: 'power' | 'clock';
};

/** `stats`, once a second while an admin watches. */
export type StatsEvent = {
  intervalMs: number;
  total: TotalRates;
  /** The busiest rooms; the rest are counted in `roomsOmitted`. */
  rooms: RoomRates[];
  roomsOmitted: number;
  process: ProcessStats;
  engine: EngineStatus;
  historyMessages: number;
  /** The hub-wide history budget (memory engine): estimated bytes kept, the budget, messages evicted for it. */
  historyBytes?: { used: number; budget: number; evicted: number };
  /** The last time the hub's process was away (computer asleep, process stopped), if it was. */
  sleep: HubSleep | null;
  startedAt: number;
  version: string;
  hubs: HubLine[];
  cluster: { hubs: number; clients: number; messagesInPerSec: number; messagesOutPerSec: number };
};

/** `snapshot`: what an admin sees first on `$admin`. */
export type SnapshotEvent = {
  node: string;
  startedAt: number;
  version: string;
  engine: EngineStatus;
  totals: HubTotals;
  rooms: Page<RoomSummary>;
  clients: Page<ListedClient>;
  /** Rooms whose traffic is sampled (`*` for all). */
  inspect: string[];
};

/** `traffic`: one sampled delivery, its payload cut to a preview. */
export type TrafficEvent = {
  room: string;
  epoch: string;
  seq: number;
  event: string;
  from: Sender;
  time: number;
  bytes: number;
  /** The payload as JSON text, cut when `truncated`. */
  preview: string;
  truncated: boolean;
  recipients: number;
  /** Deliveries not sampled since the previous `traffic` event. */
  skipped: number;
};

export type ClientDisconnectedEvent = {
  clientId: string;
  sub: string;
  name: string;
  code: number;
  reason: string;
};

/** One redemption of an invite (`jti`) by a person (`sub`, `name`) at `at`; never the token. */
export type RedeemedInvite = {
  jti: string;
  sub: string;
  name: string;
  at: number;
};

/** Every `$admin` event name and the `data` it carries. */
export interface AdminEventMap {
  snapshot: SnapshotEvent;
  stats: StatsEvent;
  'client.connected': ClientSummary;
  'client.disconnected': ClientDisconnectedEvent;
  'room.created': { room: string };
  'room.emptied': { room: string };
  'invite.redeemed': RedeemedInvite;
  audit: AuditEntry;
  traffic: TrafficEvent;
}

export type AdminEvent = keyof AdminEventMap;
