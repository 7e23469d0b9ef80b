/**
 * The admin extension: the `$admin` feed (snapshot, stats, events, sampled traffic), admin actions
 * over WebSocket and REST, invites, and the audit log of actions, denials and refused upgrades.
 */
import { isHubRoom, type DeniedAttempt } from '../protocol/index.js';
import type { HubContext, HubExtension } from '../http/extension.js';
import { AdminFeed } from './admin-feed.js';
import { createAdminGateway } from './admin-gateway.js';
import { addAdminRoutes } from './admin-routes.js';
import { AdminService, type Intruder } from './admin-service.js';
import { AuditLog } from './audit-log.js';
import { AuditThrottle } from './audit-throttle.js';
import { ClientDirectory, summarizeClient } from './client-directory.js';
import { Invites } from './invites.js';
import { addRedeemRoute, isLoopbackHost } from './invite-redemption.js';
import { ClusterView } from './cluster.js';
import { StatsSampler } from './stats-sampler.js';
import { TrafficInspector } from './traffic-inspector.js';

export { AdminService, type Actor, type Intruder } from './admin-service.js';
export { AuditLog, type AuditEntry, type AuditKind, type AuditPage, type AuditRecord } from './audit-log.js';
export { ADMIN_EPOCH, HUB_SENDER, type AdminEvent } from './admin-feed.js';
export type { ClientSummary, Page, RoomSummary } from './client-directory.js';
export type { RoomRates } from './stats-sampler.js';

export interface AdminOptions {
  /** How often `stats` is published (default 1000 ms). */
  statsIntervalMs?: number;
  /** Rooms listed in each `stats` event, busiest first (default 100). */
  statsRooms?: number;
  /** `traffic` events per second while inspecting (default 20). */
  inspectPerSecond?: number;
  /** Refused upgrades and denials written per second before they are summarized (default 100). */
  auditRefusalsPerSecond?: number;
  /** A refused upgrade is written once per (sub or address, reason) within this window (default 10 min). */
  auditRepeatWindowMs?: number;
  /** Rotated audit files kept (default 5). */
  auditKeep?: number;
}

export interface AdminInstallation {
  service: AdminService;
  audit: AuditLog;
  /** Record a refused request made to another extension's admin-only route (e.g. /metrics). */
  denied(who: Intruder, attempt: DeniedAttempt, message: string): void;
}

export function adminExtension(options: AdminOptions = {}): HubExtension {
  return (ctx) => void installAdmin(ctx, options);
}

export function installAdmin(ctx: HubContext, options: AdminOptions = {}): AdminInstallation {
  const { core } = ctx;
  const logger = ctx.options.logger;
  const audit = new AuditLog({
    dir: ctx.options.dataDir,
    maxBytes: ctx.options.auditMaxBytes,
    keep: options.auditKeep,
  });
  const throttle = new AuditThrottle(
    audit,
    options.auditRefusalsPerSecond ?? 100,
    (err) => logger?.error({ err: (err as Error).message }, 'audit log write failed'),
    Date.now,
    options.auditRepeatWindowMs,
  );
  const feed = new AdminFeed(core);
  const directory = new ClientDirectory(core);
  const cluster = new ClusterView(core, Date.now(), core.options.version);
  const inspector = new TrafficInspector(feed, options.inspectPerSecond ?? 20);
  const { publicKey, jwksUrl } = ctx.options.auth;
  // Links on a loopback address (sharing off, or 0.0.0.0 without --public-url) open on this computer only.
  const loopbackOnly = isLoopbackHost(new URL(ctx.url).hostname.replace(/^\[|\]$/g, ''));
  const invites = new Invites(
    core.engine.records,
    ctx.revocations,
    (claims) => ctx.mint(claims),
    ctx.url,
    !publicKey && !jwksUrl,
    loopbackOnly,
  );
  const service = new AdminService({ core, bans: ctx.bans, audit, throttle, directory, invites, inspector, cluster });

  audit.onEntry((entry) => feed.publish('audit', entry));
  core.admin = createAdminGateway(service, feed, inspector);
  ctx.refusals.push((r) => {
    const details = {
      status: r.status,
      code: r.code,
      reason: r.message,
      ...(r.reason ? { refusal: r.reason } : {}),
      ...(r.until !== undefined ? { until: r.until } : {}),
      ...(r.origin ? { origin: r.origin.slice(0, 200) } : {}),
    };
    throttle.record({ kind: 'refused', action: 'upgrade', via: 'upgrade', ip: r.ip, sub: r.sub, details });
  });

  core.observe({
    connected(session) {
      directory.connected(session);
      feed.publish('client.connected', () => summarizeClient(session, core.engine.nodeId));
    },
    disconnected(session, code, reason) {
      directory.disconnected(session);
      const { sub, name } = session.user;
      feed.publish('client.disconnected', { clientId: session.id, sub, name, code, reason });
      // Nobody left to see sampled traffic: stop building it.
      if (!feed.watched) inspector.clear();
    },
    roomCreated(room) {
      if (isHubRoom(room)) return;
      directory.roomCreated(room);
      feed.publish('room.created', { room });
    },
    roomEmptied(room) {
      if (isHubRoom(room)) return;
      directory.roomEmptied(room);
      feed.publish('room.emptied', { room });
    },
    delivered(msg, recipients) {
      inspector.delivered(msg, recipients);
    },
    control(cmd) {
      // Kick, ban and revoke are carried out by the core (HubCore.onControl).
      cluster.onControl(cmd);
    },
  });

  const sampler = new StatsSampler(core, options.statsRooms ?? 100, options.statsIntervalMs ?? 1000).start();
  const timer = setInterval(
    core.guard.wrap('admin_stats', () => {
      const stats = sampler.sample();
      const own = cluster.ownLine(stats);
      cluster.broadcast(own);
      if (feed.watched)
        feed.publish('stats', {
          ...stats,
          startedAt: cluster.startedAt,
          version: cluster.version,
          ...cluster.hubs(own),
        });
    }),
    options.statsIntervalMs ?? 1000,
  );
  timer.unref();
  cluster.start();

  addAdminRoutes(ctx.router, ctx.auth, service, ctx.options.limits.maxHttpBodyBytes);
  addRedeemRoute(ctx, invites, (redemption, ip) => {
    service.redeemed(redemption, ip);
    feed.publish('invite.redeemed', redemption);
  });
  ctx.onClose.push(() => {
    clearInterval(timer);
    cluster.stop();
    sampler.stop();
    throttle.flush();
  });

  return { service, audit, denied: (who, attempt, message) => service.denied(who, attempt, message) };
}
