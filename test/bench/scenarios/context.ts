/** What every scenario gets from the runner. */
import type { ServerKind } from '../load/dialect.js';
import type { OpenArgs, OpenReply } from '../load/commands.js';
import type { ChildHandle } from '../runner/processes.js';
import type { Profile } from '../runner/profile.js';
import type { RunKeys } from '../runner/keys.js';
import { startServer, type ServerUnderTest, type ServerVariant } from '../runner/servers.js';

export interface ScenarioContext {
  profile: Profile;
  /** One process per server kind, started on first use and shared by the scenarios. */
  shared: Map<ServerKind, ServerUnderTest>;
  keys: RunKeys;
  generator: ChildHandle;
  /** Servers taking part (the hub and its peers, unless narrowed on the command line). */
  kinds: ServerKind[];
  /** Write a CPU profile of each hub process here. */
  cpuProfileDir?: string;
  log(line: string): void;
  /** Fan-out capacity (msg/s) at 1k subscribers from scenario 2, to pick rates for later ones. */
  capacity1k: Partial<Record<ServerKind, number>>;
}

/** A separate process for a variant (hub with ES256, Socket.IO with recovery); the caller stops it. */
export function startVariant(ctx: ScenarioContext, kind: ServerKind, variant: ServerVariant): Promise<ServerUnderTest> {
  return startServer(kind, ctx.keys, variant, ctx.cpuProfileDir);
}

/**
 * The shared process of a kind (hub with HS256, bare ws, Socket.IO without recovery). Sharing
 * saves a process start per scenario; scenario 1 starts fresh processes of its own for each round.
 */
export async function shared(ctx: ScenarioContext, kind: ServerKind): Promise<ServerUnderTest> {
  let sut = ctx.shared.get(kind);
  if (!sut || sut.handle.child.exitCode !== null || sut.handle.child.signalCode !== null) {
    sut = await startServer(kind, ctx.keys, {}, ctx.cpuProfileDir);
    ctx.shared.set(kind, sut);
  }
  return sut;
}

/** Open clients on the generator; throws when any failed (a scenario cannot be judged then). */
export async function openClients(
  ctx: ScenarioContext,
  sut: ServerUnderTest,
  args: Omit<OpenArgs, 'target' | 'authority'>,
): Promise<OpenReply> {
  const reply = await ctx.generator.call<OpenReply>(
    'open',
    { ...args, target: sut.target, authority: sut.authority },
    300_000,
  );
  if (reply.failed > 0) {
    throw new Error(
      `${sut.label}: ${reply.failed} of ${args.count} connections failed: ${JSON.stringify(reply.errors)}`,
    );
  }
  return reply;
}

/**
 * A publish rate every server can carry for rooms of `subscribers`: `share` of the lowest one-room
 * capacity measured by scenario 2 (converted from 1k subscribers), or `fallback` without one.
 */
export function commonRate(ctx: ScenarioContext, share: number, subscribers: number, fallback: number): number {
  const known = Object.values(ctx.capacity1k).filter((v): v is number => typeof v === 'number' && v > 0);
  return known.length ? Math.max(1, Math.round((share * Math.min(...known) * 1000) / subscribers)) : fallback;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One figure per server kind, from that kind's record (null where a kind has none). */
export function byKind<R extends { kind: ServerKind }>(
  ctx: ScenarioContext,
  records: R[],
  f: (r: R) => number | null,
): Partial<Record<ServerKind, number | null>> {
  const values: Partial<Record<ServerKind, number | null>> = {};
  for (const kind of ctx.kinds) {
    const r = records.find((x) => x.kind === kind);
    values[kind] = r ? f(r) : null;
  }
  return values;
}

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
