/** What a run produces: per-scenario metrics for each server, and hub ÷ peer ratios with targets. */
import type { ServerKind } from '../load/dialect.js';
import type { MachineInfo } from '../runner/machine.js';

export type Peer = Exclude<ServerKind, 'hub'>;

export interface RatioTarget {
  peer: Peer;
  op: '>=' | '<=';
  ratio: number;
}

export interface Metric {
  label: string;
  unit: string;
  better: 'higher' | 'lower';
  values: Partial<Record<ServerKind, number | null>>;
  /** Targets on hub ÷ peer measured in the same run. */
  targets?: RatioTarget[];
  /** A target on the hub's own figure. */
  limit?: { op: '<=' | '>='; value: number };
  /** e.g. "lower bound: generator core saturated". */
  note?: string;
  /**
   * Set where `values` are lower bounds (a capacity: the highest rate that passed): the lowest rate
   * each server missed on its own, so its figure is below it; null when no such miss was seen.
   * Targets are then judged on what these bounds prove, not on the figures alone.
   */
  upperBounds?: Partial<Record<ServerKind, number | null>>;
}

export interface ScenarioResult {
  id: number;
  title: string;
  metrics: Metric[];
  /** Raw measurements (steps, samples) for the JSON file. */
  detail: unknown;
  elapsedMs: number;
  /** Share of the machine other processes used while the scenario ran (%), when known. */
  backgroundPercent?: number | null;
}

export interface RunResult {
  profile: string;
  startedAt: string;
  elapsedMs: number;
  command: string;
  machine: MachineInfo;
  scenarios: ScenarioResult[];
}

export function ratio(m: Metric, peer: Peer): number | null {
  const hub = m.values.hub;
  const other = m.values[peer];
  if (hub === null || hub === undefined || other === null || other === undefined || other === 0) return null;
  return hub / other;
}

/**
 * hub ÷ peer as far as the figures prove it. Without upper bounds the figures are exact and the
 * range is one point; with them, `least` divides the hub's lower bound by the peer's upper bound
 * (0 when the peer has none) and `most` the hub's upper bound (Infinity when none) by the peer's.
 */
export function ratioRange(m: Metric, peer: Peer): { least: number; most: number } | null {
  const point = ratio(m, peer);
  if (point === null || !m.upperBounds) return point === null ? null : { least: point, most: point };
  const hub = m.values.hub!;
  const other = m.values[peer]!;
  return { least: hub / (m.upperBounds[peer] ?? Infinity), most: (m.upperBounds.hub ?? Infinity) / other };
}

/** met: proven; missed: proven short; unproven: the bounds allow either. */
export type Verdict = 'met' | 'missed' | 'unproven';

/** The metric's verdict over all its targets, null when there is nothing to judge. */
export function judge(m: Metric): Verdict | null {
  const verdicts: Verdict[] = [];
  const check = (op: '>=' | '<=', least: number, most: number, bound: number) => {
    const holds = (x: number) => (op === '>=' ? x >= bound : x <= bound);
    const [worst, best] = op === '>=' ? [least, most] : [most, least];
    verdicts.push(holds(worst) ? 'met' : holds(best) ? 'unproven' : 'missed');
  };
  for (const t of m.targets ?? []) {
    const r = ratioRange(m, t.peer);
    if (r) check(t.op, r.least, r.most, t.ratio);
  }
  const hub = m.values.hub;
  if (m.limit && hub !== null && hub !== undefined) {
    check(m.limit.op, hub, m.upperBounds ? (m.upperBounds.hub ?? Infinity) : hub, m.limit.value);
  }
  if (verdicts.length === 0) return null;
  return verdicts.includes('missed') ? 'missed' : verdicts.includes('unproven') ? 'unproven' : 'met';
}

export function describeTarget(m: Metric): string {
  const parts = (m.targets ?? []).map((t) => `÷${t.peer === 'socketio' ? 'sio' : t.peer} ${t.op} ${t.ratio}`);
  if (m.limit) parts.push(`${m.limit.op} ${m.limit.value}${m.unit ? ' ' + m.unit : ''}`);
  return parts.join(', ');
}
