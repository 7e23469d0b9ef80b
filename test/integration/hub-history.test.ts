/**
 * History in one call on all three doors: REST `?limit=`, subscribe `history: {limit}` and the
 * `history` request each answer the latest kept messages in order, say when they cut, and refuse
 * bad input while serving on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../hub/server/types.js';
import type { RoomMessage } from '../../hub/protocol/index.js';
import { connect, httpRequest, startHub, token, type TestClient } from '../support/hub.js';
import { client, closeClients, publishMany, range, replayed, seqs } from '../support/history-clients.js';

let hub: Hub;
let publisher: TestClient;

beforeAll(async () => {
  hub = await startHub();
  publisher = await client(hub, 'publisher');
  await publishMany(publisher, 'dashboard:h', 8);
});
afterAll(async () => {
  closeClients();
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
