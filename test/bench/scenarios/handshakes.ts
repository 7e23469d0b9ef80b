/**
 * Scenario 4 — handshakes per second: the hub verifying a distinct JWT per connection (HS256,
 * then ES256) against bare ws without any auth and Socket.IO. A bounded number of handshakes is
 * in flight; each connection is closed as soon as it is ready. Each server is warmed up first with
 * the same number of handshakes, unmeasured: a cold V8 spends its first thousands compiling.
 */
import type { HandshakeReply } from '../load/commands.js';
import type { ServerKind } from '../load/dialect.js';
import type { Metric, ScenarioResult } from '../report/model.js';
import type { ServerVariant } from '../runner/servers.js';
import { shared, sleep, startVariant, type ScenarioContext } from './context.js';

interface HandshakeRecord extends HandshakeReply {
  server: string;
  serverCpuPercent: number;
  serverUsPerHandshake: number;
  serverSystemShare: number;
}

export async function handshakeScenario(ctx: ScenarioContext): Promise<ScenarioResult> {
  const started = Date.now();
  const runs: Array<{ kind: ServerKind; variant: ServerVariant }> = [];
  for (const kind of ctx.kinds) {
    if (kind === 'hub') runs.push({ kind, variant: { alg: 'HS256' } }, { kind, variant: { alg: 'ES256' } });
    else runs.push({ kind, variant: {} });
  }
  const records: HandshakeRecord[] = [];
  const { warmup, durationMs, maxCount, concurrency } = ctx.profile.handshakes;
  for (const { kind, variant } of runs) {
    const separate = kind === 'hub' && variant.alg === 'ES256';
    const sut = separate ? await startVariant(ctx, kind, variant) : await shared(ctx, kind);
    try {
      await ctx.generator.call<HandshakeReply>(
        'handshakes',
        { target: sut.target, authority: sut.authority, count: warmup, durationMs: 20_000, concurrency },
        140_000,
      );
      const cpu0 = await sut.cpu();
      const reply = await ctx.generator.call<HandshakeReply>(
        'handshakes',
        { target: sut.target, authority: sut.authority, count: maxCount, durationMs, concurrency },
        durationMs + 120_000,
      );
      await sleep(200); // the last closes are part of the work
      const cpu1 = await sut.cpu();
      const cpuMs = (cpu1.cpuUs - cpu0.cpuUs) / 1000;
      const record: HandshakeRecord = {
        ...reply,
        server: sut.label,
        serverCpuPercent: (100 * cpuMs) / (reply.elapsedMs + 200),
        serverUsPerHandshake: reply.completed ? (1000 * cpuMs) / reply.completed : 0,
        serverSystemShare: cpuMs > 0 ? (cpu1.systemUs - cpu0.systemUs) / 1000 / cpuMs : 0,
      };
      records.push(record);
      ctx.log(
        `${sut.label.padEnd(18)} ${record.perSecond.toFixed(0).padStart(6)} handshakes/s, p50 ${(reply.latency.p50 / 1000).toFixed(1)} ms ` +
          `p99 ${(reply.latency.p99 / 1000).toFixed(1)} ms, failed ${reply.failed}, server ${record.serverCpuPercent.toFixed(0)}% ` +
          `(${(100 * record.serverSystemShare).toFixed(0)}% kernel) ` +
          `${record.serverUsPerHandshake.toFixed(0)} µs/handshake, generator ${reply.load.percent.toFixed(0)}%` +
          (reply.failed ? ` ${JSON.stringify(reply.errors)}` : ''),
      );
    } finally {
      if (separate) await sut.stop();
    }
  }
  const find = (label: string) => records.find((r) => r.server === label);
  const row = (hubLabel: string, field: 'perSecond' | 'serverUsPerHandshake'): Partial<Record<ServerKind, number | null>> => {
    const values: Partial<Record<ServerKind, number | null>> = {};
    for (const kind of ctx.kinds) values[kind] = find(kind === 'hub' ? hubLabel : kind)?.[field] ?? null;
    return values;
  };
  const metrics: Metric[] = [
    {
      label: 'handshakes/s, hub HS256 vs peers without auth',
      unit: '/s',
      better: 'higher',
      values: row('hub HS256', 'perSecond'),
      targets: [{ peer: 'ws', op: '>=', ratio: 0.7 }],
    },
    { label: 'handshakes/s, hub ES256', unit: '/s', better: 'higher', values: row('hub ES256', 'perSecond') },
    { label: 'server CPU per handshake, hub HS256', unit: 'µs', better: 'lower', values: row('hub HS256', 'serverUsPerHandshake') },
    { label: 'server CPU per handshake, hub ES256', unit: 'µs', better: 'lower', values: row('hub ES256', 'serverUsPerHandshake') },
  ];
  return { id: 4, title: 'Handshakes per second', metrics, detail: records, elapsedMs: Date.now() - started };
}
