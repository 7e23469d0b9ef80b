/**
 * The admin actions, one implementation behind both doors (WebSocket `admin` messages and REST).
 * Every action that changes something is written to the audit log first and takes effect after;
 * if the entry cannot be written the action is not taken. Kick, ban and revoke go through the
 * engine's control channel, so they reach every hub sharing the engine.
 */
import {
  HubError,
  type AdminAction,
  type AdminAnswerMap,
  type BanAnswer,
  type EnvelopePreview,
  type InspectAnswer,
  type InviteAnswer,
  type AuditDetailsMap,
  type DeniedAttempt,
  type KickAnswer,
  type RevokeAnswer,
  type Role,
  type SnapshotEvent,
  type UnbanAnswer,
} from '../protocol/index.js';
import type { ExtensionHost } from '../core/extension-host.js';
import type { BanList } from '../auth/bans.js';
import type { AuditLog, AuditRecord } from './audit-log.js';
import type { AuditThrottle } from './audit-throttle.js';
import type { ClientDirectory } from './client-directory.js';
import type { ClusterView } from './cluster.js';
import type { Invites, Redemption } from './invites.js';
import { AdminListings } from './admin-listings.js';
import { envelopePreview, type TrafficInspector } from './traffic-inspector.js';
import { parseBan, parseInspect, parseInvite, parseJti, parseKick, parseSub, type Params } from './admin-params.js';

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
  core: ExtensionHost;
  bans: BanList;
  audit: AuditLog;
  throttle: AuditThrottle;
  directory: ClientDirectory;
  invites: Invites;
  inspector: TrafficInspector;
  cluster: ClusterView;
}

/** One handler per action; the compiler holds each to its answer in `AdminAnswerMap`. */
type ActionHandlers = { [A in AdminAction]: (params: Params, actor: Actor) => Promise<AdminAnswerMap[A]> };

const SNAPSHOT_PAGE = 50;
const RECENT_ENVELOPES = 10;

export class AdminService {
  private readonly listings: AdminListings;
  private readonly actions: ActionHandlers = {
    kick: (params, actor) => this.kick(params, actor),
    ban: (params, actor) => this.ban(params, actor),
    unban: (params, actor) => this.unban(params, actor),
    invite: (params, actor) => this.invite(params, actor),
    revoke: (params, actor) => this.revoke(params, actor),
    inspect: (params, actor) => this.inspect(params, actor),
    list: (params) => this.listings.list(params),
  };

  constructor(private readonly parts: AdminServiceParts) {
    this.listings = new AdminListings(parts);
  }

  /** A failure in one of admin's own callbacks: logged and counted by the core's guard. */
  reportCallbackError(where: string, err: unknown): void {
    this.parts.core.guard.report(where, err);
  }

  perform<A extends AdminAction>(action: A, params: Params, actor: Actor): Promise<AdminAnswerMap[A]> {
    return this.actions[action](params, actor);
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

  denied(who: Intruder, attempt: DeniedAttempt, message: string): void {
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

  private async kick(params: Params, actor: Actor): Promise<KickAnswer> {
    const { clientId, sub, reason } = parseKick(params);
    const { core } = this.parts;
    const local = [...core.sessions.values()].filter((s) =>
      clientId !== undefined ? s.id === clientId : s.user.sub === sub,
    );
    // With a shared engine the client may be on another hub; alone, an unknown one is an error.
    if (local.length === 0 && !core.engine.capabilities.shared) {
      throw new HubError('not_found', clientId !== undefined ? `no client ${clientId}` : `no connection of ${sub}`);
    }
    const target: { clientId: string; sub: string | null } | { sub: string } =
      clientId !== undefined ? { clientId, sub: local[0]?.user.sub ?? null } : { sub: sub! };
    this.record(actor, 'kick', { target, reason });
    await core.engine.control({ kind: 'kick', clientId, sub, reason });
    return { ...target, reason, kicked: local.length };
  }

  private async ban(params: Params, actor: Actor): Promise<BanAnswer> {
    const { sub, minutes, reason } = parseBan(params);
    if (sub === actor.sub) throw new HubError('conflict', 'an admin cannot ban their own sub');
    const at = Date.now();
    const until = at + Math.round(minutes * 60_000);
    this.record(actor, 'ban', { target: { sub }, minutes, until, reason });
    await this.parts.bans.ban({ sub, until, reason, by: actor.sub, at });
    await this.parts.core.engine.control({ kind: 'ban', sub, until, reason });
    return { sub, until, reason };
  }

  private async unban(params: Params, actor: Actor): Promise<UnbanAnswer> {
    const { sub } = parseSub(params);
    if (!(await this.parts.bans.find(sub))) throw new HubError('not_found', `${sub} is not banned`);
    this.record(actor, 'unban', { target: { sub } });
    await this.parts.bans.unban(sub);
    await this.parts.core.engine.control({ kind: 'unban', sub });
    return { sub, unbanned: true };
  }

  private async invite(params: Params, actor: Actor): Promise<InviteAnswer> {
    const p = parseInvite(params);
    const invite = this.parts.invites.plan(p, actor.sub);
    const { jti, sub, rooms, role, maxUses, expiresAt, name } = invite;
    this.record(actor, 'invite', { target: { jti, sub }, rooms, role, name, maxUses, expiresAt });
    const { token, url, warning } = await this.parts.invites.create(invite);
    const answer: InviteAnswer = { token, url, jti, sub, name, rooms, role, maxUses, expiresAt };
    // Made while sharing is off: the link points at loopback, colleagues cannot open it.
    if (warning) answer.warning = warning;
    return answer;
  }

  private async revoke(params: Params, actor: Actor): Promise<RevokeAnswer> {
    const { jti } = parseJti(params);
    const invite = await this.parts.invites.find(jti);
    if (!invite) throw new HubError('not_found', `no invite ${jti}`);
    this.record(actor, 'revoke', { target: { jti, sub: invite.sub } });
    await this.parts.invites.revoke(invite);
    await this.parts.core.engine.control({ kind: 'revoke', jti });
    return { jti, revoked: true };
  }

  private async inspect(params: Params, actor: Actor): Promise<InspectAnswer> {
    const { room, on } = parseInspect(params);
    this.record(actor, 'inspect', { target: { room: room ?? '*' }, on });
    this.parts.inspector.set(room, on);
    const recent = on && room !== undefined ? await this.recent(room) : [];
    return { inspect: this.parts.inspector.active, recent };
  }

  /** The room's last few envelopes from history, previewed like `traffic` events. */
  private async recent(room: string): Promise<EnvelopePreview[]> {
    const { engine } = this.parts.core;
    const { position } = await engine.history(room);
    if (position.seq === 0) return [];
    const since = { epoch: position.epoch, seq: Math.max(0, position.seq - RECENT_ENVELOPES) };
    return (await engine.history(room, since)).messages.map((m) => envelopePreview(m));
  }

  /** Write the action's audit entry, durably, before it takes effect. */
  private record<A extends AdminAction & keyof AuditDetailsMap>(
    actor: Actor,
    action: A,
    details: AuditDetailsMap[A],
  ): void {
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
