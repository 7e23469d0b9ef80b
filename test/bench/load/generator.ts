/**
 * The load generator process: many raw client sockets in one process, driven by the runner over
 * IPC. Run it pinned to its own core; every reply says how busy that core was.
 */
import { cpuMeter } from '../cpu.js';
import { announce, serveCommands } from '../ipc.js';
import { BenchClient } from './client.js';
import type { OpenArgs, OpenReply, PauseArgs, SlowReport, StepArgs, StepReply, StormArgs } from './commands.js';
import { DIALECTS } from './dialect.js';
import { StepCounter, runStep } from './fanout-step.js';
import { runHandshakes } from './handshakes.js';
import { openAll } from './pool.js';
import { runStorm } from './resume-storm.js';
import { Churn, type ChurnArgs } from './churn.js';
import { mintTokens } from './tokens.js';

/**
 * Source addresses used round-robin. A client bound to an address takes its port at bind time, and
 * a port stays taken for 60 s in TIME_WAIT after the client closes: with 8 addresses, the sixth
 * server of a memory run (50k connections later) took 13 s instead of 0.8 s to get its last 5k,
 * and a server opened that slowly holds less memory. With 32, ports stay mostly free all run long.
 */
const SOURCES = 32;

const groups = new Map<string, BenchClient[]>();
const counter = new StepCounter();
const churn = new Churn();

function group(name: string): BenchClient[] {
  return groups.get(name) ?? [];
}

async function open(args: OpenArgs): Promise<OpenReply> {
  const dialect = DIALECTS[args.target.kind];
  const mintStart = Date.now();
  const tokens = args.authority
    ? await mintTokens(
        args.authority,
        { role: args.role ?? 'viewer', rooms: args.tokenRooms ?? args.rooms, ttlSec: 3600 },
        Array.from({ length: args.count }, (_, i) => `${args.group}-${group(args.group).length + i}`),
      )
    : undefined;
  const mintMs = Date.now() - mintStart;
  const clients = Array.from(
    { length: args.count },
    (_, i) =>
      new BenchClient(
        {
          dialect,
          token: tokens?.[i],
          room: args.rooms.length ? args.rooms[i % args.rooms.length] : undefined,
          trackResume: args.trackResume,
        },
        counter.sink,
      ),
  );
  groups.set(args.group, [...group(args.group), ...clients]);
  const meter = cpuMeter();
  const result = await openAll(clients, args.target, {
    concurrency: args.concurrency ?? 200,
    sources: SOURCES,
    timeoutMs: 15_000,
    deadlineMs: args.deadlineMs ?? 120_000,
  });
  return { ...result, mintMs, load: meter.stop() };
}

function step(args: StepArgs): Promise<StepReply> {
  return runStep(group(args.publishers), args.subscribers.flatMap(group), counter, args);
}

/** Slow consumers are spread evenly: every 1/fraction-th client of the group stops reading. */
function pause(args: PauseArgs): { paused: number } {
  const clients = group(args.group);
  const every = Math.max(1, Math.round(1 / args.fraction));
  let paused = 0;
  clients.forEach((c, i) => {
    if (i % every === every - 1 && c.open) {
      c.healthy = false;
      c.sock?.pause();
      paused++;
    }
  });
  return { paused };
}

/** Let the slow consumers read again and report how their connections ended. */
async function resumeSlow(args: { group: string; settleMs: number }): Promise<SlowReport> {
  const slow = group(args.group).filter((c) => !c.healthy);
  for (const c of slow) c.sock?.resume();
  await new Promise((resolve) => setTimeout(resolve, args.settleMs));
  const outcomes: Record<string, number> = {};
  for (const c of slow) {
    const key = c.closed ? String(c.closed.code) : 'open';
    outcomes[key] = (outcomes[key] ?? 0) + 1;
  }
  return { paused: slow.length, outcomes };
}

function closeGroup(args: { group: string }): { closed: number } {
  let closed = 0;
  for (const c of group(args.group)) {
    if (c.open) closed++;
    c.sock?.drop();
  }
  groups.delete(args.group);
  return { closed };
}

function closeAll(): { closed: number } {
  let closed = 0;
  for (const name of [...groups.keys()]) closed += closeGroup({ group: name }).closed;
  return { closed };
}

function status() {
  const out: Record<string, { clients: number; open: number; closes: Record<string, number> }> = {};
  for (const [name, clients] of groups) {
    const closes: Record<string, number> = {};
    for (const c of clients) {
      if (!c.closed) continue;
      const key = `${c.closed.code}${c.closed.reason ? ' ' + c.closed.reason : ''}${c.closed.error ? ' ' + c.closed.error : ''}`;
      closes[key] = (closes[key] ?? 0) + 1;
    }
    out[name] = { clients: clients.length, open: clients.filter((c) => c.open).length, closes };
  }
  return out;
}

serveCommands({
  open,
  step,
  pause,
  resumeSlow,
  closeGroup,
  closeAll,
  status,
  handshakes: (args: Parameters<typeof runHandshakes>[0]) => runHandshakes(args, SOURCES),
  storm: (args: StormArgs) => runStorm(args, SOURCES),
  churnStart: (args: ChurnArgs) => churn.start(group(args.group), args),
  churnStop: () => churn.stop(),
  exit: () => {
    closeAll();
    setTimeout(() => process.exit(0), 10);
    return { exiting: true };
  },
});
announce({ pid: process.pid });
