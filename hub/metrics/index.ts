/**
 * The metrics extension: one Prometheus registry per hub, fed by core observers and refused
 * upgrades, served at `GET /metrics` to loopback callers or bearers of an admin token.
 */
import type { IncomingMessage } from 'node:http';
import { HubError } from '../protocol/index.js';
import type { HubContext, HubExtension } from '../http/extension.js';
import { clientIp } from '../http/http-util.js';
import { HubMetrics } from './hub-metrics.js';

export { HubMetrics } from './hub-metrics.js';
export { EventLoopLag, type LagWindow } from './event-loop-lag.js';
export { ProcessUsage, type ProcessSample } from './process-usage.js';
export { parseExposition, type MetricFamily, type Sample } from './exposition-parser.js';

/** A `/metrics` request that was turned away (for the audit log). */
export interface MetricsDenial {
  ip: string;
  sub?: string;
  name?: string;
  message: string;
}

export interface MetricsOptions {
  /** Serve loopback callers without a token (default true). Behind a local proxy, turn it off. */
  trustLoopback?: boolean;
  /** Told about every refused `/metrics` request. */
  denied?: (denial: MetricsDenial) => void;
}

export function isLoopback(ip: string): boolean {
  return ip === '::1' || ip.startsWith('127.') || ip.startsWith('::ffff:127.');
}

export function metricsExtension(options: MetricsOptions = {}): HubExtension {
  return (ctx) => void installMetrics(ctx, options);
}

export function installMetrics(ctx: HubContext, options: MetricsOptions = {}): HubMetrics {
  const metrics = new HubMetrics(ctx.core, ctx.sockets).start();
  ctx.core.observe(metrics.observer);
  ctx.refusals.push((r) => metrics.upgradeRefused(r));
  ctx.onClose.push(() => metrics.stop());

  const authorize = async (req: IncomingMessage): Promise<void> => {
    const ip = clientIp(req);
    // A page on another name that resolves to this machine (DNS rebinding) also calls from loopback:
    // the shortcut holds only for the hub's own Host names, the same allowlist as the upgrade.
    if (options.trustLoopback !== false && isLoopback(ip) && ctx.hostAllowed(req.headers.host)) return;
    let identity;
    try {
      identity = await ctx.auth.identify(req);
    } catch (err) {
      const message = err instanceof HubError ? err.message : 'token invalid';
      options.denied?.({ ip, message });
      throw new HubError('forbidden', `metrics are served to loopback or an admin token (${message})`);
    }
    if (identity.user.role !== 'admin') {
      options.denied?.({ ip, sub: identity.user.sub, name: identity.user.name, message: 'admin role required' });
      throw new HubError('forbidden', 'metrics are served to loopback or an admin token');
    }
  };

  ctx.router.add('GET', '/metrics', async (req, res) => {
    await authorize(req);
    const body = await metrics.text();
    res.writeHead(200, {
      'content-type': metrics.contentType,
      'cache-control': 'no-store',
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
  });
  return metrics;
}
