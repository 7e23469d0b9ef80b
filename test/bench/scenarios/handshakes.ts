/**
 * Scenario 4 — handshakes per second: the hub verifying a distinct JWT per connection (HS256,
 * then ES256) against bare ws without any auth and Socket.IO. A bounded number of handshakes is
 * in flight; each connection is closed as soon as it is ready. Each server is warmed up first with
 * the same number of handshakes, unmeasured: a cold V8 spends its first thousands compiling.
 * The hub with HS256 and bare ws take turns over several rounds and each of their figures is the
 * median of its rounds, so one noisy second on a shared machine does not decide the target's ratio;
 * the servers without a target (hub ES256, Socket.IO) are measured in the first round only.
 */
import type { HandshakeReply } from '../load/commands.js';
import type { Metric, ScenarioResult } from '../report/model.js';
import type { ServerUnderTest, ServerVariant } from '../runner/servers.js';
import { shared, sleep, startVariant, type ScenarioContext } from './context.js';
import { medianOfRounds, worstRoundRows, type RoundFigure } from './rounds.js';

const TARGET_HUB = 'hub HS256';

interface HandshakeRecord extends HandshakeReply {
  server: string;
  round: number;
  serverCpuPercent: number;
  serverUsPerHandshake: number;
  serverSystemShare: number;
}

export async function handshakeScenario(ctx: ScenarioContext): Promise<ScenarioResult> {
  const started = Date.now();
  const { warmup, durationMs, maxCount, concurrency, rounds } = ctx.profile.handshakes;
  const servers: ServerUnderTest[] = [];
  const own: ServerUnderTest[] = [];
  try {
    for (const kind of ctx.kinds) {
      servers.push(await shared(ctx, kind));
      if (kind === 'hub') {
        const es256: ServerVariant = { alg: 'ES256' };
        const sut = await startVariant(ctx, kind, es256);
        own.push(sut);
        servers.push(sut);
      }
    }
    for (const sut of servers) {
      await ctx.generator.call<HandshakeReply>(
        'handshakes',
        { target: sut.target, authority: sut.authority, count: warmup, durationMs: 20_000, concurrency },
        140_000,
      );
    }
    const records: HandshakeRecord[] = [];
    for (let round = 1; round <= rounds; round++) {
      // The pair the target compares takes every round; the others (no target) are measured once.
      const turn = round === 1 ? servers : servers.filter((s) => s.label === TARGET_HUB || s.kind === 'ws');
      for (const sut of turn)
        records.push(await measure(ctx, sut, round, { count: maxCount, durationMs, concurrency }));
    }
    return {
      id: 4,
      title: 'Handshakes per second',
      metrics: metricsOf(ctx, records),
      detail: records,
      elapsedMs: Date.now() - started,
    };
  } finally {
    for (const sut of own) await sut.stop();
  }
}

async function measure(
  ctx: ScenarioContext,
  sut: ServerUnderTest,
  round: number,
  load: { count: number; durationMs: number; concurrency: number },
): Promise<HandshakeRecord> {
  const cpu0 = await sut.cpu();
  const reply = await ctx.generator.call<HandshakeReply>(
    'handshakes',
    { target: sut.target, authority: sut.authority, ...load },
    load.durationMs + 120_000,
  );
  await sleep(200); // the last closes are part of the work
  const cpu1 = await sut.cpu();
  const cpuMs = (cpu1.cpuUs - cpu0.cpuUs) / 1000;
  const record: HandshakeRecord = {
    ...reply,
    server: sut.label,
    round,
    serverCpuPercent: (100 * cpuMs) / (reply.elapsedMs + 200),
    serverUsPerHandshake: reply.completed ? (1000 * cpuMs) / reply.completed : 0,
    serverSystemShare: cpuMs > 0 ? (cpu1.systemUs - cpu0.systemUs) / 1000 / cpuMs : 0,
  };
  ctx.log(
    `round ${round} ${sut.label.padEnd(18)} ${record.perSecond.toFixed(0).padStart(6)} handshakes/s, p50 ${(reply.latency.p50 / 1000).toFixed(1)} ms ` +
      `p99 ${(reply.latency.p99 / 1000).toFixed(1)} ms, failed ${reply.failed}, server ${record.serverCpuPercent.toFixed(0)}% ` +
      `(${(100 * record.serverSystemShare).toFixed(0)}% kernel) ` +
      `${record.serverUsPerHandshake.toFixed(0)} µs/handshake, generator ${reply.load.percent.toFixed(0)}%` +
      (reply.failed ? ` ${JSON.stringify(reply.errors)}` : ''),
  );
  return record;
}

function metricsOf(ctx: ScenarioContext, records: HandshakeRecord[]): Metric[] {
  const figure = (hubLabel: string, field: 'perSecond' | 'serverUsPerHandshake'): RoundFigure<HandshakeRecord> => ({
    labelOf: (kind) => (kind === 'hub' ? hubLabel : kind),
    value: (r) => r[field],
    better: field === 'perSecond' ? 'higher' : 'lower',
  });
  const row = (hubLabel: string, field: 'perSecond' | 'serverUsPerHandshake') =>
    medianOfRounds(ctx, records, figure(hubLabel, field));
  const rounds = ctx.profile.handshakes.rounds;
  const note = rounds > 1 ? `hub HS256 and ws: median of ${rounds} rounds, taking turns` : undefined;
  return [
    {
      label: 'handshakes/s, hub HS256 vs peers without auth',
      unit: '/s',
      better: 'higher',
      values: row(TARGET_HUB, 'perSecond'),
      targets: [{ peer: 'ws', op: '>=', ratio: 0.7 }],
      note,
    },
    { label: 'handshakes/s, hub ES256', unit: '/s', better: 'higher', values: row('hub ES256', 'perSecond') },
    {
      label: 'server CPU per handshake, hub HS256',
      unit: 'µs',
      better: 'lower',
      values: row('hub HS256', 'serverUsPerHandshake'),
    },
    {
      label: 'server CPU per handshake, hub ES256',
      unit: 'µs',
      better: 'lower',
      values: row('hub ES256', 'serverUsPerHandshake'),
    },
    // Each round's hub ÷ ws: the target holds only if it holds in every round.
    ...worstRoundRows(ctx, records, rounds, figure(TARGET_HUB, 'perSecond'), {
      label: 'handshakes/s',
      unit: '/s',
      ratioLabel: 'hub HS256 ÷ ws handshakes',
      ratioLimit: { op: '>=', value: 0.7 },
    }),
  ];
}
