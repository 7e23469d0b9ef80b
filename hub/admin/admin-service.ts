/**
 * The admin actions, one implementation behind both doors (WebSocket `admin` messages and REST).
 * Every action that changes something is written to the audit log first and takes effect after;
 * if the entry cannot be written the action is not taken. Kick, ban and revoke go through the
 * engine's control channel, so they reach every hub sharing the engine.
 */
import {
  ADMIN_ROOM,
  HubError,
  asJson,
  asJsonObject,
  isValidRoomName,
  type AdminAction,
  type Json,
  type JsonObject,
  type Role,
  type SnapshotEvent,
} from '../protocol/index.js';
import type { HubCore } from '../core/hub-core.js';
import type { BanList } from '../auth/bans.js';
import type { AuditLog, AuditRecord } from './audit-log.js';
import type { AuditThrottle } from './audit-throttle.js';
import type { ClientDirectory } from './client-directory.js';
import type { ClusterView } from './cluster.js';
import type { Invites, Redemption } from './invites.js';
import { envelopePreview, type TrafficInspector } from './traffic-inspector.js';
import {
  optionalString,
  parseAuditQuery,
  parseBan,
  parseClientCursor,
  parseInspect,
  parseInvite,
  parseJti,
  parseKick,
  parsePage,
  parseSub,
  requiredString,
} from './admin-params.js';

type Params = Record<string, unknown>;

/** Who asks: an admin's session or REST caller. */
export interface Actor {
  sub: string;
  name: string;
  role: Role;
  ip: string;
  via: 'ws' | 'rest';
  clientId?: string;
}

/** Someone who tried an admin thing without being an admin (sub unknown without a valid token). */
export interface Intruder {
  ip: string;
  via: 'ws' | 'rest';
  sub?: string;
  name?: string;
  clientId?: string;
}

export interface AdminServiceParts {
  core: HubCore;
  bans: BanList;
  audit: AuditLog;
  throttle: AuditThrottle;
  directory: ClientDirectory;
  invites: Invites;
  inspector: TrafficInspector;
  cluster: ClusterView;
}

const SNAPSHOT_PAGE = 50;
const ROOM_MEMBERS_SHOWN = 200;
const RECENT_ENVELOPES = 10;

export class AdminService {
  constructor(private readonly parts: AdminServiceParts) {}

  /** A failure in one of admin's own callbacks: logged and counted by the core's guard. */
  reportCallbackError(where: string, err: unknown): void {
    this.parts.core.guard.report(where, err);
  }

  perform(action: AdminAction, params: Params, actor: Actor): Promise<JsonObject> {
    switch (action) {
      case 'kick':
        return this.kick(params, actor);
      case 'ban':
        return this.ban(params, actor);
      case 'unban':
        return this.unban(params, actor);
      case 'invite':
        return this.invite(params, actor);
      case 'revoke':
        return this.revoke(params, actor);
      case 'inspect':
        return this.inspect(params, actor);
      case 'list':
        return this.list(params);
    }
  }

  /** A non-admin tried `attempt`: refused by the caller, written here (throttled). */
  /** A guest redeemed an invite: who, under what name, from which link (not an admin action, so after the fact). */
  redeemed(r: Redemption, ip: string): void {
    try {
      this.parts.audit.append(
        {
          kind: 'action',
          action: 'redeem',
          via: 'rest',
          ip,
          sub: r.sub,
          name: r.name,
          details: { target: { jti: r.jti } },
        },
        true,
      );
    } catch (err) {
      // The token is already minted; a lost line must not take it back.
      this.parts.core.options.logger?.error(
        { err: (err as Error).message, action: 'redeem' },
        'audit log write failed',
      );
    }
  }

  denied(who: Intruder, attempt: string, message: string): void {
    this.parts.throttle.record({ kind: 'denied', action: attempt, ...who, details: { message } });
  }

  /** What an admin sees first on `$admin`: totals and the first page of rooms and clients. */
  snapshot(): SnapshotEvent {
    const { core, directory, inspector } = this.parts;
    return {
      node: core.engine.nodeId,
      startedAt: this.parts.cluster.startedAt,
      version: this.parts.cluster.version,
      engine: { name: core.engine.name, state: core.engineHealth },
      totals: directory.totals(),
      rooms: directory.rooms({}, SNAPSHOT_PAGE),
      clients: directory.clients({}, SNAPSHOT_PAGE),
      inspect: inspector.active,
    };
  }

  private async kick(params: Params, actor: Actor): Promise<JsonObject> {
    const { clientId, sub, reason } = parseKick(params);
    const { core } = this.parts;
    const local = [...core.sessions.values()].filter((s) =>
      clientId !== undefined ? s.id === clientId : s.user.sub === sub,
    );
    // With a shared engine the client may be on another hub; alone, an unknown one is an error.
    if (local.length === 0 && !core.engine.capabilities.shared) {
      throw new HubError('not_found', clientId !== undefined ? `no client ${clientId}` : `no connection of ${sub}`);
    }
    const target: JsonObject = clientId !== undefined ? { clientId, sub: local[0]?.user.sub ?? null } : { sub: sub! };
    this.record(actor, 'kick', { target, reason });
    await core.engine.control({ kind: 'kick', clientId, sub, reason });
    return { ...target, reason, kicked: local.length };
  }

  private async ban(params: Params, actor: Actor): Promise<JsonObject> {
    const { sub, minutes, reason } = parseBan(params);
    if (sub === actor.sub) throw new HubError('conflict', 'an admin cannot ban their own sub');
    const at = Date.now();
    const until = at + Math.round(minutes * 60_000);
    this.record(actor, 'ban', { target: { sub }, minutes, until, reason });
    await this.parts.bans.ban({ sub, until, reason, by: actor.sub, at });
    await this.parts.core.engine.control({ kind: 'ban', sub, until, reason });
    return { sub, until, reason };
  }

  private async unban(params: Params, actor: Actor): Promise<JsonObject> {
    const { sub } = parseSub(params);
    if (!(await this.parts.bans.find(sub))) throw new HubError('not_found', `${sub} is not banned`);
    this.record(actor, 'unban', { target: { sub } });
    await this.parts.bans.unban(sub);
    await this.parts.core.engine.control({ kind: 'unban', sub });
    return { sub, unbanned: true };
  }

  private async invite(params: Params, actor: Actor): Promise<JsonObject> {
    const p = parseInvite(params);
    const invite = this.parts.invites.plan(p, actor.sub);
    const { jti, sub, rooms, role, maxUses, expiresAt, name } = invite;
    this.record(actor, 'invite', { target: { jti, sub }, rooms, role, name, maxUses, expiresAt });
    const { token, url, warning } = await this.parts.invites.create(invite);
    const answer: JsonObject = { token, url, jti, sub, name, rooms, role, maxUses, expiresAt };
    // Made while sharing is off: the link points at loopback, colleagues cannot open it.
    if (warning) answer.warning = warning;
    return answer;
  }

  private async revoke(params: Params, actor: Actor): Promise<JsonObject> {
    const { jti } = parseJti(params);
    const invite = await this.parts.invites.find(jti);
    if (!invite) throw new HubError('not_found', `no invite ${jti}`);
    this.record(actor, 'revoke', { target: { jti, sub: invite.sub } });
    await this.parts.invites.revoke(invite);
    await this.parts.core.engine.control({ kind: 'revoke', jti });
    return { jti, revoked: true };
  }

  private async inspect(params: Params, actor: Actor): Promise<JsonObject> {
    const { room, on } = parseInspect(params);
    this.record(actor, 'inspect', { target: { room: room ?? '*' }, on });
    this.parts.inspector.set(room, on);
    const recent = on && room !== undefined ? await this.recent(room) : [];
    return { inspect: this.parts.inspector.active, recent };
  }

  /** The room's last few envelopes from history, previewed like `traffic` events. */
  private async recent(room: string): Promise<Json[]> {
    const { engine } = this.parts.core;
    const { position } = await engine.history(room);
    if (position.seq === 0) return [];
    const since = { epoch: position.epoch, seq: Math.max(0, position.seq - RECENT_ENVELOPES) };
    return (await engine.history(room, since)).messages.map((m) => asJson(envelopePreview(m)));
  }

  private async list(params: Params): Promise<JsonObject> {
    const what = requiredString(params, 'what', 16);
    const { directory, bans, invites, audit } = this.parts;
    switch (what) {
      case 'clients': {
        const { limit, cursor } = parsePage(params);
        const room = optionalString(params, 'room', 128);
        if (room !== undefined && !isValidRoomName(room))
          throw new HubError('bad_request', '"room" must be a room name');
        const filter = { room, user: optionalString(params, 'user', 128), text: optionalString(params, 'text', 128) };
        // Other hubs' clients (shared engine) follow this hub's, with the same filters and paging.
        const remote = await this.parts.cluster.remoteClients();
        return asJsonObject(directory.clients(filter, limit, parseClientCursor(cursor), remote));
      }
      case 'rooms': {
        const { limit, cursor } = parsePage(params);
        const filter = { user: optionalString(params, 'user', 128), text: optionalString(params, 'text', 128) };
        return asJsonObject(directory.rooms(filter, limit, cursor));
      }
      case 'room':
        return this.room(requiredString(params, 'room', 128), params.cursor as Json | undefined);
      case 'bans':
        return { items: asJson(await bans.list()) };
      case 'invites':
        return { items: asJson(await invites.list()) };
      case 'audit':
        return asJsonObject(audit.page(parseAuditQuery(params)));
      default:
        throw new HubError('bad_request', '"what" must be clients, rooms, room, bans, invites or audit');
    }
  }

  /** The room with a page of its members: by `cursor` (`membersNext`) where this hub keeps the roster. */
  private async room(room: string, cursor: Json | undefined): Promise<JsonObject> {
    if (!isValidRoomName(room) || room === ADMIN_ROOM) throw new HubError('bad_request', '"room" must be a room name');
    const { core, directory } = this.parts;
    const summary = directory.summarizeRoom(room);
    const history = await core.engine.history(room);
    if (summary.clients === 0 && history.position.seq === 0) throw new HubError('not_found', `no room ${room}`);
    if (cursor !== undefined && typeof cursor !== 'string')
      throw new HubError('bad_request', '"cursor" must be a membersNext string');
    if (core.registry.has(room)) {
      const page = core.engine.presencePage(room, cursor);
      return {
        ...summary,
        position: history.position as unknown as Json,
        memberCount: page.count,
        members: page.members as unknown as Json,
        ...(page.next ? { membersNext: page.next } : {}),
      };
    }
    // No member on this hub (others hold them, with Redis): the shared list, cut.
    const members = await core.engine.presenceList(room);
    return {
      ...summary,
      position: asJson(history.position),
      memberCount: members.length,
      members: asJson(members.slice(0, ROOM_MEMBERS_SHOWN)),
    };
  }

  /** Write the action's audit entry, durably, before it takes effect. */
  private record(actor: Actor, action: AdminAction, details: JsonObject): void {
    const entry: AuditRecord = {
      kind: 'action',
      action,
      via: actor.via,
      ip: actor.ip,
      sub: actor.sub,
      name: actor.name,
      clientId: actor.clientId,
      details,
    };
    try {
      this.parts.audit.append(entry, true);
    } catch (err) {
      this.parts.core.options.logger?.error({ err: (err as Error).message, action }, 'audit log write failed');
      throw new HubError('internal', 'audit log unavailable: action not taken');
    }
  }
}
