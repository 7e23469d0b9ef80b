/**
 * One open-loop step: publish at a fixed rate for a fixed time whatever the server does, then
 * wait (bounded) for deliveries in flight. Each delivery's stamp says which step it belongs to,
 * so stragglers from an earlier step are counted as late, never as this step's deliveries.
 */
import { cpuMeter } from '../cpu.js';
import { LatencyHistogram } from '../histogram.js';
import type { BenchClient, DeliverySink } from './client.js';
import { nowUs } from './clock.js';
import type { StepArgs, StepReply } from './commands.js';
import { eventData, padFor, stampAt } from './payload.js';

export class StepCounter {
  readonly histogram = new LatencyHistogram();
  received = 0;
  late = 0;
  startUs = Number.MAX_SAFE_INTEGER;
  lastUs = 0;

  readonly sink: DeliverySink = (client, payload, markerAt, receivedUs) => {
    if (!client.healthy) return;
    const sentUs = stampAt(payload, markerAt);
    if (sentUs < this.startUs) {
      this.late++;
      return;
    }
    client.received++;
    this.received++;
    this.lastUs = receivedUs;
    this.histogram.record(receivedUs - sentUs);
  };

  begin(startUs: number): void {
    this.histogram.reset();
    this.received = 0;
    this.late = 0;
    this.startUs = startUs;
    this.lastUs = startUs;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runStep(
  publishers: BenchClient[],
  subscribers: BenchClient[],
  counter: StepCounter,
  args: StepArgs,
): Promise<StepReply> {
  if (publishers.length === 0) throw new Error('no publishers');
  const members = new Map<string, number>();
  const watched = subscribers.filter((c) => c.healthy && c.open);
  const absent = subscribers.filter((c) => c.healthy && !c.open).length;
  for (const c of watched) if (c.spec.room) members.set(c.spec.room, (members.get(c.spec.room) ?? 0) + 1);
  const errorsBefore = publishers.reduce((n, p) => n + p.errors, 0);
  const total = Math.max(1, Math.round((args.rate * args.durationMs) / 1000));
  const pad = padFor(args.payloadBytes);
  const dialect = publishers[0].spec.dialect;
  const meter = cpuMeter();
  const t0 = nowUs();
  counter.begin(t0);
  let sent = 0;
  let expected = 0;
  const hardStopUs = t0 + 2 * args.durationMs * 1000 + 1_000_000;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = nowUs();
      const due = Math.min(total, Math.floor(((now - t0) * args.rate) / 1e6) + 1);
      while (sent < due) {
        const room = args.rooms[sent % args.rooms.length];
        publishers[sent % publishers.length].send(dialect.publish(room, eventData(nowUs(), pad)));
        expected += members.get(room) ?? 0;
        sent++;
      }
      if (sent >= total || now > hardStopUs) resolve();
      else setTimeout(tick, 1);
    };
    tick();
  });
  const publishEndUs = nowUs();
  const drainUntil = Date.now() + args.drainMs;
  while (counter.received < expected && Date.now() < drainUntil) await sleep(5);
  const load = meter.stop();
  const closes: Record<string, number> = {};
  for (const c of watched) if (c.closed) closes[c.closed.code] = (closes[c.closed.code] ?? 0) + 1;
  // Over at least the publishing window: a short burst delivered fast is not a sustained rate.
  const cut = publishers.find((p) => p.closed);
  const publisherClosed = cut?.closed
    ? `${cut.closed.code} ${cut.closed.reason || cut.closed.error || ''}`.trim()
    : null;
  const elapsedUs = Math.max(counter.lastUs - t0, args.durationMs * 1000, 1);
  return {
    rate: args.rate,
    published: sent,
    publishedPerSec: sent / Math.max(1e-6, (publishEndUs - t0) / 1e6),
    expected,
    received: counter.received,
    lost: Math.max(0, expected - counter.received),
    late: counter.late,
    deliveredPerSec: counter.received / (elapsedUs / 1e6),
    elapsedMs: elapsedUs / 1000,
    latency: counter.histogram.summary(),
    histogram: counter.histogram.snapshot(),
    publishErrors: publishers.reduce((n, p) => n + p.errors, 0) - errorsBefore,
    closes,
    absent,
    publisherClosed,
    load,
  };
}
