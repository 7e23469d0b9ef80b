/**
 * Scenario 6 — resume storm: 1,000 clients cut at once, messages published while they are away,
 * then all reconnect at the same moment and catch up (hub: subscribe with `since`; Socket.IO:
 * connection state recovery; bare ws has no history, so its gap is reported as missed).
 */
import type { StormReply } from '../load/commands.js';
import type { ServerKind } from '../load/dialect.js';
import type { Metric, ScenarioResult } from '../report/model.js';
import { byKind, shared, startVariant, type ScenarioContext } from './context.js';

export async function resumeStormScenario(ctx: ScenarioContext): Promise<ScenarioResult> {
  const started = Date.now();
  const { clients, before, during, rate, timeoutMs } = ctx.profile.storm;
  const records: Array<StormReply & { server: string; kind: ServerKind }> = [];
  for (const kind of ctx.kinds) {
    // Socket.IO needs connection state recovery for this one; it costs on every broadcast elsewhere.
    const separate = kind === 'socketio';
    const sut = separate ? await startVariant(ctx, kind, { recovery: true }) : await shared(ctx, kind);
    try {
      const reply = await ctx.generator.call<StormReply>(
        'storm',
        {
          target: sut.target,
          authority: sut.authority,
          clients,
          before,
          during,
          rate,
          payloadBytes: ctx.profile.payloadBytes,
          timeoutMs,
        },
        3 * timeoutMs + 60_000,
      );
      records.push({ ...reply, server: sut.label, kind });
      ctx.log(
        `${sut.label.padEnd(18)} reconnect ${reply.reconnectMs.toFixed(0)} ms (${reply.reconnectFailed} failed), ` +
          `caught up ${reply.caughtUp}/${clients} in ${reply.catchUpMs === null ? '—' : reply.catchUpMs.toFixed(0) + ' ms'}, ` +
          `replayed ${reply.replayed}, missed ${reply.missed}, duplicates ${reply.duplicates}` +
          (Object.keys(reply.errors).length ? ` ${JSON.stringify(reply.errors)}` : ''),
      );
    } finally {
      await ctx.generator.call('closeAll');
      if (separate) await sut.stop();
    }
  }
  const row = (f: (r: StormReply) => number | null) => byKind(ctx, records, f);
  const metrics: Metric[] = [
    { label: 'all reconnected and resubscribed', unit: 'ms', better: 'lower', values: row((r) => r.reconnectMs) },
    { label: 'all caught up (every message, once)', unit: 'ms', better: 'lower', values: row((r) => r.catchUpMs) },
    {
      label: 'per-client catch-up p99',
      unit: 'ms',
      better: 'lower',
      values: row((r) => (r.perClient.count ? r.perClient.p99 / 1000 : null)),
    },
    { label: 'messages missed (all clients)', unit: '', better: 'lower', values: row((r) => r.missed) },
    { label: 'duplicates delivered', unit: '', better: 'lower', values: row((r) => r.duplicates) },
  ];
  return {
    id: 6,
    title: `Resume storm (${clients} clients, ${during} messages missed each)`,
    metrics,
    detail: records,
    elapsedMs: Date.now() - started,
  };
}
