/**
 * Scenario 1 — idle memory per connection: 1k, 5k, 10k connections (authenticated on the hub),
 * each subscribed to one of 100 rooms, measured on a fresh server process after a full GC.
 */
import type { ScenarioResult, Metric } from '../report/model.js';
import type { ServerKind } from '../load/dialect.js';
import type { ServerMemory } from '../servers/control.js';
import { openClients, shared, sleep, type ScenarioContext } from './context.js';

interface Level {
  connections: number;
  rss: number;
  heapUsed: number;
  rssPerConnection: number;
  heapPerConnection: number;
  openMs: number;
}

const TARGET_LEVEL = 10_000;

export async function memoryScenario(ctx: ScenarioContext): Promise<ScenarioResult> {
  const started = Date.now();
  const rooms = Array.from({ length: 100 }, (_, i) => `dashboard:${i}`);
  const detail: Record<string, { baseline: ServerMemory; levels: Level[] }> = {};
  for (const kind of ctx.kinds) {
    const sut = await shared(ctx, kind);
    try {
      await sleep(300);
      const baseline = await sut.memory(true);
      const levels: Level[] = [];
      let open = 0;
      for (const target of ctx.profile.memoryLevels) {
        const reply = await openClients(ctx, sut, {
          group: 'idle',
          count: target - open,
          rooms,
          tokenRooms: ['dashboard:*'],
        });
        open = target;
        await sleep(500); // let per-connection timers and buffers settle before measuring
        const m = await sut.memory(true);
        const level = {
          connections: open,
          rss: m.rss,
          heapUsed: m.heapUsed,
          rssPerConnection: (m.rss - baseline.rss) / open,
          heapPerConnection: (m.heapUsed - baseline.heapUsed) / open,
          openMs: reply.elapsedMs,
        };
        levels.push(level);
        ctx.log(
          `${sut.label.padEnd(18)} ${open} connections: RSS ${(m.rss / 2 ** 20).toFixed(1)} MiB ` +
            `(+${(level.rssPerConnection / 1024).toFixed(2)} KiB/conn), heap +${(level.heapPerConnection / 1024).toFixed(2)} KiB/conn`,
        );
      }
      detail[sut.label] = { baseline, levels };
    } finally {
      await ctx.generator.call('closeAll');
    }
  }
  const perLevel = (field: 'rssPerConnection' | 'heapPerConnection', connections: number) => {
    const values: Partial<Record<ServerKind, number | null>> = {};
    for (const kind of ctx.kinds) {
      const entry = Object.entries(detail).find(([label]) => label.startsWith(kind));
      const level = entry?.[1].levels.find((l) => l.connections === connections);
      values[kind] = level ? level[field] / 1000 : null;
    }
    return values;
  };
  const top = Math.max(...ctx.profile.memoryLevels);
  // The target is stated at 10k connections; below that, one-time costs (compiled code, pools)
  // still weigh on the per-connection figure, so smaller levels are shown but not judged.
  const metrics: Metric[] = ctx.profile.memoryLevels.map((n) => ({
    label: `idle RSS per connection @${n / 1000}k`,
    unit: 'KB',
    better: 'lower',
    values: perLevel('rssPerConnection', n),
    ...(n === TARGET_LEVEL
      ? { targets: [{ peer: 'ws' as const, op: '<=' as const, ratio: 1.5 }], limit: { op: '<=' as const, value: 8 } }
      : {}),
    ...(n === top && n < TARGET_LEVEL
      ? {
          note: `the target (÷ws <= 1.5, <= 8 KB) is judged at ${TARGET_LEVEL / 1000}k connections, in the full profile`,
        }
      : {}),
  }));
  metrics.push({
    label: `idle heap per connection @${top / 1000}k`,
    unit: 'KB',
    better: 'lower',
    values: perLevel('heapPerConnection', top),
  });
  return { id: 1, title: 'Idle memory per connection', metrics, detail, elapsedMs: Date.now() - started };
}
