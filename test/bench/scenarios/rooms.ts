/**
 * Scenario 3 — many rooms: 100 rooms × 50 subscribers, one publisher round-robin over the rooms,
 * so every delivery costs a publish fifty times more often than in one big room.
 */
import type { Metric, ScenarioResult } from '../report/model.js';
import { findCapacities, type Contender } from '../runner/capacity.js';
import { openClients, shared, type ScenarioContext } from './context.js';
import { capacityMetrics, ladderOptions } from './fanout.js';

export async function roomsScenario(ctx: ScenarioContext): Promise<ScenarioResult> {
  const started = Date.now();
  const { count, subscribers, maxSteps, startFactor } = ctx.profile.rooms;
  const rooms = Array.from({ length: count }, (_, i) => `dashboard:${i}`);
  let metrics: Metric[] = [];
  let detail: unknown;
  try {
    const contenders: Contender[] = [];
    for (const kind of ctx.kinds) {
      const sut = await shared(ctx, kind);
      await openClients(ctx, sut, {
        group: `${kind}:subs`,
        count: count * subscribers,
        rooms,
        tokenRooms: ['dashboard:*'],
      });
      await openClients(ctx, sut, {
        group: `${kind}:pub`,
        count: 1,
        rooms: [],
        role: 'editor',
        tokenRooms: ['dashboard:*'],
      });
      // The same first rate for everyone, in deliveries a multiple of scenario 2's first step.
      const start = (startFactor * ctx.profile.ladderStart * 1000) / subscribers;
      contenders.push({ sut, publishers: `${kind}:pub`, subscribers: [`${kind}:subs`], rooms, start });
    }
    ctx.log(`many rooms: ${count} rooms × ${subscribers} subscribers:`);
    const results = await findCapacities(ctx.generator, contenders, { ...ladderOptions(ctx), maxSteps }, ctx.log);
    metrics = capacityMetrics(ctx.kinds, results, `${count}×${subscribers}`, false);
    detail = { rooms: count, subscribersPerRoom: subscribers, results };
  } finally {
    await ctx.generator.call('closeAll');
  }
  return { id: 3, title: `Many rooms (${count} × ${subscribers})`, metrics, detail, elapsedMs: Date.now() - started };
}
