/**
 * Scenario 8 — presence churn: one room of 1k subscribers receives regular messages at a steady
 * rate, first alone, then while 10% of the room change their presence state once a second each.
 * The regular messages' p99 with churn ÷ without tells what presence costs everyone else. The
 * peers broadcast every update to the room at once, as code written with them would.
 */
import type { ServerKind } from '../load/dialect.js';
import type { Metric, ScenarioResult } from '../report/model.js';
import { awaitQuiet, formatStep, measureStep, settle, type StepRecord } from '../runner/measure.js';
import { byKind, openClients, shared, sleep, type ScenarioContext } from './context.js';

interface ChurnRecord {
  server: string;
  kind: ServerKind;
  rate: number;
  updaters: number;
  updatesPerSec: number;
  baseline: StepRecord;
  withChurn: StepRecord;
  /** Extra server CPU per presence update (the churn step minus the baseline step). */
  serverUsPerUpdate: number | null;
}

export async function presenceChurnScenario(ctx: ScenarioContext): Promise<ScenarioResult> {
  const started = Date.now();
  const { subscribers, fraction, perSecond, rate, durationMs } = ctx.profile.churn;
  const room = 'dashboard:churn';
  const records: ChurnRecord[] = [];
  for (const kind of ctx.kinds) {
    const sut = await shared(ctx, kind);
    try {
      await openClients(ctx, sut, { group: 'pub', count: 1, rooms: [], role: 'editor', tokenRooms: [room] });
      await openClients(ctx, sut, { group: 'room', count: subscribers, rooms: [room] });
      await settle(sut);
      const step = {
        publishers: 'pub',
        subscribers: ['room'],
        rooms: [room],
        rate,
        durationMs,
        drainMs: ctx.profile.drainMs,
        payloadBytes: ctx.profile.payloadBytes,
      };
      const pids = [ctx.generator.child.pid ?? 0, sut.handle.child.pid ?? 0];
      if (ctx.profile.quietWaitMs > 0) await awaitQuiet(pids, ctx.profile.quietWaitMs, ctx.profile.quietBelow);
      const baseline = await measureStep(ctx.generator, sut, step);
      ctx.log(`${formatStep(baseline)} (no presence)`);

      // The churn runs from a little before the step to its end; its extra server CPU is what the
      // server used over that window beyond its rate during the baseline step.
      const cpu0 = await sut.cpu();
      const t0 = Date.now();
      const { updaters } = await ctx.generator.call<{ updaters: number }>('churnStart', {
        group: 'room',
        room,
        fraction,
        perSecond,
      });
      await sleep(500);
      const withChurn = await measureStep(ctx.generator, sut, step);
      const { sent } = await ctx.generator.call<{ sent: number }>('churnStop');
      const windowMs = Date.now() - t0;
      const cpu1 = await sut.cpu();
      const updatesPerSec = (1000 * sent) / windowMs;
      const extraUs = cpu1.cpuUs - cpu0.cpuUs - (baseline.serverCpuPercent / 100) * windowMs * 1000;
      const record: ChurnRecord = {
        server: sut.label,
        kind,
        rate,
        updaters,
        updatesPerSec,
        baseline,
        withChurn,
        serverUsPerUpdate: sent > 0 ? Math.max(0, extraUs) / sent : null,
      };
      records.push(record);
      ctx.log(
        `${formatStep(withChurn)} (${updaters} members updating ${perSecond}/s: ${updatesPerSec.toFixed(0)} updates/s, ` +
          `≈${record.serverUsPerUpdate?.toFixed(0) ?? '?'} µs of server CPU each)`,
      );
    } finally {
      await ctx.generator.call('churnStop').catch(() => {});
      await ctx.generator.call('closeAll');
      await settle(sut);
    }
  }
  const row = (f: (r: ChurnRecord) => number | null) => byKind(ctx, records, f);
  // A step in which nothing arrived has no latency to compare.
  const p99 = (s: StepRecord) => (s.received > 0 ? s.latency.p99 / 1000 : null);
  const generatorBusy = records.some((r) => r.withChurn.generatorCpuPercent > 85)
    ? 'generator core over 85% during a churn step'
    : undefined;
  const metrics: Metric[] = [
    {
      label: `p99 of regular messages, no presence (${rate} msg/s)`,
      unit: 'ms',
      better: 'lower',
      values: row((r) => p99(r.baseline)),
    },
    {
      label: `p99 of regular messages, ${Math.round(fraction * 100)}% of the room updating ${perSecond}/s`,
      unit: 'ms',
      better: 'lower',
      values: row((r) => p99(r.withChurn)),
      note: generatorBusy,
    },
    {
      label: 'regular p99 with presence ÷ without',
      unit: '×',
      better: 'lower',
      values: row((r) => {
        const [before, during] = [p99(r.baseline), p99(r.withChurn)];
        return before && during !== null ? during / before : null;
      }),
      limit: { op: '<=', value: 1.5 },
    },
    { label: 'regular messages lost during churn', unit: '', better: 'lower', values: row((r) => r.withChurn.lost) },
    {
      label: 'server CPU per presence update (extra over the baseline)',
      unit: 'µs',
      better: 'lower',
      values: row((r) => r.serverUsPerUpdate),
    },
  ];
  return {
    id: 8,
    title: `Presence churn (one room of ${subscribers}, ${Math.round(fraction * 100)}% updating ${perSecond}/s, ${rate} msg/s of regular messages)`,
    metrics,
    detail: records,
    elapsedMs: Date.now() - started,
  };
}
