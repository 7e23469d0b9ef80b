/**
 * Scenario 2 — fan-out in one room: 1k (and 5k) subscribers, one publisher, stepped open-loop rates.
 * All servers are up at once and climb the ladder interleaved; capacity = highest passing rate.
 */
import type { ServerKind } from '../load/dialect.js';
import type { Metric, ScenarioResult } from '../report/model.js';
import { findCapacities, type CapacityResult, type Contender } from '../runner/capacity.js';
import type { StepRecord } from '../runner/measure.js';
import { openClients, shared, type ScenarioContext } from './context.js';

export interface FanoutDetail {
  subscribers: number;
  /** Time for all subscribers to connect and have their subscribe acked, per server. */
  joinMs: Record<string, number>;
  results: CapacityResult[];
}

export async function fanoutScenario(ctx: ScenarioContext): Promise<ScenarioResult> {
  const started = Date.now();
  const details: FanoutDetail[] = [];
  const metrics: Metric[] = [];
  for (const subscribers of ctx.profile.fanoutSubscribers) {
    const joinMs: Record<string, number> = {};
    try {
      const contenders: Contender[] = [];
      for (const kind of ctx.kinds) {
        const sut = await shared(ctx, kind);
        const room = 'dashboard:fanout';
        const joined = await openClients(ctx, sut, { group: `${kind}:subs`, count: subscribers, rooms: [room] });
        joinMs[kind] = joined.elapsedMs;
        ctx.log(
          `${sut.label.padEnd(18)} ${subscribers} subscribers connected and joined in ${(joined.elapsedMs / 1000).toFixed(1)} s`,
        );
        await openClients(ctx, sut, { group: `${kind}:pub`, count: 1, rooms: [], role: 'editor', tokenRooms: [room] });
        contenders.push({
          sut,
          publishers: `${kind}:pub`,
          subscribers: [`${kind}:subs`],
          rooms: [room],
          start: (ctx.profile.ladderStart * 1000) / subscribers,
        });
      }
      ctx.log(`fan-out, one room, ${subscribers} subscribers:`);
      const results = await findCapacities(ctx.generator, contenders, ladderOptions(ctx), ctx.log);
      details.push({ subscribers, joinMs, results });
      metrics.push(...capacityMetrics(ctx.kinds, results, `@${subscribers / 1000}k`, subscribers === 1000));
      metrics.push({
        label: `${subscribers / 1000}k subscribers connect and join one room`,
        unit: 's',
        better: 'lower',
        values: Object.fromEntries(ctx.kinds.map((k) => [k, joinMs[k] !== undefined ? joinMs[k] / 1000 : null])),
      });
      if (subscribers === 1000) {
        ctx.kinds.forEach((kind, i) => {
          if (results[i].capacity !== null) ctx.capacity1k[kind] = results[i].capacity!;
        });
      }
    } catch (err) {
      // One room size failing (e.g. a server that cannot take this many joins in time) should not
      // hide the others' results.
      const message = (err as Error).message.split('\n')[0].slice(0, 200);
      ctx.log(`fan-out with ${subscribers} subscribers failed: ${message}`);
      metrics.push({
        label: `fan-out @${subscribers / 1000}k`,
        unit: '',
        better: 'higher',
        values: {},
        note: `failed: ${message}`,
      });
    } finally {
      await ctx.generator.call('closeAll');
    }
  }
  return { id: 2, title: 'Fan-out in one room', metrics, detail: details, elapsedMs: Date.now() - started };
}

export function ladderOptions(ctx: ScenarioContext) {
  const p = ctx.profile;
  return {
    factor: p.ladderFactor,
    maxSteps: p.maxSteps,
    retry: p.retry,
    refine: p.refine,
    stepMs: p.stepMs,
    drainMs: p.drainMs,
    warmupMs: p.warmupMs,
    payloadBytes: p.payloadBytes,
    quietWaitMs: p.quietWaitMs,
    quietBelow: p.quietBelow,
    disturbedRepeats: p.disturbedRepeats,
  };
}

/** Issue 15: fan-out in one room of 1k stays at least this many times each peer's capacity. */
const FANOUT_TARGETS = { ws: 8, socketio: 7 };

/** Capacity, deliveries, latency and CPU cost at capacity, one metric each. */
export function capacityMetrics(
  kinds: ServerKind[],
  results: CapacityResult[],
  tag: string,
  withTargets: boolean,
): Metric[] {
  const pick = (f: (r: CapacityResult) => number | null) => {
    const values: Partial<Record<ServerKind, number | null>> = {};
    kinds.forEach((kind, i) => (values[kind] = f(results[i])));
    return values;
  };
  const notes: string[] = [];
  for (const [i, r] of results.entries()) {
    if (r.ceilingReached) notes.push(`${kinds[i]}: ladder ended still passing (at least)`);
    if (r.upperBound !== null) notes.push(`${kinds[i]}: missed ${+r.upperBound.toFixed(1)} on its own (below it)`);
    if (r.generatorBound) notes.push(`${kinds[i]}: generator core saturated (lower bound)`);
    if (r.stoppedBy) notes.push(`${kinds[i]}: ${r.stoppedBy}`);
    if (r.disturbed.length) notes.push(`${kinds[i]}: ${r.disturbed.length} step(s) repeated, server kept off its core`);
  }
  // The first step is at the same rate for every server when they share a start: a like-for-like
  // comparison that does not depend on where each one's knee is.
  const firstRates = results.map((r) => r.steps[0]?.rate);
  const sameStart =
    firstRates.length > 0 && firstRates.every((r) => r !== undefined && Math.abs(r - firstRates[0]!) < 1e-9);
  const first = (f: (s: StepRecord) => number) => pick((r) => (r.steps[0] ? f(r.steps[0]) : null));
  const sameRate = sameStart
    ? [
        {
          label: `p99 latency at ${+firstRates[0]!.toFixed(1)} msg/s ${tag}`,
          unit: 'ms',
          better: 'lower' as const,
          values: first((s) => s.latency.p99 / 1000),
        },
        {
          label: `server CPU per delivery at ${+firstRates[0]!.toFixed(1)} msg/s ${tag}`,
          unit: 'µs',
          better: 'lower' as const,
          values: first((s) => s.serverUsPerDelivery),
        },
      ]
    : [];
  return [
    {
      label: `capacity ${tag} (publish rate)`,
      unit: 'msg/s',
      better: 'higher',
      values: pick((r) => r.capacity),
      // A capacity is the highest rate that passed; the lowest miss bounds it from above.
      upperBounds: pick((r) => r.upperBound),
      ...(withTargets
        ? {
            targets: [
              { peer: 'ws' as const, op: '>=' as const, ratio: FANOUT_TARGETS.ws },
              { peer: 'socketio' as const, op: '>=' as const, ratio: FANOUT_TARGETS.socketio },
            ],
          }
        : {}),
      note: notes.join('; ') || undefined,
    },
    {
      label: `deliveries/s at capacity ${tag}`,
      unit: '/s',
      better: 'higher',
      values: pick((r) => r.atCapacity?.deliveredPerSec ?? null),
    },
    {
      label: `p50 latency at capacity ${tag}`,
      unit: 'ms',
      better: 'lower',
      values: pick((r) => (r.atCapacity ? r.atCapacity.latency.p50 / 1000 : null)),
    },
    {
      label: `p99 latency at capacity ${tag}`,
      unit: 'ms',
      better: 'lower',
      values: pick((r) => (r.atCapacity ? r.atCapacity.latency.p99 / 1000 : null)),
    },
    {
      label: `p99.9 latency at capacity ${tag}`,
      unit: 'ms',
      better: 'lower',
      values: pick((r) => (r.atCapacity ? r.atCapacity.latency.p999 / 1000 : null)),
    },
    {
      label: `max latency at capacity ${tag}`,
      unit: 'ms',
      better: 'lower',
      values: pick((r) => (r.atCapacity ? r.atCapacity.latency.max / 1000 : null)),
    },
    {
      label: `server CPU per delivery at capacity ${tag}`,
      unit: 'µs',
      better: 'lower',
      values: pick((r) => r.atCapacity?.serverUsPerDelivery ?? null),
    },
    ...sameRate,
  ];
}
