/**
 * Cross-hub delivery figures (a measurement, not a test): three hub processes on one redis-server,
 * subscribers spread over them, one publisher per hub; and, in the same run, the same clients on one
 * in-memory hub as the baseline. Reports publish throughput, deliveries per second and
 * publish→receive latency (one clock: this process), each process's CPU, and the ratios.
 * Run: node --import tsx test/bench/redis-hubs-figures.ts [subscribersPerHub] [messagesPerPublisher] [ratePerPublisher]
 * A rate of 0 publishes as fast as acks come back (a window of 64 outstanding per publisher).
 */
import WebSocket from 'ws';
import { performance } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';
import { startRedisServer } from '../support/redis-server.js';
import { startHubProcess, tokenFor, type HubProcess } from '../support/redis-hubs.js';
import { testPrefix } from '../support/redis-helpers.js';

const subscribersPerHub = Number(process.argv[2] ?? 10);
const perPublisher = Number(process.argv[3] ?? 3000);
const ratePerPublisher = Number(process.argv[4] ?? 0);
const WINDOW = 64;
const room = 'dashboard:figures';

interface Peer {
  ws: WebSocket;
  received: number;
  lastSeq: number;
  outOfOrder: number;
  subscribed: boolean;
}

async function open(hub: HubProcess, sub: string, onFrame: (msg: any, peer: Peer) => void): Promise<Peer> {
  const ws = new WebSocket(hub.hub.wsUrl, ['insight.v1'], {
    headers: { authorization: `Bearer ${await tokenFor(sub)}` },
  });
  const peer: Peer = { ws, received: 0, lastSeq: 0, outOfOrder: 0, subscribed: false };
  await new Promise<void>((resolve, reject) => {
    ws.once('error', reject);
    ws.on('message', (data) => {
      const msg = JSON.parse(data.toString());
      if (msg.type === 'welcome') resolve();
      else onFrame(msg, peer);
    });
  });
  return peer;
}

/** CPU seconds a process has used so far (Linux /proc). */
function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

interface Figures {
  layout: string;
  publishPerSec: number;
  deliveriesPerSec: number;
  latencyMs: { p50: number; p99: number; p999: number; max: number };
  outOfOrder: number;
  loadGeneratorCpuPercent: number;
  hubCpuPercent: number[];
  redisCpuPercent?: number;
}

/** Subscribers spread evenly over `hubs`, one publisher per entry of `publishOn`. */
async function measure(
  layout: string,
  hubs: HubProcess[],
  publishOn: HubProcess[],
  redisPid?: number,
): Promise<Figures> {
  const latencies: number[] = [];
  const subscribers: Peer[] = [];
  const subscriberCount = subscribersPerHub * 3;
  try {
    for (let i = 0; i < subscriberCount; i++) {
      const hub = hubs[i % hubs.length];
      const peer = await open(hub, `viewer-${i}`, (msg, p) => {
        if (msg.type === 'ack' && msg.id === 's') p.subscribed = true;
        if (msg.type !== 'message') return;
        p.received++;
        if (msg.seq !== p.lastSeq + 1) p.outOfOrder++;
        p.lastSeq = msg.seq;
        latencies.push(performance.timeOrigin + performance.now() - msg.data.t);
      });
      peer.ws.send(JSON.stringify({ type: 'subscribe', room, id: 's' }));
      subscribers.push(peer);
    }
    // Every subscribe answered before the clock starts.
    while (subscribers.some((s) => !s.subscribed)) await new Promise((r) => setTimeout(r, 5));

    const total = perPublisher * publishOn.length;
    const cpuBefore = process.cpuUsage();
    const hubCpuBefore = hubs.map((h) => cpuSeconds(h.child.pid));
    const redisCpuBefore = cpuSeconds(redisPid);
    const started = performance.now();
    await Promise.all(publishOn.map((hub, i) => publish(hub, `publisher-${i}`)));
    const published = performance.now() - started;
    while (subscribers.some((s) => s.received < total)) await new Promise((r) => setTimeout(r, 5));
    const delivered = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    latencies.sort((a, b) => a - b);
    const share = (seconds: number) => Math.round((seconds / (delivered / 1000)) * 100);
    return {
      layout,
      publishPerSec: Math.round(total / (published / 1000)),
      deliveriesPerSec: Math.round((total * subscribers.length) / (delivered / 1000)),
      latencyMs: {
        p50: +percentile(latencies, 50).toFixed(2),
        p99: +percentile(latencies, 99).toFixed(2),
        p999: +percentile(latencies, 99.9).toFixed(2),
        max: +latencies[latencies.length - 1].toFixed(2),
      },
      outOfOrder: subscribers.reduce((n, s) => n + s.outOfOrder, 0),
      loadGeneratorCpuPercent: share((cpu.user + cpu.system) / 1e6),
      hubCpuPercent: hubs.map((h, i) => share(cpuSeconds(h.child.pid) - hubCpuBefore[i])),
      ...(redisPid !== undefined ? { redisCpuPercent: share(cpuSeconds(redisPid) - redisCpuBefore) } : {}),
    };
  } finally {
    for (const s of subscribers) s.ws.terminate();
  }
}

/** One publisher: closed loop with a window, or open loop at a fixed rate. Resolves when all are acked. */
async function publish(hub: HubProcess, sub: string): Promise<void> {
  let acked = 0;
  let sent = 0;
  let release: () => void = () => undefined;
  let fail: (err: Error) => void = () => undefined;
  const allAcked = new Promise<void>((resolve, reject) => ((release = resolve), (fail = reject)));
  const send = () => {
    sent++;
    publisher.ws.send(
      JSON.stringify({
        type: 'publish',
        room,
        event: 'tick',
        id: String(sent),
        data: { t: performance.timeOrigin + performance.now() },
      }),
    );
  };
  const publisher = await open(hub, sub, (msg) => {
    if (msg.type === 'error') fail(new Error(`publish refused: ${msg.message}`));
    if (msg.type !== 'ack') return;
    acked++;
    if (acked === perPublisher) release();
    else if (ratePerPublisher === 0 && sent < perPublisher) send();
  });
  if (ratePerPublisher === 0) {
    for (let i = 0; i < WINDOW && sent < perPublisher; i++) send();
  } else {
    const begin = performance.now();
    while (sent < perPublisher) {
      const due = Math.floor(((performance.now() - begin) / 1000) * ratePerPublisher);
      while (sent < Math.min(due, perPublisher)) send();
      await new Promise((r) => setTimeout(r, 1));
    }
  }
  await allAcked;
  publisher.ws.close();
}

const mode =
  ratePerPublisher === 0
    ? `closed loop, ${WINDOW} outstanding per publisher`
    : `open loop, ${ratePerPublisher}/s per publisher`;
const results: Figures[] = [];

// Baseline first: one in-memory hub with every subscriber and the same three publishers.
const single = await startHubProcess('memory', '', 'hub-memory');
try {
  results.push(await measure('1 hub, memory engine', [single], [single, single, single]));
} finally {
  await single.stop('SIGTERM');
}

const redis = await startRedisServer();
const prefix = testPrefix();
const hubs = await Promise.all(['hub-a', 'hub-b', 'hub-c'].map((id) => startHubProcess(redis.url, prefix, id)));
try {
  results.push(await measure('3 hubs, redis engine', hubs, hubs, redis.pid));
} finally {
  await Promise.all(hubs.map((h) => h.stop('SIGTERM')));
  await redis.stop();
}

const [base, scaled] = results;
console.log(
  JSON.stringify(
    {
      subscribers: subscribersPerHub * 3,
      publishers: 3,
      messages: perPublisher * 3,
      mode,
      results,
      ratio: {
        deliveriesPerSec: +(scaled.deliveriesPerSec / base.deliveriesPerSec).toFixed(2),
        latencyP50: +(scaled.latencyMs.p50 / base.latencyMs.p50).toFixed(2),
        latencyP99: +(scaled.latencyMs.p99 / base.latencyMs.p99).toFixed(2),
      },
    },
    null,
    2,
  ),
);
