/** `createHub(options)`: wires keys, engine, core, HTTP(S) server, upgrade handler and routes. */
import './stream-shapes.js';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { HubCore } from '../core/hub-core.js';
import { createEngine } from './engine-choice.js';
import { loadVerificationKey } from '../auth/keys.js';
import { TokenVerifier } from '../auth/verifier.js';
import { mintToken } from '../auth/mint.js';
import { BanList } from '../auth/bans.js';
import { Revocations } from '../auth/revocations.js';
import { checkNotInvite, checkRevoked } from '../auth/admission.js';
import { resolveOptions, type HubOptionsInput } from './options.js';
import { createLogger } from './logger.js';
import { chooseLogFormat, prettyDestination } from './log-format.js';
import { createOriginPolicy } from './origin-policy.js';
import { createUpgradeHandler } from './upgrade.js';
import { ConnectionGuard } from './connection-guard.js';
import { RefusalThrottle } from '../core/refusal-throttle.js';
import type { HubContext, HubExtension } from '../http/extension.js';
import { Router } from '../http/router.js';
import { createRestAuth } from '../http/rest-auth.js';
import { addRoomRoutes } from './room-routes.js';
import { addSessionRoute } from './session-route.js';
import { createStaticHandler, defaultWebRoot } from './static-files.js';
import { MAX_HEAD_BYTES, answerClientError, sendJson, sendError } from '../http/http-util.js';
import { HUB_VERSION } from './version.js';
import type { Hub, HubState, MintClaims } from './types.js';

export type { HubContext, HubExtension } from '../http/extension.js';
// The history bounds are read here by the tests that build their own engines.
export { historyPolicyFor } from './engine-choice.js';

export async function createHub(input: HubOptionsInput = {}, extensions: HubExtension[] = []): Promise<Hub> {
  const options = resolveOptions(input);
  const logger =
    options.logger ??
    createLogger(options.logLevel, chooseLogFormat(options.logFormat) === 'pretty' ? prettyDestination() : undefined);
  options.logger = logger;
  const key = await loadVerificationKey({ ...options.auth, dataDir: options.dataDir });
  const verifier = new TokenVerifier(key, {
    issuer: options.auth.issuer,
    clockToleranceSec: options.auth.clockToleranceSec,
  });
  const engine = await createEngine(options);
  const core = new HubCore(
    engine,
    {
      version: HUB_VERSION,
      heartbeatMs: options.heartbeatMs,
      reconnectAfterMs: options.reconnectAfterMs,
      presenceCoalesceMs: options.presenceCoalesceMs,
      presenceBigRoom: options.presenceBigRoom,
      presenceBigRoomMs: options.presenceBigRoomMs,
      tokenExpiryNoticeMs: options.tokenExpiryNoticeMs,
      clockToleranceMs: options.auth.clockToleranceSec * 1000,
      slowConsumerGraceMs: 10_000,
      limits: options.limits,
      logger,
    },
    (token) => verifier.verify(token),
  );
  await core.start();

  const bans = new BanList(engine.records, Date.now, (sub) =>
    logger.warn({ kind: 'ban', key: sub }, 'a stored ban is not readable: skipped'),
  );
  const revocations = new Revocations(engine.records);
  const admit: HubContext['admit'] = [
    async ({ claims }) => {
      await checkRevoked(claims, revocations);
      await checkNotInvite(claims, revocations);
    },
  ];
  // Refusals come in floods: the process log gets a bounded number of lines and a summary.
  const refusalLog = new RefusalThrottle<() => void>(
    options.logRefusalsPerSecond,
    (write) => write(),
    (count, perSecond) => logger.warn({ suppressed: count, perSecond }, `${count} similar refusals suppressed`),
  );
  const refusals: HubContext['refusals'] = [
    (r) =>
      refusalLog.record(() =>
        logger.info({ status: r.status, reason: r.message, ip: r.ip, sub: r.sub }, 'upgrade refused'),
      ),
  ];
  // Browsers open sockets they may never use: a header timeout is routine, a cap being hit is not.
  const sockets = new ConnectionGuard(options.limits, Boolean(options.tls), (r) =>
    refusalLog.record(() =>
      logger[r.reason === 'header_timeout' ? 'info' : 'warn'](
        { reason: r.reason, ip: r.ip },
        `connection refused: ${r.message}`,
      ),
    ),
  );
  const router = new Router();
  const auth = createRestAuth((t) => verifier.verify(t), bans, admit);
  const serveStatic = createStaticHandler(options.webRoot ?? defaultWebRoot());
  let state: HubState = 'starting';

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://hub.invalid');
    if (url.pathname === '/healthz') return sendJson(res, 200, { status: 'ok' });
    if (url.pathname === '/readyz') {
      if (state !== 'running') return sendError(res, 'unavailable', `hub is ${state}`);
      const health = core.engineHealth;
      if (health === 'down')
        return sendJson(res, 503, { error: 'unavailable', message: `engine ${engine.name} is down`, engine: 'down' });
      // Connected but not answering its probe: every publish now would end `outcome_unknown`.
      if (health === 'stalled')
        return sendJson(res, 503, {
          error: 'unavailable',
          message: `engine ${engine.name} is not answering`,
          engine: 'stalled',
        });
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

  // After its head, a request's body (and a keep-alive connection's next head) is bounded too:
  // twice the header timeout, checked every second, so a body never sent cannot hold a socket long.
  const timing = { connectionsCheckingInterval: 1000, maxHeaderSize: MAX_HEAD_BYTES };
  const server: Server = options.tls
    ? createHttpsServer({ ...timing, cert: options.tls.cert, key: options.tls.key }, onRequest)
    : createHttpServer(timing, onRequest);
  server.on('clientError', answerClientError);
  // A second later than the connection guard's timer, so a first head always gets the guard's JSON 408.
  server.headersTimeout = options.limits.headerTimeoutMs + 1000;
  server.requestTimeout = 2 * options.limits.headerTimeoutMs;
  sockets.install(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // Listening, the server's 'error' is a failed accept (EMFILE): without a listener it would end the process.
  server.on(
    'error',
    core.guard.wrap('accept', (err: NodeJS.ErrnoException) => sockets.acceptFailed(err)),
  );
  if (sockets.ceiling < options.limits.maxTcpConnections) {
    logger.info(
      { ceiling: sockets.ceiling, descriptorLimit: sockets.fdLimit },
      'TCP connections capped below the descriptor limit',
    );
  }
  const port = (server.address() as AddressInfo).port;
  const scheme = options.tls ? 'https' : 'http';
  const displayHost =
    options.host === '0.0.0.0' || options.host === '::'
      ? '127.0.0.1'
      : options.host.includes(':')
        ? `[${options.host}]`
        : options.host;
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
  const ctx: HubContext = {
    options,
    core,
    router,
    auth,
    bans,
    revocations,
    admit,
    refusals,
    sockets,
    mint,
    hostAllowed,
    url: options.publicUrl ?? url,
    onClose: [],
  };
  addRoomRoutes(router, core, auth, options.limits);
  addSessionRoute(router, core, bans, revocations);
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
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    sockets.headArrived(socket);
    onUpgrade(req, socket, head);
  });
  state = 'running';
  logger.info(
    {
      url,
      engine: engine.name,
      history: options.redis || options.engine ? undefined : options.history.store,
      key: key.source,
    },
    'hub listening',
  );

  const closeServer = async (): Promise<void> => {
    for (const fn of ctx.onClose) await fn();
    refusalLog.flush();
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
    suspend: () => core.suspend(),
    resume: () => core.resume(),
    async close() {
      if (state === 'closed') return;
      state = 'draining';
      await closeServer();
    },
  };
}
