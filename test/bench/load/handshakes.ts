/**
 * Handshake rate: a bounded number of connections in flight, each opened until the server says it
 * is ready (hub: welcome; Socket.IO: namespace connect; ws: the 101), then closed at once.
 */
import { cpuMeter } from '../cpu.js';
import { LatencyHistogram } from '../histogram.js';
import { BenchClient } from './client.js';
import { nowUs } from './clock.js';
import type { HandshakeArgs, HandshakeReply } from './commands.js';
import { DIALECTS } from './dialect.js';
import { sourceAddress } from './pool.js';
import { mintTokens } from './tokens.js';

const ignoreDeliveries = () => {};

export async function runHandshakes(args: HandshakeArgs, sources: number): Promise<HandshakeReply> {
  const dialect = DIALECTS[args.target.kind];
  const mintStart = Date.now();
  const tokens = args.authority
    ? await mintTokens(
        args.authority,
        { role: 'viewer', rooms: ['dashboard:*'], ttlSec: 3600 },
        Array.from({ length: args.count }, (_, i) => `hs-${i}`),
      )
    : undefined;
  const mintMs = Date.now() - mintStart;
  const histogram = new LatencyHistogram();
  const errors: Record<string, number> = {};
  let next = 0;
  let completed = 0;
  let failed = 0;
  const meter = cpuMeter();
  const started = Date.now();
  const deadline = started + args.durationMs;
  const worker = async () => {
    while (next < args.count && Date.now() < deadline) {
      const index = next++;
      const client = new BenchClient({ dialect, token: tokens?.[index] }, ignoreDeliveries);
      const t0 = nowUs();
      try {
        await client.connect(
          { host: args.target.host, port: args.target.port, localAddress: sourceAddress(index, sources) },
          10_000,
        );
        histogram.record(nowUs() - t0);
        completed++;
        client.sock?.close(1000);
      } catch (err) {
        failed++;
        const reason = (err as Error).message.slice(0, 120);
        errors[reason] = (errors[reason] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: args.concurrency }, worker));
  const elapsedMs = Date.now() - started;
  return {
    completed,
    failed,
    errors,
    elapsedMs,
    perSecond: (1000 * completed) / Math.max(1, elapsedMs),
    latency: histogram.summary(),
    mintMs,
    load: meter.stop(),
  };
}
