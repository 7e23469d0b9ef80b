/**
 * Capacity search: every server climbs the same ladder of open-loop publish rates, interleaved
 * step by step (so background load on a shared machine hits all of them alike), until a step
 * misses the criteria (after an optional retry and one refining step). When even the first rate
 * misses, the ladder steps down instead. Capacity is the highest rate that passed.
 */
import type { ChildHandle } from './processes.js';
import { awaitQuiet, formatStep, GENERATOR_BUSY_PERCENT, measureStep, settle, type StepRecord } from './measure.js';
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
  /** Steps per server at most, retries and refinement included. */
  maxSteps: number;
  /** Repeat a missed step once before concluding. */
  retry: boolean;
  /** After the miss, try once halfway (geometrically) between the last pass and the miss. */
  refine: boolean;
  stepMs: number;
  drainMs: number;
  warmupMs: number;
  payloadBytes: number;
  /** Before each step, wait up to this long for the machine's other load to drop below `quietBelow` %. */
  quietWaitMs: number;
  quietBelow: number;
  /** How often a missed step may be repeated because other processes kept the server off its core. */
  disturbedRepeats: number;
}

/**
 * A missed step during which the server spent more than this share of the time ready to run but
 * waiting for its core, while other processes were busy, measured the neighbours rather than the
 * server: it is repeated, not counted. (Waiting with the machine otherwise idle is the server's own
 * doing, e.g. its GC threads sharing its core, and counts.)
 */
export const DISTURBED_WAIT_PERCENT = 10;
export const DISTURBED_BACKGROUND_PERCENT = 10;

/** A step publishes at least this many messages, however low the rate (ladders can descend). */
const MIN_MESSAGES_PER_STEP = 10;
const MAX_STEP_MS = 20_000;

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
  /** The lowest rate above capacity that the server missed on its own (its capacity is below it), null if none. */
  upperBound: number | null;
  steps: StepRecord[];
  /** Missed steps set aside because the server was kept off its core (repeated instead). */
  disturbed: StepRecord[];
  /** Why the ladder ended early, e.g. the server cut the publisher. */
  stoppedBy: string | null;
}

export async function findCapacities(
  generator: ChildHandle,
  contenders: Contender[],
  options: LadderOptions,
  log: (line: string) => void,
): Promise<CapacityResult[]> {
  const results = new Map<Contender, CapacityResult>();
  const climbs = new Map<Contender, Climb>();
  for (const c of contenders) {
    results.set(c, {
      server: c.sut.label,
      capacity: null,
      atCapacity: null,
      ceilingReached: false,
      generatorBound: false,
      upperBound: null,
      steps: [],
      disturbed: [],
      stoppedBy: null,
    });
    climbs.set(c, newClimb(c.start));
    if (options.warmupMs > 0) {
      await measureStep(generator, c.sut, stepArgs(c, c.start / 2, options.warmupMs, options));
      await settle(c.sut);
    }
  }
  const repeats = new Map<Contender, number>();
  let active = [...contenders];
  for (let step = 0; active.length > 0; step++) {
    const order = active.map((_, i) => active[(i + step) % active.length]);
    for (const c of order) {
      const result = results.get(c)!;
      const climb = climbs.get(c)!;
      if (options.quietWaitMs > 0)
        await awaitQuiet(pidsOf(generator, contenders), options.quietWaitMs, options.quietBelow);
      const durationMs = Math.min(MAX_STEP_MS, Math.max(options.stepMs, (1000 * MIN_MESSAGES_PER_STEP) / climb.rate));
      const record = await measureStep(generator, c.sut, stepArgs(c, climb.rate, durationMs, options));
      const disturbed =
        !record.passed &&
        (record.serverWaitPercent ?? 0) > DISTURBED_WAIT_PERCENT &&
        (record.backgroundPercent ?? 0) > DISTURBED_BACKGROUND_PERCENT;
      if (disturbed && (repeats.get(c) ?? 0) < options.disturbedRepeats) {
        repeats.set(c, (repeats.get(c) ?? 0) + 1);
        log(formatStep(record) + ' — disturbed, repeating');
        result.disturbed.push(record);
        await settle(c.sut);
        continue;
      }
      log(formatStep(record) + (climb.phase === 'climb' ? '' : ` (${climb.phase})`));
      result.steps.push(record);
      if (record.passed && (result.capacity === null || record.rate > result.capacity)) {
        result.capacity = record.rate;
        result.atCapacity = record;
        result.generatorBound = record.generatorCpuPercent > GENERATOR_BUSY_PERCENT;
      }
      advance(climb, record.passed, options);
      if (record.publisherClosed) {
        // Nothing published after the cut arrives: further steps would measure nothing.
        result.stoppedBy = `server closed the publisher (${record.publisherClosed}) at ${record.rate.toFixed(0)} msg/s`;
        climb.phase = 'done';
      } else if (record.absent > 0 || record.expected === 0) {
        // Subscribers an earlier step lost do not come back: later steps would measure fewer.
        result.stoppedBy = `${record.absent} subscribers were gone before ${record.rate.toFixed(0)} msg/s`;
        climb.phase = 'done';
      }
      if (climb.phase !== 'done' && result.steps.length >= options.maxSteps) {
        result.ceilingReached = climb.phase === 'climb';
        climb.phase = 'done';
      }
      if (climb.phase === 'done') {
        active = active.filter((a) => a !== c);
        // A server that fell behind still has queues to write: drop its clients and let it go idle
        // before anyone else is measured on the shared core.
        for (const g of [...c.subscribers, c.publishers]) await generator.call('closeGroup', { group: g });
      }
      await settle(c.sut);
    }
  }
  for (const r of results.values()) r.upperBound = upperBound(r.steps, r.capacity);
  return contenders.map((c) => results.get(c)!);
}

/** A server this busy in a missed step had no room to do more: the miss is its own. */
export const SERVER_SATURATED_PERCENT = 90;

/**
 * The lowest rate above `capacity` that missed on the server's account: its core saturated, or the
 * generator's core not (then the generator kept up and the server did not). A miss with the
 * generator saturated and the server not bounds nothing: the generator may have caused it; nor does
 * a step that began without all its subscribers.
 */
export function upperBound(steps: StepRecord[], capacity: number | null): number | null {
  let bound: number | null = null;
  for (const s of steps) {
    const own = s.serverCpuPercent >= SERVER_SATURATED_PERCENT || s.generatorCpuPercent <= GENERATOR_BUSY_PERCENT;
    // A step without its subscribers measured nothing (measure.ts: passes).
    const measured = s.expected > 0 && s.absent === 0;
    if (!s.passed && own && measured && s.rate > (capacity ?? 0) && (bound === null || s.rate < bound)) bound = s.rate;
  }
  return bound;
}

interface Climb {
  rate: number;
  lastPass: number | null;
  lastMiss: number | null;
  descents: number;
  /** climb: stepping up; retry: the same rate once more after a miss (a disturbed step on a
   * shared machine); descend: stepping down while nothing has passed yet; refine: one rate
   * between the last pass and the miss. */
  phase: 'climb' | 'retry' | 'descend' | 'refine' | 'done';
}

/** Below this a server is not worth measuring further. */
const MIN_RATE = 0.5;
/** Steps down from the first rate before concluding that nothing passes at this room size. */
const MAX_DESCENTS = 3;

export function advance(
  climb: Climb,
  passed: boolean,
  options: Pick<LadderOptions, 'factor' | 'retry' | 'refine'>,
): void {
  if (passed) {
    climb.lastPass = climb.rate;
    if (climb.phase === 'refine') {
      climb.phase = 'done';
    } else if (climb.phase === 'descend') {
      if (options.refine && climb.lastMiss !== null) {
        climb.phase = 'refine';
        climb.rate = Math.sqrt(climb.lastPass * climb.lastMiss);
      } else climb.phase = 'done';
    } else {
      climb.phase = 'climb';
      climb.rate *= options.factor;
    }
    return;
  }
  climb.lastMiss = climb.rate;
  if (climb.phase === 'climb' && options.retry) {
    climb.phase = 'retry';
  } else if (climb.lastPass === null && climb.phase !== 'refine') {
    climb.phase = climb.rate / options.factor >= MIN_RATE && climb.descents < MAX_DESCENTS ? 'descend' : 'done';
    climb.rate /= options.factor;
    climb.descents++;
  } else if ((climb.phase === 'climb' || climb.phase === 'retry') && options.refine) {
    climb.phase = 'refine';
    climb.rate = Math.sqrt(climb.lastPass! * climb.rate);
  } else {
    climb.phase = 'done';
  }
}

export function newClimb(start: number): Climb {
  return { rate: start, lastPass: null, lastMiss: null, descents: 0, phase: 'climb' };
}

function pidsOf(generator: ChildHandle, contenders: Contender[]): number[] {
  return [generator.child.pid ?? 0, ...contenders.map((c) => c.sut.handle.child.pid ?? 0)];
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
