/**
 * Server-side listing of this hub's clients and rooms: filtered, paged with a stable cursor, so a
 * console watching 10,000 clients asks for one screen at a time instead of everything each second.
 */
import {
  ADMIN_ROOM,
  isHubRoom,
  type ClientSummary,
  type HubTotals,
  type Page,
  type RoomSummary,
} from '../protocol/index.js';
import type { ExtensionHost } from '../core/extension-host.js';
import type { Session } from '../core/session.js';
import type { RemoteClient } from './cluster.js';

export type { ClientSummary, Page, RoomSummary };

export interface ClientFilter {
  /** Members of this room. */
  room?: string;
  /** Connections of this `sub`. */
  user?: string;
  /** Case-insensitive substring of client id, sub, name, IP or user agent. */
  text?: string;
}

export interface RoomFilter {
  /** Rooms this `sub` is in. */
  user?: string;
  /** Case-insensitive substring of the room name. */
  text?: string;
}

export class ClientDirectory {
  /** Connection order: the cursor of the client list. Insertion order is ordinal order. */
  private readonly ordinals = new Map<string, number>();
  private lastOrdinal = 0;
  private readonly roomSince = new Map<string, number>();

  constructor(private readonly core: ExtensionHost) {}

  connected(session: Session): void {
    this.ordinals.set(session.id, ++this.lastOrdinal);
  }

  disconnected(session: Session): void {
    this.ordinals.delete(session.id);
  }

  roomCreated(room: string): void {
    this.roomSince.set(room, Date.now());
  }

  roomEmptied(room: string): void {
    this.roomSince.delete(room);
  }

  /**
   * This hub's clients in connection order, then `remote` (other hubs' clients) in their order.
   * A cursor is an ordinal on this hub, or `r<offset>` into the other hubs' matches.
   */
  clients(
    filter: ClientFilter,
    limit: number,
    cursor?: string,
    remote: readonly RemoteClient[] = [],
  ): Page<ClientSummary | RemoteClient> {
    const text = filter.text?.toLowerCase();
    const test = (s: Session): boolean =>
      (filter.user === undefined || s.user.sub === filter.user) && (text === undefined || clientText(s).includes(text));
    const others = remote.filter(
      (c) =>
        (filter.room === undefined || c.rooms.includes(filter.room)) &&
        (filter.user === undefined || c.sub === filter.user) &&
        (text === undefined || `${c.clientId}\n${c.sub}\n${c.name}\n${c.ip}`.toLowerCase().includes(text)),
    );
    const matched: Array<[number, Session]> = [];
    if (filter.room !== undefined) {
      for (const s of this.core.registry.membersOf(filter.room) ?? []) {
        const ordinal = this.ordinals.get(s.id);
        if (ordinal !== undefined && test(s)) matched.push([ordinal, s]);
      }
      matched.sort((a, b) => a[0] - b[0]);
    } else {
      for (const [id, ordinal] of this.ordinals) {
        const s = this.core.sessions.get(id);
        if (s && test(s)) matched.push([ordinal, s]);
      }
    }
    const total = matched.length + others.length;
    if (cursor?.startsWith('r')) {
      const offset = Number(cursor.slice(1));
      const items = others.slice(offset, offset + limit);
      return { items, total, next: offset + limit < others.length ? `r${offset + limit}` : null };
    }
    const after = cursor === undefined ? 0 : Number(cursor);
    const start = after > 0 ? firstIndexAfter(matched, after) : 0;
    const slice = matched.slice(start, start + limit);
    const items: Array<ClientSummary | RemoteClient> = slice.map(([, s]) =>
      summarizeClient(s, this.core.engine.nodeId),
    );
    if (start + limit < matched.length) return { items, total, next: String(slice[slice.length - 1][0]) };
    const room = limit - slice.length;
    items.push(...others.slice(0, room));
    return { items, total, next: room < others.length ? `r${room}` : null };
  }

  rooms(filter: RoomFilter, limit: number, cursor?: string): Page<RoomSummary> {
    const text = filter.text?.toLowerCase();
    let names: string[];
    if (filter.user !== undefined) {
      const set = new Set<string>();
      for (const s of this.core.sessions.values())
        if (s.user.sub === filter.user) for (const r of s.roomList()) set.add(r);
      names = [...set];
    } else {
      names = [...this.core.registry.rooms()];
    }
    names = names.filter((r) => !isHubRoom(r) && (text === undefined || r.toLowerCase().includes(text))).sort();
    const start = cursor === undefined ? 0 : firstNameAfter(names, cursor);
    const slice = names.slice(start, start + limit);
    return {
      items: slice.map((r) => this.summarizeRoom(r)),
      total: names.length,
      next: start + limit < names.length ? slice[slice.length - 1] : null,
    };
  }

  summarizeRoom(room: string): RoomSummary {
    const t = this.core.traffic.rooms.get(room);
    return {
      room,
      clients: this.core.registry.membersOf(room)?.size ?? 0,
      since: this.roomSince.get(room) ?? null,
      messagesIn: t?.messagesIn ?? 0,
      bytesIn: t?.bytesIn ?? 0,
      messagesOut: t?.messagesOut ?? 0,
      bytesOut: t?.bytesOut ?? 0,
    };
  }

  /** Client and room counts and traffic totals of this hub. */
  totals(): HubTotals {
    const t = this.core.traffic.total;
    const rooms = this.core.registry.size - (this.core.registry.has(ADMIN_ROOM) ? 1 : 0);
    return { clients: this.core.sessions.size, rooms, ...t };
  }
}

export function summarizeClient(s: Session, node: string): ClientSummary {
  return {
    clientId: s.id,
    sub: s.user.sub,
    name: s.user.name,
    role: s.user.role,
    ip: s.ip,
    userAgent: s.userAgent,
    rooms: s.roomList(),
    connectedAt: s.connectedAt,
    messagesIn: s.messagesIn,
    bytesIn: s.bytesIn,
    messagesOut: s.outbox.framesSent,
    bytesOut: s.outbox.bytesSent,
    queuedBytes: s.outbox.pendingBytes,
    rttMs: s.rttMs,
    node,
  };
}

function clientText(s: Session): string {
  return `${s.id}\n${s.user.sub}\n${s.user.name}\n${s.ip}\n${s.userAgent}`.toLowerCase();
}

/** Index of the first entry whose ordinal is greater than `after` (entries are sorted). */
function firstIndexAfter(entries: Array<[number, unknown]>, after: number): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (entries[mid][0] <= after) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function firstNameAfter(names: string[], after: string): number {
  let lo = 0;
  let hi = names.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (names[mid] <= after) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
