/**
 * Figures measured over several rounds, servers taking turns (scenarios 1 and 4): each server's
 * median, its worst round, and the hub ÷ peer ratio round by round. A target judged on the
 * medians is reported again on the worst round: it holds only if it holds in every round.
 */
import type { ServerKind } from '../load/dialect.js';
import type { Metric } from '../report/model.js';
import { median, type ScenarioContext } from './context.js';

/** One server's measurement in one round. */
export interface RoundRecord {
  /** The server's label (the hub runs as several variants: `hub HS256`, `hub ES256`). */
  server: string;
  round: number;
}

export interface RoundFigure<R extends RoundRecord> {
  /** The label of the server that stands for each kind (the hub's variant under the target). */
  labelOf(kind: ServerKind): string;
  value(r: R): number;
  better: 'higher' | 'lower';
}

type Values = Partial<Record<ServerKind, number | null>>;

/** Each kind's figure over its rounds, reduced by `pick` (null where a kind has none). */
export function acrossRounds<R extends RoundRecord>(
  ctx: ScenarioContext,
  records: R[],
  figure: RoundFigure<R>,
  pick: (xs: number[]) => number | null,
): Values {
  const values: Values = {};
  for (const kind of ctx.kinds) {
    const xs = records.filter((r) => r.server === figure.labelOf(kind)).map(figure.value);
    values[kind] = xs.length ? pick(xs) : null;
  }
  return values;
}

export function medianOfRounds<R extends RoundRecord>(
  ctx: ScenarioContext,
  records: R[],
  figure: RoundFigure<R>,
): Values {
  return acrossRounds(ctx, records, figure, median);
}

/** hub ÷ `peer` in each round where both were measured. */
export function roundRatios<R extends RoundRecord>(
  records: R[],
  rounds: number,
  figure: RoundFigure<R>,
  peer: ServerKind,
): number[] {
  const ratios: number[] = [];
  for (let round = 1; round <= rounds; round++) {
    const hub = records.find((r) => r.round === round && r.server === figure.labelOf('hub'));
    const other = records.find((r) => r.round === round && r.server === figure.labelOf(peer));
    if (hub && other && figure.value(other) > 0) ratios.push(figure.value(hub) / figure.value(other));
  }
  return ratios;
}

/**
 * The worst round, as two rows: each server's worst round (with `limit` on the hub's, if any),
 * and the hub ÷ ws ratio of its worst round against `ratioLimit`, every round's ratio in the note.
 */
export function worstRoundRows<R extends RoundRecord>(
  ctx: ScenarioContext,
  records: R[],
  rounds: number,
  figure: RoundFigure<R>,
  rows: {
    label: string;
    unit: string;
    ratioLabel: string;
    limit?: Metric['limit'];
    ratioLimit?: Metric['limit'];
  },
): Metric[] {
  const worst = (xs: number[]) => (figure.better === 'higher' ? Math.min(...xs) : Math.max(...xs));
  const metrics: Metric[] = [
    {
      label: `${rows.label}, worst round of each server`,
      unit: rows.unit,
      better: figure.better,
      values: acrossRounds(ctx, records, figure, worst),
      ...(rows.limit ? { limit: rows.limit } : {}),
    },
  ];
  const ratios = roundRatios(records, rounds, figure, 'ws');
  if (ratios.length) {
    metrics.push({
      label: `${rows.ratioLabel}, worst round`,
      unit: '×',
      better: figure.better,
      values: { hub: worst(ratios) },
      ...(rows.ratioLimit ? { limit: rows.ratioLimit } : {}),
      note: `per round: ${ratios.map((r) => `${r.toFixed(2)}×`).join(', ')}`,
    });
  }
  return metrics;
}
