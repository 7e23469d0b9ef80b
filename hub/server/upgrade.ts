/**
 * The upgrade handshake, in the protocol's order: path → Host → Origin → hub state → subprotocol →
 * token → bans → connection limits. Every refusal is an HTTP status with a JSON body; nothing is
 * upgraded and the token is never echoed or logged.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { HTTP_STATUS, HubError, SUBPROTOCOL, refusalFields, type ErrorCode } from '../protocol/index.js';
import type { HubCore } from '../core/hub-core.js';
import { HubWebSocket } from '../core/client-socket.js';
import { isEngineFailure } from '../core/engine-errors.js';
import type { SessionIdentity } from '../core/session.js';
import type { BanList } from '../auth/bans.js';
import { bannedRefusal } from '../auth/admission.js';
import type { OriginPolicy } from './origin-policy.js';
import { clientIp, refuseUpgrade } from '../http/http-util.js';
import { hasQueryToken, offeredSubprotocols, upgradeToken } from './credentials.js';
import { sharedUserAgent } from './shared-strings.js';
import type { Refusal } from '../http/extension.js';

export type { Refusal } from '../http/extension.js';

type RefusalDetail = ReturnType<typeof refusalFields>;

export interface UpgradeContext {
  core: HubCore;
  /** The hub's token verifier (the core holds it too, for in-session refreshes). */
  verify(token: string): Promise<SessionIdentity>;
  policy: OriginPolicy;
  bans: BanList;
  maxFrameBytes: number;
  /** Extra admission checks (revoked or used-up invites); throw a HubError to refuse. */
  admit: Array<(identity: SessionIdentity, ip: string) => Promise<void>>;
  onRefused(refusal: Refusal): void;
}

/** A refused upgrade: its HTTP status is the protocol's for its code (HTTP_STATUS), or a HubError's own. */
class Refused extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly sub?: string,
    readonly detail: RefusalDetail = {},
    readonly status: number = HTTP_STATUS[code],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  static of(err: HubError, sub?: string): Refused {
    return new Refused(err.code, err.message, sub, refusalFields(err), err.status);
  }
}

const NOT_ALLOWED: RefusalDetail = { reason: 'not_allowed' };

/**
 * A peer that resets mid-handshake is not our error. Module-level on purpose: a closure here would
 * keep each connection's upgrade request (and its bearer header) alive for the socket's lifetime.
 */
function ignoreSocketError(): void {}

export function createUpgradeHandler(
  ctx: UpgradeContext,
): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: ctx.maxFrameBytes,
    perMessageDeflate: false,
    clientTracking: false,
    // Its events reach the session without a listener per socket.
    WebSocket: HubWebSocket,
    // Answer `insight.v1` and nothing else: the bearer entry is never echoed.
    handleProtocols: (protocols) => (protocols.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
  });
  // What ws still refuses after the hub's checks (a subprotocol list it cannot parse) is answered
  // like every other refusal, in JSON, not with ws's plain text.
  wss.on('wsClientError', (err: Error, socket: Duplex) => refuseUpgrade(socket, 400, 'bad_request', err.message));

  return (req, socket, head) => {
    socket.on('error', ignoreSocketError);
    const ip = clientIp(req);
    admitUpgrade(ctx, req, ip)
      .then((identity) => {
        if (socket.destroyed) return;
        if (ctx.core.draining) throw new Refused('unavailable', 'hub is shutting down');
        // Corked, the 101 and the welcome (written in attach) leave in one write.
        socket.cork();
        wss.handleUpgrade(req, socket, head, (ws) => {
          // ws has its own error listener on the socket now; ours would cost an array per connection.
          socket.off('error', ignoreSocketError);
          ctx.core.attach(ws, socket, identity, {
            ip,
            userAgent: sharedUserAgent(req.headers['user-agent']),
          });
        });
        socket.uncork();
      })
      .catch((err: unknown) => {
        // An engine outage is answered 503/504 like any HubError, and logged as an outage, not a bug.
        if (isEngineFailure(err)) ctx.core.logEngineFailure(err, 'upgrade');
        const r =
          err instanceof Refused
            ? err
            : err instanceof HubError
              ? Refused.of(err)
              : new Refused('internal', 'internal error');
        const { reason, until } = r.detail;
        ctx.onRefused({
          status: r.status,
          code: r.code,
          message: r.message,
          ip,
          sub: r.sub,
          origin: req.headers.origin,
          reason,
          until,
        });
        refuseUpgrade(socket, r.status, r.code, r.message, r.detail, r.headers);
      });
  };
}

const WEBSOCKET_KEY = /^[+/0-9A-Za-z]{22}==$/;

/** RFC 6455's request shape, as ws checks it, answered in JSON before any token is verified. */
function handshakeProblem(req: IncomingMessage): Refused | undefined {
  if (req.method !== 'GET')
    return new Refused('bad_request', 'a WebSocket upgrade is a GET', undefined, {}, 405, { Allow: 'GET' });
  if (req.headers.upgrade?.toLowerCase() !== 'websocket')
    return new Refused('bad_request', 'Upgrade header must be "websocket"');
  const key = req.headers['sec-websocket-key'];
  if (key === undefined || !WEBSOCKET_KEY.test(key))
    return new Refused('bad_request', 'missing or invalid Sec-WebSocket-Key header');
  const version = req.headers['sec-websocket-version'];
  if (version !== '13' && version !== '8') {
    return new Refused('bad_request', 'Sec-WebSocket-Version must be 13', undefined, {}, 400, {
      'Sec-WebSocket-Version': '13, 8',
    });
  }
  return undefined;
}

async function admitUpgrade(ctx: UpgradeContext, req: IncomingMessage, ip: string): Promise<SessionIdentity> {
  const target = req.url ?? '/';
  const queryAt = target.indexOf('?');
  // The path as sent, never normalized: `/./ws` or an absolute-form target is not the endpoint.
  if ((queryAt < 0 ? target : target.slice(0, queryAt)) !== '/ws')
    throw new Refused('not_found', 'no WebSocket endpoint here; connect to /ws');
  const shape = handshakeProblem(req);
  if (shape) throw shape;
  if (!ctx.policy.hostAllowed(req.headers.host))
    throw new Refused('forbidden', 'host not allowed', undefined, NOT_ALLOWED);
  const origin = req.headers.origin;
  if (origin !== undefined && !ctx.policy.originAllowed(origin))
    throw new Refused('forbidden', 'origin not allowed', undefined, NOT_ALLOWED);
  if (ctx.core.draining) throw new Refused('unavailable', 'hub is shutting down');
  if (queryAt >= 0 && hasQueryToken(new URL(target, 'http://hub.invalid'))) {
    throw new Refused(
      'bad_request',
      'tokens in the query string are refused; use the bearer subprotocol or the Authorization header',
    );
  }
  const subprotocols = offeredSubprotocols(req);
  if (!subprotocols.includes(SUBPROTOCOL)) throw new Refused('bad_request', `subprotocol ${SUBPROTOCOL} required`);
  const token = upgradeToken(req, subprotocols);
  if (!token) throw new Refused('unauthorized', 'token missing', undefined, { reason: 'invalid' });
  const identity = await ctx.verify(token);
  const sub = identity.user.sub;
  const ban = await ctx.bans.find(sub);
  if (ban) {
    throw Refused.of(bannedRefusal(ban), sub);
  }
  for (const check of ctx.admit) {
    try {
      await check(identity, ip);
    } catch (err) {
      if (err instanceof HubError && !isEngineFailure(err)) throw Refused.of(err, sub);
      throw err;
    }
  }
  const limit = ctx.core.connections.refusal(sub, ip);
  if (limit) throw new Refused(limit.code, limit.message, sub);
  return identity;
}
