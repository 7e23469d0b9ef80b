/**
 * Idempotent publish on the memory engine, through both doors: a repeated `key` gets the original
 * position with `duplicate: true` (REST: 200 instead of 201) and is not delivered again; keys are the
 * sender's own; a bad key is a documented `bad_request` that leaves the connection and others unharmed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { connect, httpRequest, startHub, token, type TestClient } from '../support/hub.js';
import type { Hub } from '../../hub/server/types.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function hubWith(): Promise<Hub> {
  const hub = await startHub();
  cleanups.push(() => hub.close());
  return hub;
}

async function client(hub: Hub, sub: string): Promise<TestClient> {
  const c = await connect(hub, await token(hub, { sub }));
  cleanups.push(() => c.ws.terminate());
  return c;
}

async function restPublish(hub: Hub, room: string, body: unknown, sub = 'backend') {
  return httpRequest(hub, 'POST', `/api/rooms/${room}/messages`, {
    headers: {
      authorization: `Bearer ${await token(hub, { sub, role: 'service' })}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify(body),
  });
}

describe('publish keys (memory engine)', () => {
  it('answers a repeated WebSocket publish with the original position and delivers it once', async () => {
    const hub = await hubWith();
    const room = 'keys:ws';
    const watcher = await client(hub, 'watcher');
    await watcher.request({ type: 'subscribe', room });
    const alice = await client(hub, 'alice');
    const first = await alice.request({ type: 'publish', room, event: 'note', data: 'a', key: 'note-1' });
    const again = await alice.request({ type: 'publish', room, event: 'note', data: 'a', key: 'note-1' });
    expect(first).toMatchObject({ type: 'ack', room, seq: 1 });
    expect(first.duplicate).toBeUndefined();
    expect(again).toMatchObject({ type: 'ack', room, epoch: first.epoch, seq: 1, duplicate: true });
    // Another user's identical key is their own message.
    const bob = await client(hub, 'bob');
    expect(await bob.request({ type: 'publish', room, event: 'note', data: 'b', key: 'note-1' })).toMatchObject({
      seq: 2,
    });
    const last = await alice.request({ type: 'publish', room, event: 'note', data: 'c' });
    await watcher.waitFor((m) => m.type === 'message' && m.seq === last.seq);
    expect(watcher.messages(room).map((m) => [m.seq, m.data])).toEqual([
      [1, 'a'],
      [2, 'b'],
      [3, 'c'],
    ]);
  });

  it('keeps users apart whatever their sub and key hold (no "a b"+"c" = "a"+"b c")', async () => {
    const hub = await hubWith();
    const room = 'keys:apart';
    const ab = await client(hub, 'a b');
    const a = await client(hub, 'a');
    expect(await ab.request({ type: 'publish', room, event: 'n', data: 1, key: 'c' })).toMatchObject({ seq: 1 });
    const other = await a.request({ type: 'publish', room, event: 'n', data: 2, key: 'b c' });
    expect(other).toMatchObject({ type: 'ack', seq: 2 });
    expect(other.duplicate).toBeUndefined();
  });

  it('answers a repeated REST publish 200 with duplicate, the first 201', async () => {
    const hub = await hubWith();
    const room = 'keys:rest';
    const first = await restPublish(hub, room, { event: 'result', data: { rows: 3 }, key: 'job-17' });
    const again = await restPublish(hub, room, { event: 'result', data: { rows: 3 }, key: 'job-17' });
    expect(first.status).toBe(201);
    expect(first.body).toEqual({ room, epoch: first.body.epoch, seq: 1 });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ room, epoch: first.body.epoch, seq: 1, duplicate: true });
    const history = await httpRequest(hub, 'GET', `/api/rooms/${room}/history?since=${first.body.epoch}:0`, {
      headers: { authorization: `Bearer ${await token(hub, { sub: 'reader' })}` },
    });
    expect(history.body.messages).toHaveLength(1);
    // A WebSocket publish by the same user with the same key is the same message.
    const sameUser = await connect(hub, await token(hub, { sub: 'backend', role: 'service' }));
    cleanups.push(() => sameUser.ws.terminate());
    expect(await sameUser.request({ type: 'publish', room, event: 'result', data: {}, key: 'job-17' })).toMatchObject({
      seq: 1,
      duplicate: true,
    });
  });

  it('refuses a key that is empty, longer than 64 characters or not a string, and carries on', async () => {
    const hub = await hubWith();
    const room = 'keys:bad';
    const alice = await client(hub, 'alice');
    for (const key of ['', 'k'.repeat(65), 42, null]) {
      const answer = await alice.request({ type: 'publish', room, event: 'n', data: 1, key });
      expect(answer).toMatchObject({ type: 'error', code: 'bad_request' });
      expect(String(answer.message)).toContain('"key"');
    }
    expect(await alice.request({ type: 'publish', room, event: 'n', data: 1, key: 'k'.repeat(64) })).toMatchObject({
      type: 'ack',
      seq: 1,
    });
    const rest = await restPublish(hub, room, { event: 'n', data: 1, key: '' });
    expect(rest.status).toBe(400);
    expect(rest.body.error).toBe('bad_request');
    expect(alice.closed).toBeUndefined();
  });
});
