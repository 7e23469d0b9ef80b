/**
 * With SQLite history, every acknowledged message survives a SIGKILL of `insight-hub serve` (epoch,
 * seq, bounds and keys kept; clients resume with `recovered: true`); `--history memory` keeps the
 * old behaviour.
 */
import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { connect, serveHub, startHub, tempDir, token, until, type TestClient } from '../support/hub.js';
import { resolveServeOptions } from '../../hub/server/config.js';
import type { Hub } from '../../hub/server/types.js';

type Served = Awaited<ReturnType<typeof serveHub>>;
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function serve(dataDir: string, args: string[] = []): Promise<Served> {
  const served = await serveHub(['--data-dir', dataDir, ...args]);
  cleanups.push(() => kill(served));
  return served;
}

async function kill(served: Served): Promise<void> {
  if (served.child.exitCode !== null || served.child.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => served.child.once('exit', () => resolve()));
  served.child.kill('SIGKILL');
  await gone;
}

async function client(hub: Hub, sub = 'editor'): Promise<TestClient> {
  const c = await connect(hub, await token(hub, { sub }));
  cleanups.push(() => c.ws.terminate());
  return c;
}

type Ack = { type: string; epoch: string; seq: number; recovered?: boolean; reason?: string; duplicate?: boolean };

describe('durable history (serve, SQLite)', { timeout: 90_000 }, () => {
  it('keeps every acknowledged message through a SIGKILL; a client resumes with recovered: true', async () => {
    const dataDir = tempDir();
    const room = 'dashboard:durable';
    const first = await serve(dataDir);
    const publisher = await client(first.hub, 'publisher');
    const joined = (await publisher.request({ type: 'subscribe', room })) as unknown as Ack;
    // Pipelined, so the kill lands while publishes are still arriving; only the acked ones count.
    const acks: Ack[] = [];
    const pending = Array.from({ length: 200 }, (_, n) =>
      publisher.request({ type: 'publish', room, event: 'n', data: n, key: `m${n}` }).then(
        (a) => void (a.type === 'ack' && acks.push(a as unknown as Ack)),
        () => undefined, // unanswered: the hub was killed first
      ),
    );
    await Promise.race([Promise.all(pending), until(() => acks.length >= 50, 20_000, '50 acks')]);
    await kill(first);
    const acked = acks.map((a) => a.seq);
    expect(acked.length).toBeGreaterThanOrEqual(50);

    const second = await serve(dataDir);
    const resumer = await client(second.hub, 'resumer');
    const resumed = (await resumer.request({
      type: 'subscribe',
      room,
      since: { epoch: joined.epoch, seq: 0 },
    })) as unknown as Ack;
    expect(resumed).toMatchObject({ type: 'ack', epoch: joined.epoch, recovered: true });
    expect(resumed.seq).toBeGreaterThanOrEqual(Math.max(...acked));
    await resumer.waitFor((m) => m.type === 'message' && m.seq === resumed.seq, 10_000);
    const seqs = resumer.messages(room).map((m) => m.seq);
    // Every acknowledged message is there, each once, in order (an unacked one may be too).
    expect(seqs).toEqual(Array.from({ length: resumed.seq }, (_, i) => i + 1));
    for (const seq of acked) expect(seqs).toContain(seq);
    // The numbering goes on in the same epoch; a retry of a stored key is a duplicate.
    const next = (await resumer.request({ type: 'publish', room, event: 'n', data: 'after' })) as unknown as Ack;
    expect(next).toMatchObject({ epoch: joined.epoch, seq: resumed.seq + 1 });
    const retry = (await resumer.request({ type: 'publish', room, event: 'n', data: 0, key: 'm0' })) as unknown as Ack;
    // 'm0' was the publisher's key: the resumer's own 'm0' is a new message; the publisher's is not.
    expect(retry.duplicate).toBeUndefined();
    const again = await client(second.hub, 'publisher');
    expect(await again.request({ type: 'publish', room, event: 'n', data: 0, key: 'm0' })).toMatchObject({
      seq: 1,
      duplicate: true,
    });
  });

  it('applies the history bounds to what is kept on disk', async () => {
    const dataDir = tempDir();
    const room = 'dashboard:bounded';
    const first = await serve(dataDir, ['--history-messages', '5']);
    const c = await client(first.hub);
    let last: Ack | undefined;
    for (let n = 1; n <= 12; n++)
      last = (await c.request({ type: 'publish', room, event: 'n', data: n })) as unknown as Ack;
    await kill(first);
    expect(statSync(join(dataDir, 'history.sqlite')).mode & 0o777).toBe(0o600);
    const db = new Database(join(dataDir, 'history.sqlite'), { readonly: true });
    const rows = db.prepare('SELECT seq FROM messages WHERE room = ? ORDER BY seq').all(room) as Array<{ seq: number }>;
    db.close();
    expect(rows.map((r) => r.seq)).toEqual([8, 9, 10, 11, 12]);

    const second = await serve(dataDir, ['--history-messages', '5']);
    const r = await client(second.hub);
    expect(await r.request({ type: 'subscribe', room, since: { epoch: last!.epoch, seq: 2 } })).toMatchObject({
      recovered: false,
      reason: 'evicted',
      seq: 12,
    });
    const resumed = (await r.request({
      type: 'subscribe',
      room,
      since: { epoch: last!.epoch, seq: 9 },
    })) as unknown as Ack;
    expect(resumed).toMatchObject({ recovered: true, seq: 12 });
    await r.waitFor((m) => m.type === 'message' && m.seq === 12);
    expect(r.messages(room).map((m) => m.data)).toEqual([10, 11, 12]);
  });

  it('refuses to share a data directory with a running hub', async () => {
    const dataDir = tempDir();
    await serve(dataDir);
    const other = await serveHub(['--data-dir', dataDir]).then(
      (s) => (cleanups.push(() => kill(s)), 'started'),
      (err: Error) => err.message,
    );
    expect(other).toMatch(/history file .* is in use by another hub process/);
  });
});

describe('--history', () => {
  it('defaults to sqlite for serve without Redis, and takes memory from a flag, the environment or the config', () => {
    expect(resolveServeOptions({}, {}).history?.store).toBe('sqlite');
    expect(resolveServeOptions({ history: 'memory' }, {}).history?.store).toBe('memory');
    expect(resolveServeOptions({}, { INSIGHT_HUB_HISTORY: 'memory' }).history?.store).toBe('memory');
    expect(() => resolveServeOptions({ history: 'disk' }, {})).toThrow(/--history must be one of memory, sqlite/);
    expect(() => resolveServeOptions({ history: 'sqlite', redis: 'redis://127.0.0.1:1' }, {})).toThrow(/with --redis/);
    expect(resolveServeOptions({ redis: 'redis://127.0.0.1:1' }, {}).history?.store).toBeUndefined();
  });

  it('keeps the memory store for hubs made by createHub unless asked: a restart starts a new epoch', async () => {
    const dataDir = tempDir();
    const a = await startHub({ dataDir });
    const c = await connect(a, await token(a, { sub: 'x' }));
    const ack = (await c.request({ type: 'publish', room: 'r', event: 'n', data: 1 })) as unknown as Ack;
    c.ws.terminate();
    await a.close();
    const b = await startHub({ dataDir });
    cleanups.push(() => b.close());
    const d = await client(b);
    expect(await d.request({ type: 'subscribe', room: 'r', since: { epoch: ack.epoch, seq: 1 } })).toMatchObject({
      recovered: false,
      reason: 'epoch_changed',
    });
  });
});
