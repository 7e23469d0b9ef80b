/**
 * What every server under test answers to the runner: its CPU time and memory. The runner asks
 * before and after each measurement, so the numbers are the server process's own.
 */
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8';
import { announce, serveCommands, type CommandHandlers } from '../ipc.js';

export interface ServerCpu {
  /** user + system CPU time since start, µs. */
  cpuUs: number;
  /** The kernel's part of it: on loopback most socket work is system time. */
  systemUs: number;
  /**
   * Time the main thread was ready to run but waited for a core (Linux schedstat), µs; null
   * elsewhere. High values mean other processes took the core: latency figures are not the server's.
   */
  waitUs: number | null;
}

function runQueueWaitUs(): number | null {
  try {
    return Number(readFileSync('/proc/self/schedstat', 'utf8').split(' ')[1]) / 1000;
  } catch {
    return null;
  }
}

export interface ServerMemory {
  rss: number;
  /**
   * RSS split into anonymous memory (heap, buffers, malloc) and file-backed pages (the node binary
   * and libraries as far as touched), bytes (Linux /proc; null elsewhere). File pages move with
   * which code has run, not with connections.
   */
  rssAnon: number | null;
  rssFile: number | null;
  heapUsed: number;
  heapTotal: number;
  /**
   * V8's young generation as reserved now, bytes: it grows with the allocation rate and a full GC
   * does not shrink it, so it is RSS that no connection holds (at 10k connections it was at its
   * 32 MiB ceiling for every server in every round).
   */
  newSpace: number;
  external: number;
  arrayBuffers: number;
}

function rssParts(): { rssAnon: number | null; rssFile: number | null } {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)![1]) * 1024;
    return { rssAnon: kb('RssAnon'), rssFile: kb('RssFile') };
  } catch {
    return { rssAnon: null, rssFile: null };
  }
}

const gc = (globalThis as { gc?: () => void }).gc;

function memory(collect: boolean): ServerMemory {
  if (collect && gc) {
    gc();
    gc();
  }
  const m = process.memoryUsage();
  return {
    rss: m.rss,
    ...rssParts(),
    heapUsed: m.heapUsed,
    heapTotal: m.heapTotal,
    newSpace: getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0,
    external: m.external,
    arrayBuffers: m.arrayBuffers,
  };
}

export interface LoopDelay {
  /** Event-loop delay since the last reading, ms (10 ms resolution). */
  p99: number;
  max: number;
}

// How long the server's event loop was blocked: a long task delays every delivery behind it.
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();

/** Serve the standard commands plus `extra`, then tell the runner where we listen. */
export function runServer(port: number, extra: CommandHandlers, close: () => Promise<void>): void {
  serveCommands({
    cpu: (): ServerCpu => {
      const u = process.cpuUsage();
      return { cpuUs: u.user + u.system, systemUs: u.system, waitUs: runQueueWaitUs() };
    },
    /** Event-loop delay since the previous call. */
    loopDelay: (): LoopDelay => {
      const reading = { p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 };
      loopDelay.reset();
      return reading;
    },
    /** After a full GC (the process runs with --expose-gc). */
    memory: (): ServerMemory => memory(true),
    /** Without GC, cheap enough to sample during a run. */
    sample: (): ServerMemory => memory(false),
    /** For finding what a connection costs: compare snapshots taken at two connection counts. */
    heapSnapshot: (args: { path: string }) => {
      gc?.();
      return { path: writeHeapSnapshot(args.path) };
    },
    exit: async () => {
      // Exit on the next turn so this reply still goes out; a --cpu-prof profile is written on exit.
      setTimeout(
        () =>
          void close()
            .catch(() => undefined)
            .finally(() => process.exit(0)),
        10,
      );
      return { exiting: true };
    },
    ...extra,
  });
  announce({ port, pid: process.pid, gc: Boolean(gc) });
}

/** The server's settings, passed by the runner as one JSON argument. */
export function serverSettings<T>(): T {
  return JSON.parse(process.argv[2] ?? '{}') as T;
}
