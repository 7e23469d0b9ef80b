/**
 * The admin contract: what the hub's admin service sends on `$admin` (an event name → payload
 * map) and in answers to `admin` actions. The hub builds these shapes (hub/admin) and the console
 * reads them (renderer/console/admin-feed.ts); both import them from here, so a renamed field is
 * a type error on both sides instead of a "—" on screen. Times are epoch milliseconds.
 */
import type { AckEnvelope, AdminAction, Json, PresenceMember, Role, Sender, StreamPosition } from './messages.js';

/** A page of a listing; pass `next` back as `cursor` for the following page (null on the last). */
export interface Page<T> {
  items: T[];
  /** How many match the filter in all. */
  total: number;
  next: string | null;
}

export interface ClientSummary {
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
}

/** A client of another hub (several hubs share one engine), as that hub wrote it to the record store. */
export interface RemoteClient {
  clientId: string;
  sub: string;
  name: string;
  role: string;
  ip: string;
  rooms: string[];
  connectedAt: number;
  node: string;
}

/** A row of the client listing: this hub's clients in full, other hubs' as they wrote them. */
export type ListedClient = ClientSummary | RemoteClient;

/** A room in a listing: running totals on this hub. */
export interface RoomSummary {
  room: string;
  /** Members on this hub. */
  clients: number;
  /** When the room got its first member on this hub (since this process started). */
  since: number | null;
  messagesIn: number;
  bytesIn: number;
  messagesOut: number;
  bytesOut: number;
}

/** A room in `stats`: rates over the last interval. */
export interface RoomRates {
  room: string;
  clients: number;
  messagesInPerSec: number;
  bytesInPerSec: number;
  messagesOutPerSec: number;
  bytesOutPerSec: number;
}

/** One hub's line in `stats.hubs` (several hubs share one Redis). */
export interface HubLine {
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
}

export interface EngineStatus {
  name: string;
  /** `stalled`: connected but not answering its readiness probe. */
  state: 'up' | 'down' | 'stalled';
  node?: string;
}

export interface ProcessStats {
  rssBytes: number;
  heapUsedBytes: number;
  heapTotalBytes: number;
  cpuPercent: number;
  eventLoopLagMs: { mean: number; p99: number; max: number };
}

/** Running totals of this hub: clients and rooms now, traffic since start. */
export interface HubTotals {
  clients: number;
  rooms: number;
  messagesIn: number;
  bytesIn: number;
  messagesOut: number;
  bytesOut: number;
}

export interface TotalRates {
  clients: number;
  rooms: number;
  messagesInPerSec: number;
  bytesInPerSec: number;
  messagesOutPerSec: number;
  bytesOutPerSec: number;
}

/** `stats`, once a second while an admin watches. */
/** A time the hub's process was away; `source` `power` when the desktop said so, `clock` from a late timer. */
export interface HubSleep {
  sleptAt: number;
  wokeAt: number;
  durationMs: number;
  source: 'power' | 'clock';
}

export interface StatsEvent {
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
}

/** `snapshot`: what an admin sees first on `$admin`. */
export interface SnapshotEvent {
  node: string;
  startedAt: number;
  version: string;
  engine: EngineStatus;
  totals: HubTotals;
  rooms: Page<RoomSummary>;
  clients: Page<ListedClient>;
  /** Rooms whose traffic is sampled (`*` for all). */
  inspect: string[];
}

export type AuditKind = 'action' | 'denied' | 'refused';

/** One line of the audit log. Never a token: only its `jti`, `sub` and claims. */
export interface AuditEntry {
  seq: number;
  time: number;
  kind: AuditKind;
  /** The admin action (`kick`, `ban` …), what a denied caller tried, or `upgrade` for refusals. */
  action: string;
  via: 'ws' | 'rest' | 'upgrade';
  ip: string;
  sub?: string;
  name?: string;
  clientId?: string;
  details?: { [field: string]: Json };
}

export interface AuditPage {
  entries: AuditEntry[];
  /** Pass as `before` for the next (older) page; null at the oldest entry. */
  next: number | null;
}

/** `traffic`: one sampled delivery, its payload cut to a preview. */
export interface TrafficEvent {
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
}

export interface ClientDisconnectedEvent {
  clientId: string;
  sub: string;
  name: string;
  code: number;
  reason: string;
}

/** Every `$admin` event name and the `data` it carries. */
/** One redemption of an invite (`jti`) by a person (`sub`, `name`) at `at`; never the token. */
export interface RedeemedInvite {
  jti: string;
  sub: string;
  name: string;
  at: number;
}

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

// ---- the answer to each admin action ----

/** `kick`: whom, why, and how many connections this hub closed (other hubs close theirs). */
export interface KickAnswer {
  /** Present when one connection was kicked. */
  clientId?: string;
  /** The kicked user; null for a `clientId` this hub does not hold (another hub may). */
  sub: string | null;
  reason: string;
  kicked: number;
}

export interface BanAnswer {
  sub: string;
  until: number;
  reason: string;
}

export interface UnbanAnswer {
  sub: string;
  unbanned: true;
}

/** `invite`: the link to hand out, and what it opens. */
export interface InviteAnswer {
  token: string;
  url: string;
  jti: string;
  sub: string;
  name: string;
  rooms: string[];
  role: Role;
  maxUses: number | null;
  expiresAt: number;
  /** Made while sharing is off: the link points at loopback, colleagues cannot open it. */
  warning?: 'loopback';
}

export interface RevokeAnswer {
  jti: string;
  revoked: true;
}

/** An envelope previewed as in a `traffic` event, without the delivery counts. */
export type EnvelopePreview = Omit<TrafficEvent, 'recipients' | 'skipped'>;

/** `inspect`: the rooms sampled now, and the room's last few envelopes when one was switched on. */
export interface InspectAnswer {
  inspect: string[];
  recent: EnvelopePreview[];
}

/** A ban in force. */
export interface BannedUser {
  sub: string;
  until: number;
  reason: string;
  /** The admin's `sub`. */
  by: string;
  at: number;
}

/** An invite that still works, with who redeemed it. */
export interface InviteSummary {
  jti: string;
  sub: string;
  name: string;
  rooms: string[];
  role: Role;
  maxUses: number | null;
  createdAt: number;
  expiresAt: number;
  by: string;
  uses: number;
  redemptions: RedeemedInvite[];
}

/** `list` of one room: its totals, position and a page of its members. */
export interface RoomDetail extends RoomSummary {
  position: StreamPosition;
  memberCount: number;
  members: PresenceMember[];
  /** Where this hub keeps the roster: the cursor of the next page (`cursor`), absent on the last. */
  membersNext?: string;
}

/** What `list` answers, by its `what`. */
export interface AdminListAnswerMap {
  clients: Page<ListedClient>;
  rooms: Page<RoomSummary>;
  room: RoomDetail;
  bans: { items: BannedUser[] };
  invites: { items: InviteSummary[] };
  audit: AuditPage;
}

export type AdminListing = keyof AdminListAnswerMap;

/**
 * The answer to each admin action. The hub's handler for an action must return its entry, and the
 * SDK's `admin()` resolves with it; on the wire each is an `ack` with these fields beside `id`.
 */
export interface AdminAnswerMap {
  kick: KickAnswer;
  ban: BanAnswer;
  unban: UnbanAnswer;
  invite: InviteAnswer;
  revoke: RevokeAnswer;
  inspect: InspectAnswer;
  list: AdminListAnswerMap[AdminListing];
}

/** Any admin answer. */
export type AdminAnswer = AdminAnswerMap[AdminAction];

/** The answer to action `A`; a `list` answers by its `what` (`W`), when that is known. */
export type AdminAnswerTo<A extends AdminAction, W extends AdminListing = AdminListing> = A extends 'list'
  ? AdminListAnswerMap[W]
  : AdminAnswerMap[A];

/** The `ack` of an admin request. */
export type AdminAck<A extends AdminAction, W extends AdminListing = AdminListing> = AckEnvelope & AdminAnswerTo<A, W>;

/** An admin request's fields beside `action` (each action's are in hub/admin/README.md). */
export type AdminFields<W extends AdminListing = AdminListing> = { [field: string]: Json } & { what?: W };

/**
 * A contract value as `Json`: the types here are plain data by construction, but as interfaces they
 * lack `Json`'s index signature. The one place that says so, instead of a cast at every use.
 */
export function asJson(value: object): Json {
  return value as Json;
}
