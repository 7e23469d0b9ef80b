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

/** true/false when a target applies and was measured, null when there is nothing to judge. */
export function targetMet(m: Metric): boolean | null {
  const checks: boolean[] = [];
  for (const t of m.targets ?? []) {
    const r = ratio(m, t.peer);
    if (r !== null) checks.push(t.op === '>=' ? r >= t.ratio : r <= t.ratio);
  }
  if (m.limit && m.values.hub !== null && m.values.hub !== undefined) {
    checks.push(m.limit.op === '<=' ? m.values.hub <= m.limit.value : m.values.hub >= m.limit.value);
  }
  return checks.length === 0 ? null : checks.every(Boolean);
}

export function describeTarget(m: Metric): string {
  const parts = (m.targets ?? []).map((t) => `÷${t.peer === 'socketio' ? 'sio' : t.peer} ${t.op} ${t.ratio}`);
  if (m.limit) parts.push(`${m.limit.op} ${m.limit.value}${m.unit ? ' ' + m.unit : ''}`);
  return parts.join(', ');
}
