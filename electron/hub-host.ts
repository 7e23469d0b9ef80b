/**
 * The hub as the desktop runs it, inside its own process: start `createHub` from the saved
 * settings, tell main where it listens, report the connection count, mint admin tokens for the
 * console, and drain when main (or a signal) says so. Everything it talks to is passed in, so
 * tests run it in-process or forked exactly as the app does.
 */
import { networkInterfaces } from 'node:os';
import { createHub, type HubExtension } from '../hub/server/create-hub.js';
import { hubExtensions } from '../hub/extensions.js';
import type { Hub } from '../hub/server/types.js';
import { EXIT_START_FAILED, isMainToHub, type HubToMain } from './hub-channel.js';
import { planHub } from './hub-config.js';
import type { InterfaceTable } from './lan.js';
import { loadSettings } from './settings.js';

/** How the hub process hears from and answers to main. */
export interface ParentChannel {
  post(message: HubToMain): void;
  onMessage(listener: (message: unknown) => void): void;
}

export interface HubHostOptions {
  userDataDir: string;
  webRoot?: string;
  channel: ParentChannel;
  exit(code: number): void;
  interfaces?: () => InterfaceTable;
  logLevel?: string;
  statsIntervalMs?: number;
  /** Admin tokens for the console live this long; it asks for a new one before they end. */
  adminTokenTtlSec?: number;
  log?: (message: string) => void;
}

export const DESKTOP_ADMIN = { sub: 'desktop-admin', name: 'Desktop console' } as const;

export interface HubHost {
  readonly hub: Hub | undefined;
  /** Drain the hub (clients get `notice shutdown` and 1001), then exit. Idempotent. */
  drain(timeoutMs?: number): Promise<void>;
}

export function runHubHost(o: HubHostOptions): HubHost {
  const log = o.log ?? ((message: string) => console.error(`[hub-process] ${message}`));
  let hub: Hub | undefined;
  let statsTimer: ReturnType<typeof setInterval> | undefined;
  let draining: Promise<void> | undefined;
  let drainTimeout: number | undefined;
  let readCount = (): number => 0;

  const countConnections: HubExtension = (ctx) => {
    readCount = () => ctx.core.connections.total;
  };

  const started = (async (): Promise<Hub | undefined> => {
    try {
      const { settings, keptAside } = await loadSettings(o.userDataDir);
      if (keptAside) log(`settings were unusable (${keptAside.reason}); kept as ${keptAside.path}, using defaults`);
      const plan = await planHub({
        settings,
        userDataDir: o.userDataDir,
        webRoot: o.webRoot,
        interfaces: (o.interfaces ?? networkInterfaces)(),
      });
      if (plan.warning) log(plan.warning);
      const running = await createHub({ ...plan.options, logLevel: o.logLevel ?? 'info' }, [
        ...hubExtensions(),
        countConnections,
      ]);
      hub = running;
      o.channel.post({
        type: 'ready',
        url: running.url,
        wsUrl: running.wsUrl,
        host: plan.host,
        port: running.port,
        tls: plan.tls,
        fingerprint: plan.fingerprint,
        joinUrl: `${running.url}/`,
        ...(plan.warning ? { warning: plan.warning } : {}),
      });
      let last = -1;
      statsTimer = setInterval(() => {
        const connections = readCount();
        if (connections === last) return;
        last = connections;
        o.channel.post({ type: 'stats', connections });
      }, o.statsIntervalMs ?? 1000);
      statsTimer.unref();
      return running;
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      const where = e as { address?: string; port?: number };
      const message =
        e.code === 'EADDRINUSE' ? `${where.address}:${where.port} is already in use by another program` : e.message;
      log(`could not start: ${message}`);
      o.channel.post({ type: 'failed', code: e.code ?? 'start_failed', message });
      // Without a hub this process has nothing to do; main decides whether to try again.
      o.exit(EXIT_START_FAILED);
      return undefined;
    }
  })();

  const drain = (timeoutMs?: number): Promise<void> => {
    drainTimeout ??= timeoutMs;
    draining ??= (async () => {
      o.channel.post({ type: 'draining' });
      const running = await started;
      if (statsTimer) clearInterval(statsTimer);
      try {
        if (running) await running.drain(drainTimeout);
      } catch (err) {
        // The process ends either way; a drain that failed must not end it as an unhandled rejection.
        log(`drain failed: ${err instanceof Error ? err.message : String(err)}`);
      }
      o.channel.post({ type: 'drained' });
      o.exit(0);
    })();
    return draining;
  };

  o.channel.onMessage((message) => {
    if (!isMainToHub(message)) return;
    if (message.type === 'drain') {
      drain(message.timeoutMs).catch((err: Error) => log(`drain failed: ${err.message}`));
      return;
    }
    if (message.type === 'suspend' || message.type === 'resume') {
      if (!hub || draining) return;
      if (message.type === 'suspend') hub.suspend();
      else hub.resume();
      return;
    }
    const { requestId } = message;
    const ttlSec = o.adminTokenTtlSec ?? 3600;
    const running = hub;
    if (!running || draining) {
      o.channel.post({ type: 'admin-token-failed', requestId, message: 'the hub is not running' });
      return;
    }
    const expiresAt = Date.now() + ttlSec * 1000;
    running
      .mintToken({ ...DESKTOP_ADMIN, role: 'admin', rooms: ['*'], ttlSec })
      .then((token) => o.channel.post({ type: 'admin-token', requestId, token, expiresAt }))
      .catch((err: Error) => o.channel.post({ type: 'admin-token-failed', requestId, message: err.message }));
  });

  return {
    get hub() {
      return hub;
    },
    drain,
  };
}
