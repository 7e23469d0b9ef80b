/**
 * History in one call on both doors (REST `?limit=`, subscribe `history: {limit}`, the `history`
 * request), and after an epoch change a resuming subscribe gets `recovered: false` with every
 * message the new epoch holds, in order.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../hub/server/types.js';
import type { RoomMessage } from '../../hub/protocol/index.js';
import { connect, httpRequest, startHub, tempDir, token, until, type TestClient } from '../support/hub.js';
import { startRedisServer, type RedisServerHandle } from '../support/redis-server.js';

let hub: Hub;
let publisher: TestClient;
const clients: TestClient[] = [];

async function client(h: Hub, sub: string, rooms = ['*']): Promise<TestClient> {
  const c = await connect(h, await token(h, { sub, rooms }));
  clients.push(c);
  return c;
}

async function publishMany(c: TestClient, room: string, n: number, from = 1): Promise<void> {
  for (let i = from; i < from + n; i++) await c.request({ type: 'publish', room, event: 'n', data: { i }, echo: true });
}

const seqs = (messages: RoomMessage[]): number[] => messages.map((m) => m.seq);
const range = (a: number, b: number): number[] => Array.from({ length: b - a + 1 }, (_, i) => a + i);

/** The `message` frames a subscribe replayed, proven complete by a later ping's pong. */
async function replayed(c: TestClient, room: string): Promise<number[]> {
  c.send({ type: 'ping', id: `after-${room}` });
  await c.waitFor((m) => m.type === 'pong' && m.id === `after-${room}`);
  return seqs(c.messages(room));
}

beforeAll(async () => {
  hub = await startHub();
  publisher = await client(hub, 'publisher');
  await publishMany(publisher, 'dashboard:h', 8);
});
afterAll(async () => {
  for (const c of clients.splice(0)) c.close();
  await hub.close();
});

describe('REST GET /api/rooms/{room}/history', () => {
  const get = async (query: string, rooms = ['dashboard:*']) =>
    httpRequest(hub, 'GET', `/api/rooms/dashboard:h/history${query}`, {
      headers: { authorization: `Bearer ${await token(hub, { sub: 'reader', role: 'viewer', rooms })}` },
    });

  it('without since answers the latest limit messages and the position in one call (default 100)', async () => {
    const latest = await get('?limit=3');
    expect(latest.status).toBe(200);
    expect(latest.body).toMatchObject({ room: 'dashboard:h', seq: 8, epoch: expect.any(String) });
    expect(seqs(latest.body.messages)).toEqual([6, 7, 8]);
    expect(latest.body.messages[2]).toMatchObject({
      type: 'message',
      event: 'n',
      data: { i: 8 },
      from: { sub: 'publisher' },
    });
    expect(seqs((await get('')).body.messages)).toEqual(range(1, 8));
    expect(seqs((await get('?limit=1000')).body.messages)).toEqual(range(1, 8));
  });

  it('with since answers what came after it, at most limit, and says more when cut', async () => {
    const { epoch } = (await get('')).body;
    const page = await get(`?since=${epoch}:2&limit=3`);
    expect(page.body).toMatchObject({ recovered: true, more: true, seq: 8 });
    expect(seqs(page.body.messages)).toEqual([3, 4, 5]);
    const rest = await get(`?since=${epoch}:5&limit=3`);
    expect(seqs(rest.body.messages)).toEqual([6, 7, 8]);
    expect(rest.body.more).toBeUndefined();
  });

  it('with a since from another epoch answers recovered:false epoch_changed and what this epoch holds', async () => {
    const other = await get('?since=another:2');
    expect(other.body).toMatchObject({ recovered: false, reason: 'epoch_changed' });
    expect(seqs(other.body.messages)).toEqual(range(1, 8));
  });

  it('answers 400 bad_request to a bad limit or since, and keeps serving', async () => {
    for (const q of [
      '?limit=0',
      '?limit=1001',
      '?limit=-1',
      '?limit=abc',
      '?limit=2.5',
      '?limit=',
      '?since=garbage',
      '?since=e:-1',
      '?since=:3',
      '?since=e:1.5',
    ]) {
      const r = await get(q);
      expect(r.status, q).toBe(400);
      expect(r.body, q).toMatchObject({ error: 'bad_request', message: expect.any(String) });
    }
    expect((await get('?limit=2')).status).toBe(200);
    expect((await get('?limit=2', ['other:*'])).status).toBe(403);
  });
});

describe('subscribe history {limit}', () => {
  it('replays the latest limit kept messages after the ack, in order, then live ones', async () => {
    const c = await client(hub, 'late');
    const ack = await c.request({ type: 'subscribe', room: 'dashboard:h', history: { limit: 5 } });
    expect(ack).toMatchObject({ type: 'ack', seq: 8 });
    expect(ack.recovered).toBeUndefined();
    expect(await replayed(c, 'dashboard:h')).toEqual([4, 5, 6, 7, 8]);
    await publisher.request({ type: 'publish', room: 'dashboard:h', event: 'n', data: { i: 9 } });
    await c.waitFor((m) => m.type === 'message' && m.seq === 9);
    expect(seqs(c.messages('dashboard:h'))).toEqual([4, 5, 6, 7, 8, 9]);
  });

  it('with since, since decides where the replay starts', async () => {
    const c = await client(hub, 'resumer');
    const { epoch } = (await c.request({ type: 'history', room: 'dashboard:h', limit: 1 })) as unknown as {
      epoch: string;
    };
    const ack = await c.request({
      type: 'subscribe',
      room: 'dashboard:h',
      since: { epoch, seq: 6 },
      history: { limit: 1 },
    });
    expect(ack).toMatchObject({ recovered: true });
    expect((await replayed(c, 'dashboard:h')).slice(0, 3)).toEqual([7, 8, 9]);
  });

  it('with a since the room no longer keeps (evicted), replays the latest limit to rebuild from; without history, nothing', async () => {
    const small = await startHub({ history: { maxMessages: 5 } });
    try {
      const pub = await client(small, 'pub');
      await publishMany(pub, 'dashboard:e', 8);
      const { epoch } = (await pub.request({ type: 'history', room: 'dashboard:e', limit: 1 })) as unknown as {
        epoch: string;
      };
      const asked = await client(small, 'asked');
      const ack = await asked.request({
        type: 'subscribe',
        room: 'dashboard:e',
        since: { epoch, seq: 1 },
        history: { limit: 3 },
      });
      expect(ack).toMatchObject({ recovered: false, reason: 'evicted', epoch, seq: 8 });
      expect(await replayed(asked, 'dashboard:e')).toEqual([6, 7, 8]);
      const plain = await client(small, 'plain');
      expect(await plain.request({ type: 'subscribe', room: 'dashboard:e', since: { epoch, seq: 1 } })).toMatchObject({
        recovered: false,
        reason: 'evicted',
      });
      expect(await replayed(plain, 'dashboard:e')).toEqual([]);
    } finally {
      await small.close();
    }
  });

  it('answers bad_request to a bad history option, with the request id, and keeps the connection', async () => {
    const c = await client(hub, 'bad-sub');
    for (const history of [{}, { limit: 0 }, { limit: 1001 }, { limit: '5' }, { limit: 1.5 }, 5, null, []]) {
      const e = await c.request({ type: 'subscribe', room: 'dashboard:h', history });
      expect(e, JSON.stringify(history)).toMatchObject({ type: 'error', code: 'bad_request' });
      expect(String(e.message)).toMatch(/history/);
    }
    expect(await c.request({ type: 'subscribe', room: 'dashboard:h', history: { limit: 1 } })).toMatchObject({
      type: 'ack',
    });
  });
});

describe('WebSocket history request', () => {
  it('answers {room, epoch, seq, messages} with the latest limit, without joining the room', async () => {
    const c = await client(hub, 'reader', ['dashboard:*']);
    const ack = await c.request({ type: 'history', room: 'dashboard:h', limit: 2 });
    expect(ack).toMatchObject({ type: 'ack', room: 'dashboard:h', seq: 9, epoch: expect.any(String) });
    expect(seqs(ack.messages as RoomMessage[])).toEqual([8, 9]);
    const paged = await c.request({
      type: 'history',
      room: 'dashboard:h',
      since: { epoch: ack.epoch, seq: 3 },
      limit: 2,
    });
    expect(paged).toMatchObject({ recovered: true, more: true });
    expect(seqs(paged.messages as RoomMessage[])).toEqual([4, 5]);
    // Not a member: a publish to the room reaches it only as history, never live.
    await publisher.request({ type: 'publish', room: 'dashboard:h', event: 'n', data: { i: 10 } });
    expect(
      seqs((await c.request({ type: 'history', room: 'dashboard:h', limit: 1 })).messages as RoomMessage[]),
    ).toEqual([10]);
    expect(c.messages('dashboard:h')).toEqual([]);
  });

  it('cuts an answer to a quarter of the queue cap, keeping the newest, and says more', async () => {
    const small = await startHub({ limits: { maxQueuedBytes: 64 * 1024 } });
    try {
      const c = await connect(small, await token(small, { sub: 'w', rooms: ['*'] }));
      for (let i = 1; i <= 12; i++)
        await c.request({ type: 'publish', room: 'big', event: 'n', data: 'x'.repeat(4000) });
      const ack = await c.request({ type: 'history', room: 'big', limit: 12 });
      expect(ack.more).toBe(true);
      const got = seqs(ack.messages as RoomMessage[]);
      expect(got.length).toBeGreaterThan(0);
      expect(got.length).toBeLessThan(12);
      expect(got.at(-1)).toBe(12);
      expect(c.closed).toBeUndefined();
      c.close();
    } finally {
      await small.close();
    }
  });

  it('refuses bad input with bad_request, rooms outside the token with forbidden, hub rooms with bad_request', async () => {
    const c = await client(hub, 'narrow', ['dashboard:h']);
    const bad = [
      { room: 'dashboard:h', limit: 0 },
      { room: 'dashboard:h', limit: 1001 },
      { room: 'dashboard:h', limit: 'ten' },
      { room: 'dashboard:h', since: { epoch: 'e' } },
      { room: 'dashboard:h', since: 'e:1' },
      { room: 'bad room' },
      {},
      { room: '$admin' },
    ];
    for (const fields of bad) {
      expect(await c.request({ type: 'history', ...fields }), JSON.stringify(fields)).toMatchObject({
        type: 'error',
        code: 'bad_request',
      });
    }
    expect(await c.request({ type: 'history', room: 'dashboard:other' })).toMatchObject({
      type: 'error',
      code: 'forbidden',
    });
    expect(await c.request({ type: 'history', room: 'dashboard:h', limit: 1 })).toMatchObject({ type: 'ack' });
  });
});

describe('after an epoch change, a resume gets recovered:false and every message of the new epoch', () => {
  const hubs: Hub[] = [];
  let redis: RedisServerHandle | undefined;
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    for (const h of hubs.splice(0)) await h.close();
    await redis?.stop();
    redis = undefined;
  });

  it('memory engine: a restarted hub replays what was published after the restart', async () => {
    const dataDir = tempDir();
    const before = await startHub({ dataDir });
    hubs.push(before);
    const tab = await client(before, 'tab');
    await tab.request({ type: 'subscribe', room: 'dashboard:42' });
    await publishMany(tab, 'dashboard:42', 3);
    await tab.waitFor((m) => m.type === 'message' && m.seq === 3);
    const old = tab.messages('dashboard:42').at(-1)!;
    await before.close();

    const after = await startHub({ dataDir });
    hubs.push(after);
    const backend = await client(after, 'backend');
    // Published before the tab is back: the alert the issue lost.
    await backend.request({
      type: 'publish',
      room: 'dashboard:42',
      event: 'alert',
      data: { id: 'a1', severity: 'critical', title: 'Disk', body: 'full' },
    });
    await backend.request({ type: 'publish', room: 'dashboard:42', event: 'refresh', data: {} });

    const back = await client(after, 'tab');
    const ack = await back.request({
      type: 'subscribe',
      room: 'dashboard:42',
      since: { epoch: old.epoch, seq: old.seq },
    });
    expect(ack).toMatchObject({ type: 'ack', recovered: false, reason: 'epoch_changed', seq: 2 });
    expect(ack.epoch).not.toBe(old.epoch);
    expect(await replayed(back, 'dashboard:42')).toEqual([1, 2]);
    expect(back.messages('dashboard:42').map((m) => m.event)).toEqual(['alert', 'refresh']);
    expect(back.messages('dashboard:42').every((m) => m.epoch === ack.epoch)).toBe(true);
    // And live delivery goes on after the replay, without a duplicate.
    await backend.request({ type: 'publish', room: 'dashboard:42', event: 'refresh', data: {} });
    await back.waitFor((m) => m.type === 'message' && m.seq === 3);
    expect(seqs(back.messages('dashboard:42'))).toEqual([1, 2, 3]);
  });

  it('a malformed since fails closed the same way: recovered:false and the room as it is now', async () => {
    const h = await startHub();
    hubs.push(h);
    const c = await client(h, 'c');
    await publishMany(c, 'r', 2);
    const ack = await c.request({ type: 'subscribe', room: 'r', since: { epoch: 7 } });
    expect(ack).toMatchObject({ recovered: false, reason: 'epoch_changed' });
    expect(await replayed(c, 'r')).toEqual([1, 2]);
  });

  it(
    'redis engine: a Redis that lost its data is a new epoch, and a resume gets all of it',
    { timeout: 60_000 },
    async () => {
      redis = await startRedisServer();
      const h = await startHub({ redis: redis.url });
      hubs.push(h);
      const tab = await client(h, 'tab');
      await tab.request({ type: 'subscribe', room: 'dashboard:r' });
      await publishMany(tab, 'dashboard:r', 3);
      await tab.waitFor((m) => m.type === 'message' && m.seq === 3);
      const old = tab.messages('dashboard:r').at(-1)!;
      tab.close();

      expect(await redis.command('FLUSHALL')).toBe('+OK');
      const backend = await client(h, 'backend');
      let newEpoch = '';
      await until(
        async () => {
          const a = await backend.request({ type: 'publish', room: 'dashboard:r', event: 'alert', data: { n: 1 } });
          newEpoch = String(a.epoch);
          return a.type === 'ack';
        },
        20_000,
        'a publish in the new epoch',
      );
      await backend.request({ type: 'publish', room: 'dashboard:r', event: 'alert', data: { n: 2 } });
      expect(newEpoch).not.toBe(old.epoch);

      const back = await client(h, 'tab');
      const ack = await back.request({
        type: 'subscribe',
        room: 'dashboard:r',
        since: { epoch: old.epoch, seq: old.seq },
      });
      expect(ack).toMatchObject({ recovered: false, reason: 'epoch_changed', epoch: newEpoch });
      await until(() => seqs(back.messages('dashboard:r')).length >= 2, 10_000, 'the new epoch replayed');
      expect(await replayed(back, 'dashboard:r')).toEqual(range(1, Number(ack.seq)));
      expect(back.messages('dashboard:r').map((m) => m.data)).toEqual([{ n: 1 }, { n: 2 }]);
    },
  );
});
