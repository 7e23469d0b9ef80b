/** `createHub(options)`: wires keys, engine, core, HTTP(S) server, upgrade handler and routes. */
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { HubError } from '../protocol/index.js';
import { HubCore } from '../core/hub-core.js';
import type { Engine, HistoryPolicyFor } from '../core/engine.js';
import { MemoryEngine } from '../engines/memory/memory-engine.js';
import { loadVerificationKey } from '../auth/keys.js';
import { TokenVerifier } from '../auth/verifier.js';
import { mintToken } from '../auth/mint.js';
import { BanList } from '../auth/bans.js';
import { Revocations } from '../auth/revocations.js';
import { resolveOptions, type HubOptions, type HubOptionsInput } from './options.js';
import { createLogger } from './logger.js';
import { createOriginPolicy } from './origin-policy.js';
import { createUpgradeHandler } from './upgrade.js';
import type { HubContext, HubExtension } from '../http/extension.js';
import { Router } from '../http/router.js';
import { createRestAuth } from '../http/rest-auth.js';
import { addRoomRoutes } from './room-routes.js';
import { createStaticHandler, defaultWebRoot } from './static-files.js';
import { sendJson, sendError } from '../http/http-util.js';
import { HUB_VERSION } from './version.js';
import type { Hub, HubState, MintClaims } from './types.js';

export type { HubContext, HubExtension } from '../http/extension.js';

export function historyPolicyFor(options: HubOptions): HistoryPolicyFor {
  const overrides = options.history.rooms.map((r) => ({
    ...r,
    test: r.pattern === '*' ? () => true : r.pattern.endsWith('*') ? (room: string) => room.startsWith(r.pattern.slice(0, -1)) : (room: string) => room === r.pattern,
  }));
  return (room) => {
    const o = overrides.find((r) => r.test(room));
    return {
      maxMessages: o?.maxMessages ?? options.history.maxMessages,
      maxAgeMs: o?.maxAgeMs ?? options.history.maxAgeMs,
      maxBytes: o?.maxBytes ?? options.history.maxBytes,
    };
  };
}

async function createEngine(options: HubOptions): Promise<Engine> {
  if (options.engine) return options.engine;
  const historyPolicy = historyPolicyFor(options);
  if (options.redis) {
    const { createRedisEngine } = await import('../engines/redis/index.js');
    return createRedisEngine({ url: options.redis, historyPolicy, logger: options.logger });
  }
  return new MemoryEngine({ historyPolicy, recordsFile: join(options.dataDir, 'records.json') });
}

export async function createHub(input: HubOptionsInput = {}, extensions: HubExtension[] = []): Promise<Hub> {
  const options = resolveOptions(input);
  const logger = options.logger ?? createLogger(options.logLevel);
  options.logger = logger;
  const key = await loadVerificationKey({ ...options.auth, dataDir: options.dataDir });
  const verifier = new TokenVerifier(key, { issuer: options.auth.issuer, clockToleranceSec: options.auth.clockToleranceSec });
  const engine = await createEngine(options);
  const core = new HubCore(
    engine,
    {
      version: HUB_VERSION,
      heartbeatMs: options.heartbeatMs,
      reconnectAfterMs: options.reconnectAfterMs,
      presenceCoalesceMs: options.presenceCoalesceMs,
      tokenExpiryNoticeMs: options.tokenExpiryNoticeMs,
      clockToleranceMs: options.auth.clockToleranceSec * 1000,
      slowConsumerGraceMs: 10_000,
      limits: options.limits,
      logger,
    },
    (token) => verifier.verify(token),
  );
  await core.start();

  const bans = new BanList(engine.records);
  const revocations = new Revocations(engine.records);
  const admit: HubContext['admit'] = [
    async (identity) => {
      if (await revocations.isRevoked(identity.claims.jti)) throw new HubError('unauthorized', 'token revoked');
    },
  ];
  const refusals: HubContext['refusals'] = [
    (r) => logger.info({ status: r.status, reason: r.message, ip: r.ip, sub: r.sub }, 'upgrade refused'),
  ];
  const router = new Router();
  const auth = createRestAuth((t) => verifier.verify(t), bans, admit);
  const serveStatic = createStaticHandler(options.webRoot ?? defaultWebRoot());
  let state: HubState = 'starting';

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://hub.invalid');
    if (url.pathname === '/healthz') return sendJson(res, 200, { status: 'ok' });
    if (url.pathname === '/readyz') {
      if (state !== 'running') return sendError(res, 'unavailable', `hub is ${state}`);
      if (core.engine.state !== 'up') return sendError(res, 'unavailable', `engine ${engine.name} is down`);
      return sendJson(res, 200, { status: 'ready', engine: engine.name });
    }
    router
      .handle(req, res, url)
      .then((handled) => {
        if (handled) return;
        if (url.pathname.startsWith('/api/')) return sendError(res, 'not_found', 'no such route');
        serveStatic(req, res, url);
      })
      .catch(() => {
        if (!res.headersSent) sendError(res, 'internal', 'internal error');
      });
  };

  const server: Server = options.tls ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, onRequest) : createHttpServer(onRequest);
  server.headersTimeout = 15_000;
  server.requestTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const scheme = options.tls ? 'https' : 'http';
  const displayHost = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host.includes(':') ? `[${options.host}]` : options.host;
  const url = `${scheme}://${displayHost}:${port}`;
  const policy = createOriginPolicy({
    bindHost: options.host,
    port,
    tls: Boolean(options.tls),
    allowedHosts: options.allowedHosts,
    allowedOrigins: options.allowedOrigins,
    publicUrl: options.publicUrl,
  });

  const mint = async (claims: MintClaims): Promise<string> => {
    if (!key.signingKey) throw new Error('this hub verifies tokens with a public key and cannot mint them');
    return mintToken(key.signingKey, { ...claims, issuer: options.auth.issuer });
  };
  const hostAllowed = (host: string | undefined): boolean => policy.hostAllowed(host);
  const ctx: HubContext = { options, core, router, auth, bans, revocations, admit, refusals, mint, hostAllowed, url: options.publicUrl ?? url, onClose: [] };
  addRoomRoutes(router, core, auth, options.limits);
  for (const extension of extensions) await extension(ctx);

  const onUpgrade = createUpgradeHandler({
    core,
    verify: (token) => verifier.verify(token),
    policy,
    bans,
    maxFrameBytes: options.limits.maxFrameBytes,
    admit,
    onRefused: (r) => refusals.forEach((fn) => fn(r)),
  });
  server.on('upgrade', onUpgrade);
  state = 'running';
  logger.info({ url, engine: engine.name, key: key.source }, 'hub listening');

  const closeServer = async (): Promise<void> => {
    for (const fn of ctx.onClose) await fn();
    await core.stop();
    server.closeAllConnections?.();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    state = 'closed';
  };

  return {
    options,
    get state() {
      return state;
    },
    port,
    url,
    wsUrl: `${options.tls ? 'wss' : 'ws'}://${displayHost}:${port}/ws`,
    secretSource: key.signingKey ? key.source : undefined,
    mintToken: mint,
    async drain(timeoutMs = options.drainTimeoutMs) {
      if (state === 'closed' || state === 'draining') return;
      state = 'draining';
      logger.info({ timeoutMs }, 'draining');
      await core.drain(timeoutMs);
      await closeServer();
    },
    async close() {
      if (state === 'closed') return;
      state = 'draining';
      await closeServer();
    },
  };
}
