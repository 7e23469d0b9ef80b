/**
 * Scenario 5 — slow consumers: the same open-loop run twice on one server, first with every
 * subscriber reading, then with 5% that stop reading. Compares the healthy subscribers' p99 and
 * watches the server's memory (the hub's send queues are capped; the peers' are not).
 */
import type { PauseArgs, SlowReport } from '../load/commands.js';
import type { ServerMemory } from '../servers/control.js';
import type { ServerKind } from '../load/dialect.js';
import type { Metric, ScenarioResult } from '../report/model.js';
import { awaitQuiet, formatStep, measureStep, settle, type StepRecord } from '../runner/measure.js';
import { DEFAULT_LIMITS } from '../../../hub/server/options.js';
import { commonRate, openClients, shared, sleep, type ScenarioContext } from './context.js';

interface SlowRecord {
  server: string;
  rate: number;
  baseline: StepRecord;
  withSlow: StepRecord;
  paused: number;
  outcomes: SlowReport['outcomes'];
  rssBefore: number;
  rssPeak: number;
  /** Peak growth of JS heap plus Buffer memory during the slow run (send queues live there), bytes. */
  heldGrowth: number;
}

/** Memory the process holds for its queues: JS heap plus Buffers (external). */
const held = (m: ServerMemory) => m.heapUsed + m.external;

export async function slowConsumerScenario(ctx: ScenarioContext): Promise<ScenarioResult> {
  const started = Date.now();
  const { subscribers, fraction, durationMs, payloadBytes } = ctx.profile.slow;
  // The same rate for every server: well under the slowest one's one-room capacity.
  const rate = commonRate(ctx, 0.4, subscribers, 20);
  const records: SlowRecord[] = [];
  for (const kind of ctx.kinds) {
    const sut = await shared(ctx, kind);
    try {
      const room = 'dashboard:slow';
      await openClients(ctx, sut, { group: 'subs', count: subscribers, rooms: [room] });
      await openClients(ctx, sut, { group: 'pub', count: 1, rooms: [], role: 'editor', tokenRooms: [room] });
      const step = { publishers: 'pub', subscribers: ['subs'], rooms: [room], rate, durationMs, drainMs: ctx.profile.drainMs, payloadBytes };
      const pids = [ctx.generator.child.pid ?? 0, sut.handle.child.pid ?? 0];
      const quiet = () => awaitQuiet(pids, ctx.profile.quietWaitMs, ctx.profile.quietBelow);
      if (ctx.profile.quietWaitMs > 0) await quiet();
      const baseline = await measureStep(ctx.generator, sut, step);
      ctx.log(`${formatStep(baseline)} (all reading)`);
      await settle(sut);
      const before = await sut.memory(true);
      const rssBefore = before.rss;
      let heldPeak = held(before);
      if (ctx.profile.quietWaitMs > 0) await quiet();
      const { paused } = await ctx.generator.call<{ paused: number }>('pause', { group: 'subs', fraction } satisfies PauseArgs);
      let rssPeak = rssBefore;
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          const m = await sut.memory(false);
          rssPeak = Math.max(rssPeak, m.rss);
          heldPeak = Math.max(heldPeak, held(m));
          await sleep(200);
        }
      })();
      const withSlow = await measureStep(ctx.generator, sut, step);
      sampling = false;
      await sampler;
      const after = await sut.memory(false);
      rssPeak = Math.max(rssPeak, after.rss);
      heldPeak = Math.max(heldPeak, held(after));
      const slow = await ctx.generator.call<SlowReport>('resumeSlow', { group: 'subs', settleMs: 500 });
      ctx.log(
        `${formatStep(withSlow)} (${paused} not reading; server heap+buffers +${((heldPeak - held(before)) / 1e6).toFixed(1)} MB, ` +
          `RSS +${((rssPeak - rssBefore) / 1e6).toFixed(1)} MB; ` +
          `slow connections after: ${JSON.stringify(slow.outcomes)})`,
      );
      records.push({
        server: sut.label,
        rate,
        baseline,
        withSlow,
        paused,
        outcomes: slow.outcomes,
        rssBefore,
        rssPeak,
        heldGrowth: heldPeak - held(before),
      });
    } finally {
      await ctx.generator.call('closeAll');
    }
  }
  const row = (f: (r: SlowRecord) => number | null) => {
    const values: Partial<Record<ServerKind, number | null>> = {};
    for (const kind of ctx.kinds) {
      const r = records.find((x) => x.server.startsWith(kind));
      values[kind] = r ? f(r) : null;
    }
    return values;
  };
  const paused = records[0]?.paused ?? Math.round(subscribers * fraction);
  const capMB = (paused * DEFAULT_LIMITS.maxQueuedBytes) / 1e6;
  const metrics: Metric[] = [
    { label: 'healthy p99, all reading', unit: 'ms', better: 'lower', values: row((r) => r.baseline.latency.p99 / 1000) },
    { label: `healthy p99, ${Math.round(fraction * 100)}% not reading`, unit: 'ms', better: 'lower', values: row((r) => r.withSlow.latency.p99 / 1000) },
    {
      label: 'healthy p99 with slow ÷ without',
      unit: '×',
      better: 'lower',
      values: row((r) => (r.baseline.latency.p99 > 0 ? r.withSlow.latency.p99 / r.baseline.latency.p99 : null)),
      limit: { op: '<=', value: 1.5 },
    },
    { label: 'healthy messages lost with slow consumers', unit: '', better: 'lower', values: row((r) => r.withSlow.lost) },
    {
      label: 'server heap+buffer growth with slow consumers',
      unit: 'MB',
      better: 'lower',
      values: row((r) => r.heldGrowth / 1e6),
      limit: { op: '<=', value: Math.round(capMB) },
      note: `bound: ${paused} slow × ${DEFAULT_LIMITS.maxQueuedBytes / 2 ** 20} MiB queue cap`,
    },
    {
      label: 'slow consumers disconnected by the server',
      unit: '',
      better: 'higher',
      values: row((r) => Object.entries(r.outcomes).reduce((n, [code, k]) => n + (code === 'open' ? 0 : k), 0)),
    },
  ];
  return {
    id: 5,
    title: `Slow consumers (${Math.round(fraction * 100)}% of ${subscribers} stop reading, ${rate} msg/s of ${payloadBytes} B)`,
    metrics,
    detail: records,
    elapsedMs: Date.now() - started,
  };
}
