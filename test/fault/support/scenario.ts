/**
 * One fault run: subscribers (SDK clients in child processes) join their rooms, publishers (SDK
 * clients here) publish steadily, the fault is made and healed, publishing stops, and the
 * checker judges what every member delivered. Sizes and durations come from the profile.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import WebSocket from 'ws';
import { connect, type InsightClient, type WebSocketConstructor } from '../../../hub/client/index.js';
import { signJwt } from '../../support/hub.js';
import { Checker, COUNTS_HEADER, formatCounts, type Counts } from './checker.js';
import { Swarm, type SwarmEvent } from './swarm.js';

const LONG = process.env.FAULT_PROFILE === 'long';

/** Short enough for CI by default; FAULT_PROFILE=long for more clients and longer faults. */
export const PROFILE = LONG
  ? {
      rooms: 10,
      swarms: 3,
      subscribersPerSwarm: 20,
      roomsPerSubscriber: 3,
      publishers: 3,
      publishEveryMs: 25,
      warmMs: 5_000,
      faultMs: 15_000,
      afterMs: 10_000,
    }
  : {
      rooms: 4,
      swarms: 2,
      subscribersPerSwarm: 4,
      roomsPerSubscriber: 2,
      publishers: 2,
      publishEveryMs: 50,
      warmMs: 1_500,
      faultMs: 3_000,
      afterMs: 2_000,
    };

/** SDK timings shared by subscribers and publishers: quick to notice a dead link, quick to retry. */
export const SDK_TIMING = { pingIntervalMs: 500, ackTimeoutMs: 2_000, backoff: { baseMs: 100, capMs: 1_000 } };

export interface Fault {
  name: string;
  urls: string[];
  /** Makes the fault (kill, stop, stall …); may return once it is in place. */
  inject(ctx: FaultContext): Promise<void>;
  /** Ends it (restart, continue …). */
  heal(ctx: FaultContext): Promise<void>;
  /** Open connections the hubs still count once every client is closed (0 when healthy). */
  hubConnections(): Promise<number>;
}

export interface FaultContext {
  swarms: Swarm[];
  profile: typeof PROFILE;
}

export interface FaultResult {
  counts: Counts;
  refusalCodes: Record<string, number>;
  resets: number;
  table: string;
}

function tokenFor(sub: string): Promise<string> {
  return signJwt({ sub, name: sub, role: 'editor', rooms: ['*'] });
}

export async function runFault(fault: Fault, profile = PROFILE): Promise<FaultResult> {
  const checker = new Checker();
  const rooms = Array.from({ length: profile.rooms }, (_, r) => `fault.room${r}`);
  const swarms: Swarm[] = [];
  const publishers: InsightClient[] = [];
  const pending = new Set<Promise<unknown>>();
  let publishing = true;
  /** What the run left behind: SDK requests/publishes still waiting, rooms not live, hub connections after every client closed. */
  const leaks = { sdkWaiting: 0, deadRooms: 0, hubConnections: 0 };
  try {
    for (let s = 0; s < profile.swarms; s++) {
      const clients = Array.from({ length: profile.subscribersPerSwarm }, (_, i) => {
        const n = s * profile.subscribersPerSwarm + i;
        return {
          sub: `sub${n}`,
          rooms: Array.from({ length: profile.roomsPerSubscriber }, (_, k) => rooms[(n + k) % rooms.length]!),
        };
      });
      clients.forEach((c, i) => c.rooms.forEach((room) => checker.member(`${s}.${i}`, room)));
      const onEvent = (e: SwarmEvent): void => {
        if (e.t === 'd')
          checker.delivered(`${s}.${e.c}`, e.room!, {
            id: e.id as string | null,
            epoch: e.epoch as string,
            seq: e.seq as number,
          });
      };
      swarms.push(await Swarm.start({ urls: fault.urls, clients, ...SDK_TIMING }, onEvent));
    }
    for (const swarm of swarms) await swarm.allJoined(60_000);

    for (let p = 0; p < profile.publishers; p++) {
      publishers.push(
        connect({
          url: fault.urls,
          getToken: () => tokenFor(`pub${p}`),
          WebSocket: WebSocket as unknown as WebSocketConstructor,
          ...SDK_TIMING,
        }),
      );
    }
    let n = 0;
    let recordingFailure: Error | undefined;
    const publishOne = (p: number, tag: string): Promise<unknown> => {
      const room = rooms[n % rooms.length]!;
      const id = `${tag}-p${p}-${n++}`;
      checker.published(id, room);
      const done = publishers[p]!.room(room)
        .publish('m', { id })
        .then(
          (ack) => checker.acked(id, ack),
          (err: { code?: string }) => checker.refused(id, err.code ?? 'unknown'),
        );
      pending.add(done);
      // The caller holds `done` and handles its rejection; this only keeps the count.
      const settled = (): boolean => pending.delete(done);
      done.then(settled, settled);
      return done;
    };
    const loops = publishers.map(async (_, p) => {
      while (publishing) {
        // Settles either way (acked or refused, both recorded); the loop does not wait for it. A
        // failure of the recording itself is kept and fails the run once the loops are done.
        publishOne(p, 'm').catch((err: Error) => (recordingFailure ??= err));
        await new Promise((r) => setTimeout(r, profile.publishEveryMs));
      }
    });

    const ctx: FaultContext = { swarms, profile };
    await pause(profile.warmMs);
    await fault.inject(ctx);
    await pause(profile.faultMs);
    await fault.heal(ctx);
    checker.healedAt = Date.now();
    await pause(profile.afterMs);
    publishing = false;
    await Promise.all(loops);
    if (recordingFailure !== undefined) throw recordingFailure;
    await waitUntil(() => pending.size === 0, 60_000);
    // One last message per room: every member must be live again to get it.
    for (let r = 0; r < rooms.length; r++) await publishOne(r % publishers.length, 'end');
    await waitUntil(() => checker.missing() === 0, 30_000);
    for (const swarm of swarms) await swarm.allJoined(30_000).catch(() => undefined);

    const reports = (await Promise.all(swarms.map((s) => s.report()))).flat();
    const waiting = (o: { requests: number; queued: number; publishes: number }): number =>
      o.requests + o.queued + o.publishes;
    leaks.sdkWaiting =
      reports.reduce((sum, c) => sum + waiting(c.outstanding), 0) +
      publishers.reduce((sum, p) => sum + waiting(p.outstanding), 0);
    // A member that never came back counts as a leak of the fault too: its room is dead.
    leaks.deadRooms = reports.reduce(
      (sum, c) => sum + Object.values(c.rooms).filter((s) => s !== 'joined').length + (c.state === 'open' ? 0 : 1),
      0,
    );
  } finally {
    publishing = false;
    for (const pub of publishers) pub.close();
    await Promise.all(swarms.map((s) => s.stop()));
  }
  leaks.hubConnections = await waitFor(
    () => fault.hubConnections(),
    (v) => v === 0,
    15_000,
  );
  checker.leaks = leaks.sdkWaiting + leaks.deadRooms + leaks.hubConnections;
  const counts = checker.result();
  const resets = swarms.reduce((sum, s) => sum + s.events.filter((e) => e.t === 'reset').length, 0);
  const refusalCodes = checker.refusalCodes();
  const table = `${COUNTS_HEADER}\n${formatCounts(fault.name, counts, `resets: ${resets}; refused: ${JSON.stringify(refusalCodes)}; leaks: ${JSON.stringify(leaks)}`)}`;
  console.log(`\n${table}\n`);
  mkdirSync('test-results/fault', { recursive: true });
  writeFileSync(
    `test-results/fault/${fault.name.replace(/[^a-z0-9]+/gi, '-')}.json`,
    JSON.stringify({ fault: fault.name, counts, resets, refusalCodes, leaks }, null, 2),
  );
  return { counts, refusalCodes, resets, table };
}

/** The hub's open WebSocket connections, from its /metrics. */
export async function metricsConnections(httpUrl: string): Promise<number> {
  const text = await (await fetch(`${httpUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => /^insight_hub_connections(\{[^}]*\})? /.test(l));
  return line ? Number(line.split(' ').pop()) : NaN;
}

/** Waiting out a phase of the run (load keeps flowing meanwhile); never used to prove absence. */
function pause(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function waitUntil(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check() && Date.now() < deadline) await pause(100);
}

/** Polls `read` until `ok`, returning the last value read (the caller judges it). */
async function waitFor(read: () => Promise<number>, ok: (v: number) => boolean, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let value = await read().catch(() => NaN);
  while (!ok(value) && Date.now() < deadline) {
    await pause(200);
    value = await read().catch(() => NaN);
  }
  // A hub that does not answer cannot show it let go of everyone: count it as one leak.
  return Number.isNaN(value) ? 1 : value;
}

/** The assertion every fault ends with. */
export const CLEAN = { lost: 0, duplicated: 0, outOfOrder: 0, unexpected: 0, leaks: 0 };
