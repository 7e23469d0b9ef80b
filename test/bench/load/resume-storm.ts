/**
 * Resume storm: clients that saw `before` messages are cut at once, `during` more are published
 * while they are away, then all reconnect at the same moment and resume where they stopped
 * (hub: subscribe with `since`; Socket.IO: connection state recovery; bare ws cannot, so its
 * clients just resubscribe and the gap shows as missed messages).
 */
import { cpuMeter } from '../cpu.js';
import { LatencyHistogram } from '../histogram.js';
import { BenchClient, type DeliverySink } from './client.js';
import { nowUs } from './clock.js';
import type { StormArgs, StormReply } from './commands.js';
import { DIALECTS, socketioOffsetOf } from './dialect.js';
import { eventData, padFor, seqOf } from './payload.js';
import { openAll } from './pool.js';
import { mintTokens } from './tokens.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(condition: () => boolean, timeoutMs: number, quietMs = Infinity, progress = () => 0) {
  const until = Date.now() + timeoutMs;
  let last = progress();
  let lastChange = Date.now();
  while (!condition() && Date.now() < until) {
    await sleep(10);
    const now = progress();
    if (now !== last) {
      last = now;
      lastChange = Date.now();
    } else if (Date.now() - lastChange > quietMs) return;
  }
}

async function publishPaced(publisher: BenchClient, room: string, count: number, rate: number, pad: string) {
  const dialect = publisher.spec.dialect;
  const t0 = Date.now();
  for (let sent = 0; sent < count;) {
    const due = Math.min(count, Math.floor(((Date.now() - t0) * rate) / 1000) + 1);
    for (; sent < due; sent++) publisher.send(dialect.publish(room, eventData(nowUs(), pad)));
    if (sent < count) await sleep(1);
  }
}

export async function runStorm(args: StormArgs, sources: number): Promise<StormReply> {
  const dialect = DIALECTS[args.target.kind];
  const room = `storm-${Date.now().toString(36)}`;
  const server = { host: args.target.host, port: args.target.port };
  const final = args.before + args.during;
  const tokens = args.authority
    ? await mintTokens(
        args.authority,
        { role: 'viewer', rooms: [room], ttlSec: 3600 },
        Array.from({ length: args.clients }, (_, i) => `storm-${i}`),
      )
    : undefined;
  const [publisherToken] = args.authority
    ? await mintTokens(args.authority, { role: 'editor', rooms: [room], ttlSec: 3600 }, ['storm-publisher'])
    : [undefined];

  let reconnectStartUs = 0;
  let replayed = 0;
  let duplicates = 0;
  const doneUs = new Map<BenchClient, number>();
  const track: DeliverySink = (client, payload, _at, receivedUs) => {
    const resume = client.resume!;
    const seq = seqOf(payload);
    if (reconnectStartUs) replayed++;
    if (seq <= (resume.seq ?? 0)) {
      duplicates++;
      return;
    }
    resume.seq = seq;
    if (dialect.kind === 'socketio') resume.offset = socketioOffsetOf(payload) ?? resume.offset;
    if (seq >= final && reconnectStartUs && !doneUs.has(client)) doneUs.set(client, receivedUs);
  };

  const publisher = new BenchClient({ dialect, token: publisherToken }, () => {});
  const clients = Array.from(
    { length: args.clients },
    (_, i) => new BenchClient({ dialect, token: tokens?.[i], room, trackResume: true }, track),
  );
  const openOptions = { concurrency: 200, sources, timeoutMs: 10_000, deadlineMs: args.timeoutMs };
  await openAll([publisher], server, openOptions);
  const first = await openAll(clients, server, openOptions);
  if (first.failed > 0)
    throw new Error(`storm: ${first.failed} clients failed to open: ${JSON.stringify(first.errors)}`);

  const pad = padFor(args.payloadBytes);
  await publishPaced(publisher, room, args.before, args.rate, pad);
  await waitFor(() => clients.every((c) => (c.resume!.seq ?? 0) >= args.before), args.timeoutMs);
  for (const c of clients) c.sock?.drop();
  await sleep(500); // let the server see every disconnect before anyone returns
  const acksBefore = publisher.acks;
  await publishPaced(publisher, room, args.during, args.rate, pad);
  if (dialect.kind === 'hub') await waitFor(() => publisher.acks - acksBefore >= args.during, args.timeoutMs);
  else await sleep(300);

  const meter = cpuMeter();
  reconnectStartUs = nowUs();
  const errors: Record<string, number> = {};
  let readyUs = reconnectStartUs;
  const second = await openAll(clients, server, { ...openOptions, concurrency: args.clients });
  Object.assign(errors, second.errors);
  readyUs = nowUs();
  for (const c of clients) {
    if (c.lastAck && c.lastAck.recovered === false) {
      const reason = `not recovered: ${String(c.lastAck.reason)}`;
      errors[reason] = (errors[reason] ?? 0) + 1;
    }
  }
  await waitFor(
    () => doneUs.size === args.clients,
    args.timeoutMs,
    1000,
    () => replayed,
  );
  const load = meter.stop();

  const perClient = new LatencyHistogram();
  for (const t of doneUs.values()) perClient.record(t - reconnectStartUs);
  let missed = 0;
  for (const c of clients) missed += Math.max(0, final - (c.resume!.seq ?? 0));
  for (const c of clients) c.sock?.close(1000);
  publisher.sock?.close(1000);
  return {
    clients: args.clients,
    reconnectMs: (readyUs - reconnectStartUs) / 1000,
    reconnectFailed: second.failed,
    catchUpMs: doneUs.size === args.clients ? (Math.max(...doneUs.values()) - reconnectStartUs) / 1000 : null,
    caughtUp: doneUs.size,
    missed,
    duplicates,
    replayed,
    perClient: perClient.summary(),
    errors,
    load,
  };
}
