/**
 * One fan-out step measured from both ends: the generator's deliveries and latencies, the server's
 * own CPU time, and how much of the machine other work used meanwhile.
 */
import { cpus } from 'node:os';
import type { StepArgs, StepReply } from '../load/commands.js';
import type { LatencySummary } from '../histogram.js';
import type { ChildHandle } from './processes.js';
import { backgroundMeter, machineBusyMs } from './machine.js';
import type { ServerUnderTest } from './servers.js';

/** Capacity criteria: p99 at most this, nothing lost, nobody disconnected. */
export const P99_LIMIT_US = 100_000;
/** Above this the generator's own core is the bottleneck and a figure is only a lower bound. */
export const GENERATOR_BUSY_PERCENT = 85;

export interface StepRecord {
  server: string;
  rate: number;
  publishedPerSec: number;
  expected: number;
  received: number;
  lost: number;
  late: number;
  deliveredPerSec: number;
  latency: LatencySummary;
  publishErrors: number;
  closes: Record<string, number>;
  publisherClosed: string | null;
  /** Subscribers an earlier step lost: they cannot receive, so the step cannot pass. */
  absent: number;
  serverCpuPercent: number;
  /** Kernel share of the server's CPU time. */
  serverSystemShare: number;
  /** Share of the step the server was ready to run but waited for its core (other processes). */
  serverWaitPercent: number | null;
  /** Longest the server's event loop was blocked during the step, ms. */
  serverLoopDelayMaxMs: number;
  serverUsPerDelivery: number;
  generatorCpuPercent: number;
  /** Share of both cores used by other processes during the step. */
  backgroundPercent: number | null;
  passed: boolean;
}

export function passes(r: Omit<StepRecord, 'passed'>): boolean {
  return (
    // Nothing expected passes nothing: a server that dropped every subscriber earlier is not fast.
    r.expected > 0 &&
    r.absent === 0 &&
    r.lost === 0 &&
    r.latency.p99 <= P99_LIMIT_US &&
    Object.keys(r.closes).length === 0 &&
    r.publishErrors === 0 &&
    r.publisherClosed === null &&
    r.publishedPerSec >= 0.9 * r.rate
  );
}

export async function measureStep(generator: ChildHandle, sut: ServerUnderTest, args: StepArgs): Promise<StepRecord> {
  const busy0 = machineBusyMs();
  const own0 = process.cpuUsage();
  await sut.loopDelay();
  const server0 = await sut.cpu();
  const reply = await generator.call<StepReply>('step', args, 2 * args.durationMs + args.drainMs + 30_000);
  const server1 = await sut.cpu();
  const loop = await sut.loopDelay();
  const busy1 = machineBusyMs();
  const own = process.cpuUsage(own0);
  const wallMs = reply.load.wallMs;
  const serverMs = (server1.cpuUs - server0.cpuUs) / 1000;
  const serverSystemMs = (server1.systemUs - server0.systemUs) / 1000;
  const ours = serverMs + reply.load.cpuMs + (own.user + own.system) / 1000;
  const record: Omit<StepRecord, 'passed'> = {
    server: sut.label,
    rate: args.rate,
    publishedPerSec: reply.publishedPerSec,
    expected: reply.expected,
    received: reply.received,
    lost: reply.lost,
    late: reply.late,
    deliveredPerSec: reply.deliveredPerSec,
    latency: reply.latency,
    publishErrors: reply.publishErrors,
    closes: reply.closes,
    absent: reply.absent,
    publisherClosed: reply.publisherClosed,
    serverCpuPercent: (100 * serverMs) / wallMs,
    serverSystemShare: serverMs > 0 ? serverSystemMs / serverMs : 0,
    serverLoopDelayMaxMs: loop.max,
    serverWaitPercent:
      server0.waitUs === null || server1.waitUs === null
        ? null
        : (100 * (server1.waitUs - server0.waitUs)) / 1000 / wallMs,
    serverUsPerDelivery: reply.received > 0 ? (1000 * serverMs) / reply.received : 0,
    generatorCpuPercent: reply.load.percent,
    backgroundPercent:
      busy0 === null || busy1 === null ? null : Math.max(0, (100 * (busy1 - busy0 - ours)) / (wallMs * cpus().length)),
  };
  return { ...record, passed: passes(record) };
}

/** Wait until the server is idle again (a server that fell behind keeps writing for a while). */
export async function settle(sut: ServerUnderTest, maxMs = 5_000): Promise<void> {
  const until = Date.now() + maxMs;
  while (Date.now() < until) {
    const a = (await sut.cpu()).cpuUs;
    await new Promise((resolve) => setTimeout(resolve, 200));
    const b = (await sut.cpu()).cpuUs;
    if (b - a < 20_000) return; // under 10% of a core
  }
}

export function formatStep(r: StepRecord): string {
  const ms = (us: number) => (us / 1000).toFixed(1);
  return (
    `${r.server.padEnd(18)} ${r.rate.toFixed(0).padStart(6)} msg/s → ${r.deliveredPerSec.toFixed(0).padStart(7)} deliveries/s ` +
    `p50 ${ms(r.latency.p50)} p99 ${ms(r.latency.p99)} max ${ms(r.latency.max)} ms, lost ${r.lost}, ` +
    `server ${r.serverCpuPercent.toFixed(0)}% (${(100 * r.serverSystemShare).toFixed(0)}% kernel) ${r.serverUsPerDelivery.toFixed(1)} µs/delivery, ` +
    `loop blocked ≤${r.serverLoopDelayMaxMs.toFixed(0)} ms, waited for its core ${r.serverWaitPercent?.toFixed(0) ?? '?'}%, ` +
    `generator ${r.generatorCpuPercent.toFixed(0)}%, background ${r.backgroundPercent?.toFixed(0) ?? '?'}% ` +
    (r.passed ? 'ok' : 'FAIL') +
    (r.publisherClosed ? ` (publisher cut: ${r.publisherClosed})` : '') +
    (Object.keys(r.closes).length ? ` (subscribers closed: ${JSON.stringify(r.closes)})` : '') +
    (r.absent ? ` (${r.absent} subscribers already gone)` : '')
  );
}

/**
 * On a shared machine, wait (bounded) until other processes leave the cores mostly idle, so a step
 * measures the server rather than the neighbours. Returns the background share last seen.
 */
export async function awaitQuiet(pids: number[], maxWaitMs: number, belowPercent: number): Promise<number | null> {
  const until = Date.now() + maxWaitMs;
  for (;;) {
    const meter = backgroundMeter(() => pids);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const background = meter.stop();
    if (background === null || background < belowPercent || Date.now() >= until) return background;
  }
}
