/**
 * When Redis stalls or stops, clients get honest answers (`outcome_unknown` when the hub cannot
 * know, `unavailable` only when nothing was stored) alike on every door, logged as an outage, and a
 * retry by key afterwards gets the original position, not a second copy.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServerHandle } from '../support/redis-server.js';
import { connect, expectRefused, httpRequest, startHub, token, until, type TestClient } from '../support/hub.js';
import { createLogger } from '../../hub/server/logger.js';
import { createRedisEngine } from '../../hub/engines/redis/index.js';
import { testPrefix } from '../support/redis-helpers.js';
import type { Hub } from '../../hub/server/types.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface LogLine {
  level: number;
  msg: string;
  code?: string;
}

async function setup(): Promise<{ hub: Hub; redis: RedisServerHandle; logs: LogLine[] }> {
  const redis = await startRedisServer();
  cleanups.push(() => redis.stop());
  const logs: LogLine[] = [];
  const logger = createLogger('warn', { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) });
  const engine = createRedisEngine({
    url: redis.url,
    keyPrefix: testPrefix(),
    historyPolicy: () => ({ maxMessages: 1000, maxAgeMs: 600_000 }),
    commandTimeoutMs: 400,
    reconnectMaxDelayMs: 100,
    logger,
  });
  const hub = await startHub({ engine, logger });
  cleanups.push(() => hub.close());
  return { hub, redis, logs };
}

async function client(hub: Hub, sub: string): Promise<TestClient> {
  const c = await connect(hub, await token(hub, { sub }));
  cleanups.push(() => c.ws.terminate());
  return c;
}

const WARN = 40;
const ERROR = 50;

describe('a hub through a stalled or stopped Redis', { timeout: 90_000 }, () => {
  it('answers outcome_unknown to a publish a stalled Redis never answered, shows the stall in /readyz, and de-duplicates the retry', async () => {
    const { hub, redis, logs } = await setup();
    const room = 'stall:1';
    const watcher = await client(hub, 'watcher');
    await watcher.request({ type: 'subscribe', room });
    const publisher = await client(hub, 'publisher');
    const before = await publisher.request({ type: 'publish', room, event: 'n', data: 0, key: 'k0' });
    expect(before.type).toBe('ack');

    const { awake } = await redis.stall(6);
    const during = await publisher.request({ type: 'publish', room, event: 'n', data: 1, key: 'k1' });
    expect(during).toMatchObject({ type: 'error', code: 'outcome_unknown' });
    expect(String(during.message)).toMatch(/may or may not/);
    // A newcomer's ban check gets no answer either: 503, not a hung upgrade and not 500.
    const late = await expectRefused(hub, await token(hub, { sub: 'newcomer' }));
    expect(late.status).toBe(503);
    expect(late.body).toMatchObject({ error: 'unavailable' });
    let stalled: unknown;
    await until(
      async () => {
        const r = await httpRequest(hub, 'GET', '/readyz');
        if (r.status === 503) stalled = r.body;
        return r.status === 503;
      },
      10_000,
      'readyz 503 while stalled',
    );
    expect(stalled).toMatchObject({ error: 'unavailable', engine: 'stalled' });

    await awake;
    await until(
      async () => (await httpRequest(hub, 'GET', '/readyz')).status === 200,
      20_000,
      'readyz 200 after the stall',
    );
    const retry = await publisher.request({ type: 'publish', room, event: 'n', data: 1, key: 'k1' });
    expect(retry).toMatchObject({ type: 'ack', epoch: before.epoch, seq: (before.seq as number) + 1, duplicate: true });
    const last = await publisher.request({ type: 'publish', room, event: 'n', data: 2, key: 'k2' });
    await watcher.waitFor((m) => m.type === 'message' && m.seq === last.seq, 10_000);
    expect(watcher.messages(room).map((m) => m.data)).toEqual([0, 1, 2]);

    expect(logs.some((l) => l.level === WARN && l.code === 'outcome_unknown')).toBe(true);
    expect(logs.filter((l) => l.level >= ERROR).map((l) => l.msg)).toEqual([]);
  });

  it('maps a stopped Redis to unavailable at every door, logged at warn, and tells clients when it is back', async () => {
    const { hub, redis, logs } = await setup();
    const member = await client(hub, 'member');
    await member.request({ type: 'subscribe', room: 'stop:kept' });
    const editor = await client(hub, 'editor');
    await redis.stop();
    await until(async () => (await httpRequest(hub, 'GET', '/readyz')).status === 503, 10_000, 'readyz 503');
    expect((await httpRequest(hub, 'GET', '/readyz')).body).toMatchObject({ engine: 'down' });

    const refused = await expectRefused(hub, await token(hub, { sub: 'late' }));
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ error: 'unavailable' });
    expect(refused.headers['retry-after']).toBe('1');

    const subscribed = await editor.request({ type: 'subscribe', room: 'stop:new' });
    expect(subscribed).toMatchObject({ type: 'error', code: 'unavailable' });
    const published = await editor.request({ type: 'publish', room: 'stop:kept', event: 'n', data: 1, key: 'p1' });
    expect(published).toMatchObject({ type: 'error', code: 'unavailable' });

    const rest = await httpRequest(hub, 'POST', '/api/rooms/stop:kept/messages', {
      headers: {
        authorization: `Bearer ${await token(hub, { sub: 'svc', role: 'service' })}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ event: 'n', data: 1, key: 'r1' }),
    });
    expect(rest.status).toBe(503);
    expect(rest.body).toMatchObject({ error: 'unavailable' });
    expect(rest.headers['retry-after']).toBe('1');

    await redis.restart();
    await member.waitFor((m) => m.type === 'notice' && (m as { event: string }).event === 'engine_up', 20_000);
    expect((await editor.request({ type: 'subscribe', room: 'stop:new' })).type).toBe('ack');
    // The connections that lived through it are unharmed.
    expect(member.closed).toBeUndefined();
    expect(editor.closed).toBeUndefined();

    expect(logs.filter((l) => l.level === WARN && l.code === 'unavailable').length).toBeGreaterThanOrEqual(3);
    expect(logs.filter((l) => l.level >= ERROR).map((l) => l.msg)).toEqual([]);
  });
});
