/**
 * Scenario 5 — slow consumers: the same open-loop run twice on one server, first with every
 * subscriber reading, then (fresh connections) with 5% that stop reading. Compares the healthy
 * subscribers' p99 and what the server holds for the stalled ones (the hub caps each send queue;
 * the peers do not).
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
  /** JS heap plus Buffer memory (send queues live there) held for the stalled readers, after GC. */
  heldGrowth: number;
}

const OWED_BYTES = 12e6;
/**
 * Delivered bytes per second the generator reads with room to spare: it read 164 MB/s of 32 KB
 * messages at 12 % of its core here, so this is about half of where it would saturate (an
 * earlier run at this rate, 91 msg/s, kept every server's healthy p99 near 30–50 ms). At the
 * capacity ladder's rate, 3 GB/s of these, readers fell behind on every server (p99 52 ms to
 * 3.8 s) and the hub's queue cap closed healthy readers as slow: the machine was measured.
 */
const GENERATOR_READS_BYTES_PER_SEC = 600e6;

/** Memory the process holds for its queues: JS heap plus Buffers (external). */
const held = (m: ServerMemory) => m.heapUsed + m.external;

export async function slowConsumerScenario(ctx: ScenarioContext): Promise<ScenarioResult> {
  const started = Date.now();
  const { subscribers, fraction, durationMs, payloadBytes } = ctx.profile.slow;
  // The same rate for every server: well under the slowest one's one-room capacity, but enough for
  // a stalled reader to be owed far more than the kernel holds for it (about 4 MB on loopback) plus
  // the hub's queue cap, or no server would ever have to hold anything.
  // The capacity ladder counts small messages; at 32 KB the generator's reading is the limit, so
  // the rate also keeps every healthy reader's bytes under what the generator reads on one core.
  const owedEnough = Math.ceil(OWED_BYTES / ((payloadBytes * durationMs) / 1000));
  const readable = Math.floor(GENERATOR_READS_BYTES_PER_SEC / (payloadBytes * subscribers));
  const rate = Math.max(Math.min(commonRate(ctx, 0.4, subscribers, owedEnough), readable), owedEnough);
  const records: SlowRecord[] = [];
  for (const kind of ctx.kinds) {
    const sut = await shared(ctx, kind);
    try {
      const room = 'dashboard:slow';
      await openClients(ctx, sut, { group: 'pub', count: 1, rooms: [], role: 'editor', tokenRooms: [room] });
      const step = (group: string) => ({
        publishers: 'pub',
        subscribers: [group],
        rooms: [room],
        rate,
        durationMs,
        drainMs: ctx.profile.drainMs,
        payloadBytes,
      });
      const pids = [ctx.generator.child.pid ?? 0, sut.handle.child.pid ?? 0];
      const quiet = async () => {
        if (ctx.profile.quietWaitMs > 0) await awaitQuiet(pids, ctx.profile.quietWaitMs, ctx.profile.quietBelow);
      };

      // Run 1: every subscriber reads.
      await openClients(ctx, sut, { group: 'reading', count: subscribers, rooms: [room] });
      await quiet();
      const baseline = await measureStep(ctx.generator, sut, step('reading'));
      ctx.log(`${formatStep(baseline)} (all reading)`);
      await ctx.generator.call('closeGroup', { group: 'reading' });
      await settle(sut);

      // Run 2: fresh connections, and 5% stop reading as soon as they have joined, before their
      // kernel buffers have grown, so what they are owed piles up in the server.
      await openClients(ctx, sut, { group: 'mixed', count: subscribers, rooms: [room] });
      const { paused } = await ctx.generator.call<{ paused: number }>('pause', {
        group: 'mixed',
        fraction,
      } satisfies PauseArgs);
      const before = await sut.memory(true);
      let rssPeak = before.rss;
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          rssPeak = Math.max(rssPeak, (await sut.memory(false)).rss);
          await sleep(200);
        }
      })();
      await quiet();
      const withSlow = await measureStep(ctx.generator, sut, step('mixed'));
      sampling = false;
      await sampler;
      // What the server holds for the stalled readers: memory (after a full GC) while they are
      // stalled, minus memory once they have read up or been cut and everyone has left. History and
      // other state are the same at both moments, so they cancel out.
      const stalled = await sut.memory(true);
      rssPeak = Math.max(rssPeak, stalled.rss);
      const slow = await ctx.generator.call<SlowReport>('resumeSlow', { group: 'mixed', settleMs: 1000 });
      await ctx.generator.call('closeGroup', { group: 'mixed' });
      await sleep(300);
      const released = await sut.memory(true);
      const heldGrowth = Math.max(0, held(stalled) - held(released));
      ctx.log(
        `${formatStep(withSlow)} (${paused} not reading; server held ${(heldGrowth / 1e6).toFixed(1)} MB for them, ` +
          `RSS peak +${((rssPeak - before.rss) / 1e6).toFixed(1)} MB; slow connections afterwards: ${JSON.stringify(slow.outcomes)})`,
      );
      records.push({
        server: sut.label,
        rate,
        baseline,
        withSlow,
        paused,
        outcomes: slow.outcomes,
        rssBefore: before.rss,
        rssPeak,
        heldGrowth,
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
    {
      label: 'healthy p99, all reading',
      unit: 'ms',
      better: 'lower',
      values: row((r) => r.baseline.latency.p99 / 1000),
    },
    {
      label: `healthy p99, ${Math.round(fraction * 100)}% not reading`,
      unit: 'ms',
      better: 'lower',
      values: row((r) => r.withSlow.latency.p99 / 1000),
    },
    {
      label: 'healthy p99 with slow ÷ without',
      unit: '×',
      better: 'lower',
      values: row((r) => (r.baseline.latency.p99 > 0 ? r.withSlow.latency.p99 / r.baseline.latency.p99 : null)),
      limit: { op: '<=', value: 1.5 },
    },
    {
      label: 'healthy messages lost with slow consumers',
      unit: '',
      better: 'lower',
      values: row((r) => r.withSlow.lost),
    },
    {
      label: 'server memory held for the stalled readers',
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
