/**
 * Which engine a hub runs on: the one passed in, Redis when `--redis` is given, else memory (its
 * history on disk with `--history-store sqlite`); and the history bounds per room every engine keeps.
 */
import { join } from 'node:path';
import type { Engine, HistoryPolicyFor } from '../core/engine.js';
import { MemoryEngine } from '../engines/memory/memory-engine.js';
import type { DurableRooms } from '../engines/durable/durable-rooms.js';
import type { HubOptions } from './options.js';

/** The bounds of a room's history: the first `history.rooms` pattern that matches, else the hub's. */
export function historyPolicyFor(options: HubOptions): HistoryPolicyFor {
  const overrides = options.history.rooms.map((r) => ({
    ...r,
    test:
      r.pattern === '*'
        ? () => true
        : r.pattern.endsWith('*')
          ? (room: string) => room.startsWith(r.pattern.slice(0, -1))
          : (room: string) => room === r.pattern,
  }));
  return (room) => {
    const o = overrides.find((r) => r.test(room));
    return {
      maxMessages: o?.maxMessages ?? options.history.maxMessages,
      maxAgeMs: o?.maxAgeMs ?? options.history.maxAgeMs,
      maxBytes: o?.maxBytes ?? options.history.maxBytes,
    };
  };
}

export async function createEngine(options: HubOptions): Promise<Engine> {
  if (options.engine) return options.engine;
  const historyPolicy = historyPolicyFor(options);
  if (options.redis) {
    const { createRedisEngine } = await import('../engines/redis/index.js');
    return createRedisEngine({ url: options.redis, historyPolicy, logger: options.logger });
  }
  const durable = options.history.store === 'sqlite' ? await openDurableHistory(options) : undefined;
  return new MemoryEngine({
    historyPolicy,
    recordsFile: join(options.dataDir, 'records.json'),
    durable,
    historyBudgetBytes: options.history.budgetBytes,
  });
}

/**
 * Loaded only when asked for: the memory-only hub never loads the native SQLite module. A module
 * that cannot load (not rebuilt for this runtime) leaves the hub running on memory history, said
 * loudly; any other failure (the file locked by another hub, unreadable) stops the start.
 */
async function openDurableHistory(options: HubOptions): Promise<DurableRooms | undefined> {
  try {
    const { DurableRooms } = await import('../engines/durable/durable-rooms.js');
    return DurableRooms.open(join(options.dataDir, 'history.sqlite'));
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code !== 'ERR_DLOPEN_FAILED' && code !== 'MODULE_NOT_FOUND' && code !== 'ERR_MODULE_NOT_FOUND') throw err;
    options.logger?.error(
      { err: (err as Error).message },
      'history on disk unavailable: the SQLite module did not load (rebuild it for this runtime: npm rebuild better-sqlite3, or electron-builder install-app-deps); history is kept in memory only',
    );
    return undefined;
  }
}
