/**
 * Capacity search: every server climbs the same ladder of open-loop publish rates, interleaved
 * step by step (so background load on a shared machine hits all of them alike), until a step
 * misses the criteria. Capacity is the highest rate that passed.
 */
import type { ChildHandle } from './processes.js';
import { formatStep, GENERATOR_BUSY_PERCENT, measureStep, settle, type StepRecord } from './measure.js';
import type { ServerUnderTest } from './servers.js';

export interface Contender {
  sut: ServerUnderTest;
  publishers: string;
  subscribers: string[];
  rooms: string[];
  /** First rate tried (msg/s). */
  start: number;
}

export interface LadderOptions {
  factor: number;
  maxSteps: number;
  stepMs: number;
  drainMs: number;
  warmupMs: number;
  payloadBytes: number;
}

export interface CapacityResult {
  server: string;
  /** Highest passing publish rate (msg/s), null when even the first step failed. */
  capacity: number | null;
  /** The passing step at capacity. */
  atCapacity: StepRecord | null;
  /** The ladder ended while still passing: capacity is at least this. */
  ceilingReached: boolean;
  /** The generator's core was the bottleneck at capacity: a lower bound. */
  generatorBound: boolean;
  steps: StepRecord[];
}

export async function findCapacities(
  generator: ChildHandle,
  contenders: Contender[],
  options: LadderOptions,
  log: (line: string) => void,
): Promise<CapacityResult[]> {
  const results = new Map<Contender, CapacityResult>();
  const rates = new Map<Contender, number>();
  for (const c of contenders) {
    results.set(c, { server: c.sut.label, capacity: null, atCapacity: null, ceilingReached: false, generatorBound: false, steps: [] });
    rates.set(c, c.start);
    if (options.warmupMs > 0) {
      await measureStep(generator, c.sut, stepArgs(c, c.start / 2, options.warmupMs, options));
      await settle(c.sut);
    }
  }
  let active = [...contenders];
  for (let step = 0; step < options.maxSteps && active.length > 0; step++) {
    const order = active.map((_, i) => active[(i + step) % active.length]);
    for (const c of order) {
      const result = results.get(c)!;
      const record = await measureStep(generator, c.sut, stepArgs(c, rates.get(c)!, options.stepMs, options));
      log(formatStep(record));
      result.steps.push(record);
      if (record.passed) {
        result.capacity = record.rate;
        result.atCapacity = record;
        result.generatorBound = record.generatorCpuPercent > GENERATOR_BUSY_PERCENT;
        rates.set(c, record.rate * options.factor);
      } else {
        active = active.filter((a) => a !== c);
        // A server that fell behind still has queues to write: drop its clients and let it go idle
        // before anyone else is measured on the shared core.
        for (const g of [...c.subscribers, c.publishers]) await generator.call('closeGroup', { group: g });
      }
      await settle(c.sut);
    }
  }
  for (const c of active) results.get(c)!.ceilingReached = true;
  return contenders.map((c) => results.get(c)!);
}

function stepArgs(c: Contender, rate: number, durationMs: number, options: LadderOptions) {
  return {
    publishers: c.publishers,
    subscribers: c.subscribers,
    rooms: c.rooms,
    rate,
    durationMs,
    drainMs: options.drainMs,
    payloadBytes: options.payloadBytes,
  };
}
