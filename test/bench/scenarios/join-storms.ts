/**
 * Scenario 7 — join storms: N clients connect and join at once (200 in flight), into one room or
 * spread over 50: a whole office opening one dashboard at 9:00, or a restart with every viewer
 * resubscribing. A join is the handshake plus the subscribe ack; for the hub also its presence
 * entry and the coalesced diffs to everyone already there (the peers announce nobody). Joins/s is
 * N over the time until the last ack; server CPU per join includes the work after the last ack
 * (the hub's last presence flushes), measured until the server is idle again. Every server is
 * warmed up first with one unmeasured storm of the first size.
 */
import type { ServerKind } from '../load/dialect.js';
import type { Metric, ScenarioResult } from '../report/model.js';
import { settle } from '../runner/measure.js';
import { median, openClients, shared, type ScenarioContext } from './context.js';

interface JoinRecord {
  server: string;
  kind: ServerKind;
  clients: number;
  rooms: number;
  round: number;
  elapsedMs: number;
  joinsPerSec: number;
  serverUsPerJoin: number;
  serverSystemShare: number;
  generatorPercent: number;
}

const caseLabel = (c: { clients: number; rooms: number }) =>
  `${c.clients >= 1000 ? `${c.clients / 1000}k` : c.clients} into ${c.rooms === 1 ? 'one room' : `${c.rooms} rooms`}`;

export async function joinStormScenario(ctx: ScenarioContext): Promise<ScenarioResult> {
  const started = Date.now();
  const { cases, rounds, concurrency } = ctx.profile.joins;
  const records: JoinRecord[] = [];
  // Unmeasured first: a cold V8 spends its first thousand joins compiling, which would make the
  // 1k storm dearer per join than the 5k one and hide how the cost scales.
  for (const kind of ctx.kinds) {
    const sut = await shared(ctx, kind);
    try {
      await openClients(ctx, sut, {
        group: 'warmup',
        count: cases[0]?.clients ?? 1000,
        rooms: ['dashboard:join-warmup'],
        tokenRooms: ['dashboard:*'],
        concurrency,
      });
    } finally {
      await ctx.generator.call('closeGroup', { group: 'warmup' });
      await settle(sut);
    }
  }
  for (const c of cases) {
    const rooms = Array.from({ length: c.rooms }, (_, i) => `dashboard:join-${c.clients}-${c.rooms}-${i}`);
    for (let round = 1; round <= rounds; round++) {
      for (const kind of ctx.kinds) {
        const sut = await shared(ctx, kind);
        await settle(sut);
        const cpu0 = await sut.cpu();
        try {
          const reply = await openClients(ctx, sut, {
            group: 'joiners',
            count: c.clients,
            rooms,
            tokenRooms: ['dashboard:*'],
            concurrency,
          });
          await settle(sut);
          const cpu1 = await sut.cpu();
          const cpuUs = cpu1.cpuUs - cpu0.cpuUs;
          const record: JoinRecord = {
            server: sut.label,
            kind,
            clients: c.clients,
            rooms: c.rooms,
            round,
            elapsedMs: reply.elapsedMs,
            joinsPerSec: (1000 * c.clients) / Math.max(1, reply.elapsedMs),
            // settle() samples for 200 ms at a time: subtract nothing, the idle tail is a few ms.
            serverUsPerJoin: cpuUs / c.clients,
            serverSystemShare: cpuUs > 0 ? (cpu1.systemUs - cpu0.systemUs) / cpuUs : 0,
            generatorPercent: reply.load.percent,
          };
          records.push(record);
          ctx.log(
            `round ${round} ${caseLabel(c).padEnd(18)} ${sut.label.padEnd(10)} ${record.joinsPerSec.toFixed(0).padStart(6)} joins/s ` +
              `(${(record.elapsedMs / 1000).toFixed(2)} s), server ${record.serverUsPerJoin.toFixed(0)} µs/join ` +
              `(${(100 * record.serverSystemShare).toFixed(0)}% kernel), generator ${record.generatorPercent.toFixed(0)}%`,
          );
        } finally {
          await ctx.generator.call('closeGroup', { group: 'joiners' });
          await settle(sut);
        }
      }
    }
  }
  return {
    id: 7,
    title: 'Join storms (200 joins in flight)',
    metrics: metricsOf(ctx, records),
    detail: records,
    elapsedMs: Date.now() - started,
  };
}

function metricsOf(ctx: ScenarioContext, records: JoinRecord[]): Metric[] {
  const metrics: Metric[] = [];
  const rounds = ctx.profile.joins.rounds;
  const row = (c: { clients: number; rooms: number }, f: (r: JoinRecord) => number) => {
    const values: Partial<Record<ServerKind, number | null>> = {};
    for (const kind of ctx.kinds)
      values[kind] = median(
        records.filter((r) => r.kind === kind && r.clients === c.clients && r.rooms === c.rooms).map(f),
      );
    return values;
  };
  const generatorBusy = (c: { clients: number; rooms: number }) =>
    records.some((r) => r.clients === c.clients && r.rooms === c.rooms && r.generatorPercent > 85)
      ? 'generator core over 85% in a round (lower bound)'
      : undefined;
  const perJoin: Record<string, number | null | undefined> = {};
  for (const c of ctx.profile.joins.cases) {
    const label = caseLabel(c);
    const oneRoom5k = c.clients === 5000 && c.rooms === 1;
    metrics.push({
      label: `joins/s, ${label}${rounds > 1 ? ` (median of ${rounds})` : ''}`,
      unit: '/s',
      better: 'higher',
      values: row(c, (r) => r.joinsPerSec),
      targets: oneRoom5k
        ? [
            { peer: 'ws', op: '>=', ratio: 0.5 },
            { peer: 'socketio', op: '>=', ratio: 1.5 },
          ]
        : undefined,
      note: generatorBusy(c),
    });
    metrics.push({
      label: `time for all to join, ${label}`,
      unit: 's',
      better: 'lower',
      values: row(c, (r) => r.elapsedMs / 1000),
    });
    const cpu = row(c, (r) => r.serverUsPerJoin);
    metrics.push({ label: `server CPU per join, ${label}`, unit: 'µs', better: 'lower', values: cpu });
    if (c.rooms === 1) perJoin[c.clients] = cpu.hub;
  }
  const at1k = perJoin[1000];
  const at5k = perJoin[5000];
  if (typeof at1k === 'number' && typeof at5k === 'number' && at1k > 0) {
    metrics.push({
      label: 'hub CPU per join, 5k ÷ 1k into one room',
      unit: '×',
      better: 'lower',
      values: { hub: at5k / at1k },
      limit: { op: '<=', value: 1.2 },
    });
  }
  return metrics;
}
