/**
 * Presence, control and records shared through Redis: diffs reach every hub listening to the room,
 * a killed hub's members leave within the documented bound, control commands reach every hub once,
 * records live in Redis with their TTLs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServerHandle } from '../support/redis-server.js';
import { startEngine, testPrefix, type RunningEngine } from '../support/redis-helpers.js';
import type { PresenceMember } from '../../hub/protocol/index.js';

let redis: RedisServerHandle;
const running: RunningEngine[] = [];
const children: ChildProcess[] = [];

beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.stop();
});
afterEach(async () => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await Promise.all(running.splice(0).map((r) => r.engine.close()));
});

async function engines(n: number, prefix = testPrefix()): Promise<RunningEngine[]> {
  const started = await Promise.all(
    Array.from({ length: n }, (_, i) => startEngine(redis.url, { keyPrefix: prefix, nodeId: `hub-${i}` })),
  );
  running.push(...started);
  return started;
}

function member(clientId: string, state: PresenceMember['state'] = {}): PresenceMember {
  return { clientId, sub: `user-${clientId}`, name: clientId, state };
}

describe('redis engine: presence', () => {
  it('announces join, update and leave to every hub in the room, and lists members from any hub', async () => {
    const [a, b, c] = await engines(3);
    const room = 'dashboard:7';
    await a.engine.subscribe(room);
    await b.engine.subscribe(room);

    await a.engine.presenceSet(room, member('c1', { view: 'w1' }));
    for (const h of [a, b]) await h.events.until(() => h.events.presenceDiffs.length === 1, 'joined');
    expect(b.events.presenceDiffs[0]).toEqual({
      room,
      diff: { joined: [member('c1', { view: 'w1' })], left: [], updated: [] },
    });

    await a.engine.presenceSet(room, member('c1', { view: 'w2' }));
    await b.events.until(() => b.events.presenceDiffs.length === 2, 'updated');
    expect(b.events.presenceDiffs[1].diff).toEqual({ joined: [], left: [], updated: [member('c1', { view: 'w2' })] });

    // The same state again changes nothing and says nothing.
    await a.engine.presenceSet(room, member('c1', { view: 'w2' }));
    await b.engine.presenceSet(room, member('c2'));
    await a.events.until(() => a.events.presenceDiffs.length === 3, 'c2 joined');
    expect(a.events.presenceDiffs[2].diff.joined).toEqual([member('c2')]);

    const listed = await c.engine.presenceList(room);
    expect(listed.sort((x, y) => x.clientId.localeCompare(y.clientId))).toEqual([
      member('c1', { view: 'w2' }),
      member('c2'),
    ]);
    // c does not listen to the room: it hears nothing.
    expect(c.events.presenceDiffs).toEqual([]);

    await a.engine.presenceRemove(room, 'c1');
    await b.events.until(() => b.events.presenceDiffs.length === 4, 'left');
    expect(b.events.presenceDiffs[3].diff).toEqual({ joined: [], left: [member('c1', { view: 'w2' })], updated: [] });
    expect(await c.engine.presenceList(room)).toEqual([member('c2')]);
  });

  it('removes the members of a killed hub within heartbeat + node TTL, announcing each once', async () => {
    const prefix = testPrefix();
    const [a] = await engines(1, prefix);
    const room = 'dashboard:dead';
    await a.engine.subscribe(room);
    await a.engine.presenceSet(room, member('survivor'));

    const script = fileURLToPath(new URL('../support/redis-engine-node.ts', import.meta.url));
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', script, redis.url, prefix, 'doomed-hub', room, 'd1', 'd2', 'd3'],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    children.push(child);
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
      child.once('exit', (code) => reject(new Error(`engine process exited early (${code})`)));
    });
    await a.events.until(
      () => a.events.presenceDiffs.flatMap((d) => d.diff.joined).length === 4,
      'the doomed hub members to join',
    );
    expect((await a.engine.presenceList(room)).map((m) => m.clientId).sort()).toEqual(['d1', 'd2', 'd3', 'survivor']);

    child.kill('SIGKILL');
    const left = () => a.events.presenceDiffs.flatMap((d) => d.diff.left.map((m) => m.clientId));
    // Bound here: node TTL 1 s + one sweep interval 0.2 s; the wait allows for a loaded machine.
    await a.events.until(() => left().length >= 3, 'the killed hub members to leave', 15_000);
    expect(left().sort()).toEqual(['d1', 'd2', 'd3']);
    expect((await a.engine.presenceList(room)).map((m) => m.clientId)).toEqual(['survivor']);
  });

  it('removes members left behind by an earlier process with the same nodeId when it starts again', async () => {
    const prefix = testPrefix();
    const script = fileURLToPath(new URL('../support/redis-engine-node.ts', import.meta.url));
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', script, redis.url, prefix, 'fixed-id', 'room:restart', 'old1'],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    children.push(child);
    await new Promise<void>((resolve) =>
      child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve()),
    );
    child.kill('SIGKILL');
    const again = await startEngine(redis.url, { keyPrefix: prefix, nodeId: 'fixed-id' });
    running.push(again);
    expect(await again.engine.presenceList('room:restart')).toEqual([]);
  });
});

describe('redis engine: control and records', () => {
  it('delivers a control command to every hub exactly once, the sender included', async () => {
    const hubs = await engines(3);
    const kick = { kind: 'kick' as const, sub: 'mallory', reason: 'spam' };
    await hubs[0].engine.control(kick);
    const ban = { kind: 'ban' as const, sub: 'mallory', until: Date.now() + 60_000, reason: 'spam' };
    await hubs[1].engine.control(ban);
    for (const h of hubs) await h.events.until(() => h.events.controls.length === 2, `${h.engine.nodeId} to hear both`);
    // A third command published later proves no duplicates were still on their way.
    await hubs[2].engine.control({ kind: 'unban', sub: 'mallory' });
    for (const h of hubs) {
      await h.events.until(() => h.events.controls.length === 3, 'unban');
      expect(h.events.controls).toContainEqual(kick);
      expect(h.events.controls).toContainEqual(ban);
      expect(h.events.controls.filter((c) => c.kind === 'kick')).toHaveLength(1);
    }
  });

  it('stores records in Redis for every hub, with TTLs, counters and lists', async () => {
    const [a, b] = await engines(2);
    await a.engine.records.put('ban', 'mallory', { until: 123, reason: 'spam' });
    expect(await b.engine.records.get('ban', 'mallory')).toEqual({ until: 123, reason: 'spam' });
    await a.engine.records.put('ban', 'eve', { until: 456, reason: 'x' }, 150);
    expect((await b.engine.records.list('ban')).map((r) => r.key).sort()).toEqual(['eve', 'mallory']);

    expect(await a.engine.records.increment('invite-uses', 'jti-1', 1, 60_000)).toBe(1);
    expect(await b.engine.records.increment('invite-uses', 'jti-1', 1, 60_000)).toBe(2);
    expect(await b.engine.records.get('invite-uses', 'jti-1')).toBe(2);

    await b.engine.records.delete('ban', 'mallory');
    expect(await a.engine.records.get('ban', 'mallory')).toBeUndefined();
    // eve's ban expires by Redis's own TTL; poll until it is gone from get and list.
    for (let i = 0; i < 200 && (await a.engine.records.get('ban', 'eve')) !== undefined; i++)
      await new Promise((r) => setTimeout(r, 25));
    expect(await a.engine.records.get('ban', 'eve')).toBeUndefined();
    expect(await a.engine.records.list('ban')).toEqual([]);
  });
});
