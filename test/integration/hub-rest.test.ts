/**
 * HTTP on the hub's port: REST publish for services (and editors/admins), room history, health and
 * readiness, and every refusal as JSON `{error, message}` with its status.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../hub/server/types.js';
import { TestClient, connect, httpRequest, signJwt, startHub, token } from '../support/hub.js';

const MAX_BODY = 1024;
let hub: Hub;
let watcher: TestClient;

beforeAll(async () => {
  hub = await startHub({ limits: { maxHttpBodyBytes: MAX_BODY } });
  watcher = await connect(hub, await token(hub, { sub: 'watcher', rooms: ['*'] }));
  await watcher.request({ type: 'subscribe', room: 'dashboard:1' });
});
afterAll(async () => {
  watcher.close();
  await hub.close();
});

async function bearer(claims: Parameters<typeof token>[1]): Promise<Record<string, string>> {
  return { authorization: `Bearer ${await token(hub, claims)}`, 'content-type': 'application/json' };
}

function post(path: string, headers: Record<string, string>, body: unknown): ReturnType<typeof httpRequest> {
  return httpRequest(hub, 'POST', path, { headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
}

function expectError(r: Awaited<ReturnType<typeof httpRequest>>, status: number, code: string): void {
  expect(r.status).toBe(status);
  expect(r.headers['content-type']).toMatch(/application\/json/);
  expect(r.body).toMatchObject({ error: code });
  expect(typeof r.body.message).toBe('string');
}

describe('POST /api/rooms/{room}/messages', () => {
  it('publishes for a service: 201 {room, epoch, seq}, delivered with from.service', async () => {
    const r = await post(
      '/api/rooms/dashboard:1/messages',
      await bearer({ sub: 'engine', name: 'InsightEngine', role: 'service', rooms: ['dashboard:*'] }),
      {
        event: 'refresh',
        data: { widgets: ['w1'], reason: 'query finished' },
      },
    );
    expect(r.status).toBe(201);
    expect(r.body).toEqual({ room: 'dashboard:1', epoch: expect.any(String), seq: expect.any(Number) });
    const m = await watcher.waitFor((x) => x.type === 'message' && x.room === 'dashboard:1' && x.seq === r.body.seq);
    expect(m).toMatchObject({
      event: 'refresh',
      epoch: r.body.epoch,
      data: { widgets: ['w1'], reason: 'query finished' },
      from: { sub: 'engine', name: 'InsightEngine', service: true },
    });
    expect((m as { from: { clientId?: string } }).from.clientId).toBeUndefined();
  });

  it('publishes for an editor and an admin too, on the same seq line as WebSocket publishes', async () => {
    const a = await post(
      '/api/rooms/dashboard:1/messages',
      await bearer({ sub: 'ed', role: 'editor', rooms: ['dashboard:*'] }),
      { event: 'e', data: 1 },
    );
    expect(a.status).toBe(201);
    const ws = await watcher.request({ type: 'publish', room: 'dashboard:1', event: 'e', data: 2 });
    const b = await post(
      '/api/rooms/dashboard:1/messages',
      await bearer({ sub: 'root', role: 'admin', rooms: ['*'] }),
      { event: 'e', data: 3 },
    );
    expect(b.status).toBe(201);
    expect((ws as unknown as { seq: number }).seq).toBe(a.body.seq + 1);
    expect(b.body.seq).toBe(a.body.seq + 2);
    const m = await watcher.waitFor((x) => x.type === 'message' && x.seq === a.body.seq);
    expect((m as { from: { sub: string; service?: boolean } }).from).toEqual({ sub: 'ed', name: 'ed' });
  });

  it('ignores sender fields in the body: from is stamped from the token', async () => {
    const r = await post(
      '/api/rooms/dashboard:1/messages',
      await bearer({ sub: 'svc', role: 'service', rooms: ['*'] }),
      {
        event: 'alert',
        data: { id: 'a', severity: 'info', title: 't', body: 'b' },
        from: { sub: 'ceo', name: 'CEO' },
      },
    );
    expect(r.status).toBe(201);
    const m = await watcher.waitFor((x) => x.type === 'message' && x.seq === r.body.seq);
    expect((m as { from: { sub: string } }).from.sub).toBe('svc');
  });

  it('401 without a token, with a malformed one, an expired one or one signed by another key', async () => {
    expectError(
      await post('/api/rooms/dashboard:1/messages', { 'content-type': 'application/json' }, { event: 'e', data: 1 }),
      401,
      'unauthorized',
    );
    expectError(
      await post('/api/rooms/dashboard:1/messages', { authorization: 'Bearer nope' }, { event: 'e', data: 1 }),
      401,
      'unauthorized',
    );
    const expired = await signJwt({ sub: 'svc', role: 'service', exp: Math.floor(Date.now() / 1000) - 3600 });
    expectError(
      await post('/api/rooms/dashboard:1/messages', { authorization: `Bearer ${expired}` }, { event: 'e', data: 1 }),
      401,
      'unauthorized',
    );
    const forged = await signJwt({ sub: 'svc', role: 'service' }, { key: new TextEncoder().encode('z'.repeat(48)) });
    expectError(
      await post('/api/rooms/dashboard:1/messages', { authorization: `Bearer ${forged}` }, { event: 'e', data: 1 }),
      401,
      'unauthorized',
    );
    expectError(
      await post(
        '/api/rooms/dashboard:1/messages',
        { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` },
        { event: 'e', data: 1 },
      ),
      401,
      'unauthorized',
    );
  });

  it('403 for a viewer and for a room outside the token’s rooms', async () => {
    expectError(
      await post('/api/rooms/dashboard:1/messages', await bearer({ sub: 'v', role: 'viewer', rooms: ['*'] }), {
        event: 'e',
        data: 1,
      }),
      403,
      'forbidden',
    );
    expectError(
      await post('/api/rooms/finance:1/messages', await bearer({ sub: 's', role: 'service', rooms: ['dashboard:*'] }), {
        event: 'e',
        data: 1,
      }),
      403,
      'forbidden',
    );
  });

  it('400 for bad JSON, a body that is not an object, a missing or bad event, missing data, a bad room', async () => {
    const h = await bearer({ sub: 's', role: 'service', rooms: ['*'] });
    expectError(await post('/api/rooms/dashboard:1/messages', h, '{"event": '), 400, 'bad_request');
    expectError(await post('/api/rooms/dashboard:1/messages', h, '[1,2]'), 400, 'bad_request');
    expectError(await post('/api/rooms/dashboard:1/messages', h, '"text"'), 400, 'bad_request');
    expectError(await post('/api/rooms/dashboard:1/messages', h, { data: 1 }), 400, 'bad_request');
    expectError(await post('/api/rooms/dashboard:1/messages', h, { event: 'two words', data: 1 }), 400, 'bad_request');
    expectError(await post('/api/rooms/dashboard:1/messages', h, { event: 'e' }), 400, 'bad_request');
    expectError(await post('/api/rooms/bad%20room/messages', h, { event: 'e', data: 1 }), 400, 'bad_request');
    expectError(await post(`/api/rooms/${'r'.repeat(129)}/messages`, h, { event: 'e', data: 1 }), 400, 'bad_request');
    expectError(await post('/api/rooms/%24admin/messages', h, { event: 'e', data: 1 }), 400, 'bad_request');
    expectError(await post('/api/rooms/%E0%A4%A/messages', h, { event: 'e', data: 1 }), 400, 'bad_request');
  });

  it('413 for a body over the limit, declared or streamed; exactly the limit is accepted', async () => {
    const h = await bearer({ sub: 's', role: 'service', rooms: ['*'] });
    const base = JSON.stringify({ event: 'e', data: '' }).length;
    const exact = JSON.stringify({ event: 'e', data: 'x'.repeat(MAX_BODY - base) });
    expect(Buffer.byteLength(exact)).toBe(MAX_BODY);
    expect((await post('/api/rooms/dashboard:1/messages', h, exact)).status).toBe(201);
    const over = JSON.stringify({ event: 'e', data: 'x'.repeat(MAX_BODY - base + 1) });
    expectError(await post('/api/rooms/dashboard:1/messages', h, over), 413, 'too_large');
    // Chunked, with no Content-Length to trust.
    const chunked = await httpRequest(hub, 'POST', '/api/rooms/dashboard:1/messages', {
      headers: { ...h, 'transfer-encoding': 'chunked' },
      body: JSON.stringify({ event: 'e', data: 'x'.repeat(MAX_BODY * 4) }),
    });
    expectError(chunked, 413, 'too_large');
  });

  it('405 for another method on the route, 404 JSON for an unknown API route', async () => {
    const h = await bearer({ sub: 's', role: 'service', rooms: ['*'] });
    expect((await httpRequest(hub, 'PUT', '/api/rooms/dashboard:1/messages', { headers: h, body: '{}' })).status).toBe(
      405,
    );
    expectError(await httpRequest(hub, 'GET', '/api/nothing-here', { headers: h }), 404, 'not_found');
  });

  it('leaves the WebSocket clients unharmed', async () => {
    const ack = await watcher.request({ type: 'publish', room: 'dashboard:1', event: 'still', data: 1 });
    expect(ack.type).toBe('ack');
    expect(watcher.closed).toBeUndefined();
  });
});

describe('GET /api/rooms/{room}/history', () => {
  it('returns the room’s messages to a member, after since when given', async () => {
    const svc = await bearer({ sub: 'svc', role: 'service', rooms: ['hist:*'] });
    const seqs: number[] = [];
    let epoch = '';
    for (let i = 1; i <= 4; i++) {
      const r = await post('/api/rooms/hist:1/messages', svc, { event: 'n', data: { i } });
      seqs.push(r.body.seq);
      epoch = r.body.epoch;
    }
    const member = await bearer({ sub: 'reader', role: 'viewer', rooms: ['hist:*'] });
    const all = await httpRequest(hub, 'GET', '/api/rooms/hist:1/history', { headers: member });
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ room: 'hist:1', epoch, seq: 4 });
    expect(all.body.messages.map((m: { seq: number }) => m.seq)).toEqual([1, 2, 3, 4]);

    const since = await httpRequest(hub, 'GET', `/api/rooms/hist:1/history?since=${epoch}:2`, { headers: member });
    expect(since.status).toBe(200);
    expect(since.body).toMatchObject({ room: 'hist:1', epoch, seq: 4, recovered: true });
    expect(since.body.messages.map((m: { seq: number; data: { i: number } }) => [m.seq, m.data.i])).toEqual([
      [3, 3],
      [4, 4],
    ]);

    // Another epoch: what was lost is said, and what this epoch holds is given (see hub-history tests).
    const other = await httpRequest(hub, 'GET', '/api/rooms/hist:1/history?since=another:2', { headers: member });
    expect(other.body).toMatchObject({ recovered: false, reason: 'epoch_changed' });
    expect(other.body.messages.map((m: { seq: number }) => m.seq)).toEqual([1, 2, 3, 4]);
    const malformed = await httpRequest(hub, 'GET', '/api/rooms/hist:1/history?since=garbage', { headers: member });
    expect(malformed).toMatchObject({ status: 400, body: { error: 'bad_request' } });
  });

  it('lets an admin read any room, refuses non-members (403) and anonymous callers (401)', async () => {
    expect(
      (
        await httpRequest(hub, 'GET', '/api/rooms/hist:1/history', {
          headers: await bearer({ sub: 'root', role: 'admin', rooms: [] }),
        })
      ).status,
    ).toBe(200);
    expectError(
      await httpRequest(hub, 'GET', '/api/rooms/hist:1/history', {
        headers: await bearer({ sub: 'x', role: 'editor', rooms: ['other:*'] }),
      }),
      403,
      'forbidden',
    );
    expectError(await httpRequest(hub, 'GET', '/api/rooms/hist:1/history'), 401, 'unauthorized');
  });
});

describe('health and readiness', () => {
  it('answers /healthz and /readyz with 200 while running', async () => {
    expect(await httpRequest(hub, 'GET', '/healthz')).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(await httpRequest(hub, 'GET', '/readyz')).toMatchObject({
      status: 200,
      body: { status: 'ready', engine: 'memory' },
    });
  });
});
