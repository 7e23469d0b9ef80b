/**
 * What keeping history on disk costs a publish: `node --import tsx test/bench/tools/history-store-cost.ts
 * [publishes] [rooms]` publishes the same messages through the embedded engine with history in memory,
 * on SQLite as the hub runs it (WAL, synchronous=NORMAL), and with synchronous=FULL (an fsync per
 * publish) for comparison; rounds alternate so machine load hits every store alike. Prints µs per
 * publish (median of the rounds) and each store's ratio to memory, measured in the same run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { MemoryEngine } from '../../../hub/engines/memory/memory-engine.js';
import { DurableRooms } from '../../../hub/engines/durable/durable-rooms.js';
import type { EngineEvents } from '../../../hub/core/engine.js';

const publishes = Number(process.argv[2] ?? 20_000);
const rooms = Number(process.argv[3] ?? 20);
const ROUNDS = 5;
const events: EngineEvents = { message() {}, presence() {}, control() {}, state() {} };
const data = {
  queryId: 'q-1',
  rows: [
    [1, 'alpha', 3.5],
    [2, 'beta', 4.25],
  ],
  columns: ['id', 'name', 'value'],
};
type Store = 'memory' | 'sqlite NORMAL' | 'sqlite FULL';

async function round(store: Store, n: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'history-cost-'));
  const durable =
    store === 'memory'
      ? undefined
      : DurableRooms.open(join(dir, 'history.sqlite'), store === 'sqlite FULL' ? 'FULL' : 'NORMAL');
  const engine = new MemoryEngine({ historyPolicy: () => ({ maxMessages: 1000, maxAgeMs: 600_000 }), durable });
  await engine.start(events);
  const from = { sub: 'svc', name: 'Service', service: true };
  const started = performance.now();
  for (let i = 0; i < n; i++)
    await engine.publish({
      room: `dashboard:${i % rooms}`,
      event: 'query.rows',
      data,
      from,
      time: Date.now(),
      key: `k${i}`,
    });
  const elapsed = performance.now() - started;
  await engine.close();
  rmSync(dir, { recursive: true, force: true });
  return (elapsed * 1000) / n;
}

const stores: Store[] = ['memory', 'sqlite NORMAL', 'sqlite FULL'];
const results = new Map<Store, number[]>(stores.map((s) => [s, []]));
for (const s of stores) await round(s, Math.min(2_000, publishes)); // warm-up
for (let r = 0; r < ROUNDS; r++) {
  // FULL is far slower: fewer publishes keep the run short; the per-publish figure is what counts.
  for (const s of stores)
    results.get(s)!.push(await round(s, s === 'sqlite FULL' ? Math.min(publishes, 2_000) : publishes));
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const base = median(results.get('memory')!);
console.log(`${publishes} publishes into ${rooms} rooms, history 1000 per room, ${ROUNDS} rounds (median)`);
for (const s of stores) {
  const us = median(results.get(s)!);
  console.log(
    `${s.padEnd(14)} ${us.toFixed(2).padStart(8)} µs/publish  ${(us / base).toFixed(1).padStart(6)}× memory  (rounds: ${results
      .get(s)!
      .map((x) => x.toFixed(1))
      .join(' ')})`,
  );
}
