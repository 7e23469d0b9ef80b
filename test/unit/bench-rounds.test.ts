/**
 * Figures over rounds (bench scenarios 1 and 4): each server's median and worst round, and the
 * hub ÷ ws ratio of each round, where "worst" follows whether higher or lower is better.
 */
import { describe, expect, it } from 'vitest';
import type { ScenarioContext } from '../../test/bench/scenarios/context.js';
import { medianOfRounds, worstRoundRows, type RoundFigure } from '../../test/bench/scenarios/rounds.js';
import { judge } from '../../test/bench/report/model.js';

const ctx = { kinds: ['hub', 'ws'] } as unknown as ScenarioContext;
interface R {
  server: string;
  round: number;
  kb: number;
}
const records: R[] = [
  { server: 'hub HS256', round: 1, kb: 7.0 },
  { server: 'ws', round: 1, kb: 7.0 },
  { server: 'hub HS256', round: 2, kb: 7.2 },
  { server: 'ws', round: 2, kb: 6.0 },
  { server: 'hub HS256', round: 3, kb: 7.1 },
  { server: 'ws', round: 3, kb: 6.9 },
];
const lower: RoundFigure<R> = { labelOf: (k) => (k === 'hub' ? 'hub HS256' : k), value: (r) => r.kb, better: 'lower' };

describe('rounds', () => {
  it('gives each server the median of its rounds', () => {
    expect(medianOfRounds(ctx, records, lower)).toEqual({ hub: 7.1, ws: 6.9 });
  });

  it('reports the worst round of each server and the worst per-round ratio, with its limit', () => {
    const [each, ratio] = worstRoundRows(ctx, records, 3, lower, {
      label: 'RSS',
      unit: 'KB',
      ratioLabel: 'hub ÷ ws RSS',
      limit: { op: '<=', value: 8 },
      ratioLimit: { op: '<=', value: 1.1 },
    });
    expect(each!.values).toEqual({ hub: 7.2, ws: 7.0 });
    expect(judge(each!)).toBe('met');
    expect(ratio!.values.hub).toBeCloseTo(1.2);
    expect(ratio!.note).toBe('per round: 1.00×, 1.20×, 1.03×');
    // The medians would pass (7.1 ÷ 6.9 = 1.03×); round 2 does not.
    expect(judge(ratio!)).toBe('missed');
  });

  it('takes the lowest round as the worst when higher is better', () => {
    const higher: RoundFigure<R> = { ...lower, better: 'higher' };
    const [each, ratio] = worstRoundRows(ctx, records, 3, higher, { label: 'x', unit: '/s', ratioLabel: 'x' });
    expect(each!.values).toEqual({ hub: 7.0, ws: 6.0 });
    expect(ratio!.values.hub).toBeCloseTo(1.0);
    expect(ratio!.limit).toBeUndefined();
  });
});
