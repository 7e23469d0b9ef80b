/**
 * Kick and ban reach exactly their targets over WebSocket and REST: kick closes 4004, ban 4005 and
 * refuses new upgrades (403) across a restart until lifted; bad requests get their code and the
 * admin stays.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Hub } from '../../hub/server/types.js';
import { connect, expectRefused, startHub, tempDir, token, until, type TestClient, apiCall } from '../support/hub.js';
import { sdkClient, untilClosed, untilOpen, type SdkClient } from '../support/client-harness.js';

const hubs: Hub[] = [];
const sdks: SdkClient[] = [];

afterEach(async () => {
  for (const s of sdks.splice(0)) s.client.close();
  for (const h of hubs.splice(0)) await h.close();
});

async function hub(options: Parameters<typeof startHub>[0] = {}): Promise<Hub> {
  const h = await startHub(options);
  hubs.push(h);
  return h;
}

const api = apiCall;

const adminToken = (h: Hub): Promise<string> => token(h, { sub: 'root', role: 'admin' });

/** Another client keeps publishing and receiving: the hub carries on. */
async function stillServes(h: Hub): Promise<void> {
  const a = await connect(h, await token(h, { sub: 'witness-a' }));
  const b = await connect(h, await token(h, { sub: 'witness-b' }));
  await b.request({ type: 'subscribe', room: 'witness' });
  expect((await a.request({ type: 'publish', room: 'witness', event: 'e', data: 1 })).type).toBe('ack');
  await b.waitFor((m) => m.type === 'message' && m.room === 'witness');
  a.close();
  b.close();
}

describe('kick', () => {
  it('closes the connection with 4004 and the reason; the SDK reports it and does not reconnect', async () => {
    const h = await hub();
    const admin = await connect(h, await adminToken(h));
    let tokensAsked = 0;
    const alice = sdkClient(h, 'alice', { getToken: () => (tokensAsked++, token(h, { sub: 'alice' })) });
    sdks.push(alice);
    const notices: string[] = [];
    alice.client.onNotice((n) => notices.push(n.event === 'kicked' ? n.reason : n.event));
    await untilOpen(alice.client);

    const ack = await admin.request({
      type: 'admin',
      action: 'kick',
      clientId: alice.client.session!.clientId,
      reason: 'spamming the dashboard',
    });
    expect(ack).toMatchObject({ type: 'ack', clientId: alice.client.session!.clientId, sub: 'alice', kicked: 1 });

    const closed = await untilClosed(alice.client);
    expect(closed).toEqual({ status: 'closed', code: 4004, reason: 'spamming the dashboard', cause: 'kicked' });
    expect(notices).toEqual(['spamming the dashboard']);
    // Closed is final: no reconnect was scheduled, no second socket, no second token.
    expect(alice.states.some((s) => s.status === 'reconnecting')).toBe(false);
    expect(alice.sockets).toHaveLength(1);
    expect(tokensAsked).toBe(1);
    const left = await admin.request({ type: 'admin', action: 'list', what: 'clients', user: 'alice' });
    expect(left).toMatchObject({ total: 0, items: [] });
    await stillServes(h);
  });

  it('over REST: DELETE /api/clients/{id} with a reason; unknown clients are 404; the rest carries on', async () => {
    const h = await hub();
    const tok = await adminToken(h);
    const bob = await connect(h, await token(h, { sub: 'bob' }));
    const res = await api(h, 'DELETE', `/api/clients/${bob.welcome.clientId}`, tok, {
      reason: 'left running overnight',
    });
    expect(res).toEqual({
      status: 200,
      body: { clientId: bob.welcome.clientId, sub: 'bob', reason: 'left running overnight', kicked: 1 },
    });
    expect(await bob.waitForClose()).toEqual({ code: 4004, reason: 'left running overnight' });
    expect(bob.received).toContainEqual({ type: 'notice', event: 'kicked', reason: 'left running overnight' });

    const again = await api(h, 'DELETE', `/api/clients/${bob.welcome.clientId}`, tok);
    expect(again).toEqual({ status: 404, body: { error: 'not_found', message: `no client ${bob.welcome.clientId}` } });
    await stillServes(h);
  });

  it('by sub closes every connection of that user and nobody else', async () => {
    const h = await hub();
    const admin = await connect(h, await adminToken(h));
    const carolTok = await token(h, { sub: 'carol' });
    const carols = await Promise.all([connect(h, carolTok), connect(h, carolTok), connect(h, carolTok)]);
    const dave = await connect(h, await token(h, { sub: 'dave' }));
    const ack = await admin.request({ type: 'admin', action: 'kick', sub: 'carol', reason: 'shared account' });
    expect(ack).toMatchObject({ sub: 'carol', kicked: 3 });
    for (const c of carols) expect(await c.waitForClose()).toEqual({ code: 4004, reason: 'shared account' });
    expect((await dave.request({ type: 'subscribe', room: 'still-here' })).type).toBe('ack');
  });

  it('answers bad kicks with bad_request and unknown targets with not_found, and the admin stays connected', async () => {
    const h = await hub();
    const admin = await connect(h, await adminToken(h));
    const bad = [{}, { clientId: 'x', sub: 'y' }, { clientId: 42 }, { sub: '' }, { sub: 'u', reason: 'r'.repeat(513) }];
    for (const fields of bad) {
      const answer = await admin.request({ type: 'admin', action: 'kick', ...fields });
      expect(answer).toMatchObject({ type: 'error', code: 'bad_request' });
    }
    expect(await admin.request({ type: 'admin', action: 'kick', sub: 'nobody' })).toMatchObject({
      type: 'error',
      code: 'not_found',
    });
    expect(await admin.request({ type: 'admin', action: 'explode' })).toMatchObject({
      type: 'error',
      code: 'bad_request',
    });
    expect(admin.closed).toBeUndefined();
    await stillServes(h);
  });
});

describe('bad fields', () => {
  it('every action answers bad fields with bad_request, and the admin and others carry on', async () => {
    const h = await hub();
    const tok = await adminToken(h);
    let admin = await connect(h, tok);
    const bad: Array<Record<string, unknown>> = [
      { action: 'ban', sub: 'x' },
      { action: 'ban', sub: 'x', minutes: 0 },
      { action: 'ban', sub: 'x', minutes: 10 * 367 * 24 * 60 },
      { action: 'ban', sub: ['x'], minutes: 5 },
      { action: 'unban' },
      { action: 'unban', sub: 5 },
      { action: 'revoke' },
      { action: 'revoke', jti: 'j'.repeat(129) },
      { action: 'invite', rooms: ['a'], role: 'viewer' },
      { action: 'inspect' },
      { action: 'inspect', on: 1 },
      { action: 'inspect', room: 'bad room', on: true },
      { action: 'list' },
      { action: 'list', what: 'secrets' },
      { action: 'list', what: 'clients', limit: -1 },
      { action: 'list', what: 'clients', cursor: 'x' },
      { action: 'list', what: 'room' },
      { action: 'list', what: 'audit', before: 'yesterday' },
      { action: 'list', what: 'audit', kind: 'everything' },
      { action: 'nothing' },
      { action: 7 },
    ];
    for (const [i, fields] of bad.entries()) {
      // Bad messages spend the connection's error budget (then 1008): keep the test about answers.
      if (i % 8 === 7) {
        admin.close();
        admin = await connect(h, tok);
      }
      expect(await admin.request({ type: 'admin', ...fields }), JSON.stringify(fields)).toMatchObject({
        type: 'error',
        code: 'bad_request',
      });
    }
    expect(await admin.request({ type: 'admin', action: 'revoke', jti: 'no-such-invite' })).toMatchObject({
      type: 'error',
      code: 'not_found',
    });
    expect(await admin.request({ type: 'admin', action: 'list', what: 'room', room: 'never-used' })).toMatchObject({
      type: 'error',
      code: 'not_found',
    });
    await stillServes(h);
  });
});

describe('ban', () => {
  it('closes live connections with 4005, refuses new upgrades with 403, survives a restart, and unban lifts it', async () => {
    const dataDir = tempDir();
    const first = await hub({ dataDir });
    const admin = await connect(first, await adminToken(first));
    const erinTok = await token(first, { sub: 'erin' });
    const erins = [await connect(first, erinTok), await connect(first, erinTok)];

    const ack = await admin.request({
      type: 'admin',
      action: 'ban',
      sub: 'erin',
      minutes: 60,
      reason: 'abusive messages',
    });
    expect(ack).toMatchObject({ type: 'ack', sub: 'erin', reason: 'abusive messages' });
    const until60 = ack.until as number;
    expect(until60).toBeGreaterThan(Date.now() + 59 * 60_000);
    for (const c of erins) {
      expect(await c.waitForClose()).toEqual({ code: 4005, reason: 'abusive messages' });
      expect(c.received).toContainEqual({
        type: 'notice',
        event: 'banned',
        reason: 'abusive messages',
        until: until60,
      });
    }
    const refused = await expectRefused(first, erinTok);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toBe('forbidden');
    expect(refused.body.message).toContain('abusive messages');

    await first.close();
    hubs.splice(hubs.indexOf(first), 1);
    const second = await hub({ dataDir });
    expect((await expectRefused(second, erinTok)).status).toBe(403);
    const tok = await adminToken(second);
    const bans = await api(second, 'GET', '/api/bans', tok);
    expect(bans.body.items).toEqual([
      expect.objectContaining({ sub: 'erin', until: until60, reason: 'abusive messages', by: 'root' }),
    ]);

    expect(await api(second, 'DELETE', '/api/bans/erin', tok)).toEqual({
      status: 200,
      body: { sub: 'erin', unbanned: true },
    });
    const back = await connect(second, erinTok);
    expect(back.welcome.user.sub).toBe('erin');
    expect(await api(second, 'DELETE', '/api/bans/erin', tok)).toEqual({
      status: 404,
      body: { error: 'not_found', message: 'erin is not banned' },
    });
  });

  it('over REST: POST /api/bans answers 201; bad bodies 400, banning oneself 409; the hub carries on', async () => {
    const h = await hub();
    const tok = await adminToken(h);
    const frank = await connect(h, await token(h, { sub: 'frank' }));
    const bad: unknown[] = [
      { minutes: 10 },
      { sub: 'frank' },
      { sub: 'frank', minutes: -5 },
      { sub: 'frank', minutes: 'soon' },
      { sub: 'frank', minutes: 10, reason: 7 },
      [],
      'not json',
    ];
    for (const body of bad) {
      const res = await api(h, 'POST', '/api/bans', tok, body);
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('bad_request');
    }
    expect(await api(h, 'POST', '/api/bans', tok, { sub: 'root', minutes: 5 })).toMatchObject({
      status: 409,
      body: { error: 'conflict' },
    });
    expect(frank.closed).toBeUndefined();

    const res = await api(h, 'POST', '/api/bans', tok, { sub: 'frank', minutes: 5, reason: 'cool off' });
    expect(res.status).toBe(201);
    expect(await frank.waitForClose()).toEqual({ code: 4005, reason: 'cool off' });
    await stillServes(h);
  });

  it('a banned admin token is refused on REST too', async () => {
    const h = await hub();
    const tok = await adminToken(h);
    const other = await token(h, { sub: 'other-admin', role: 'admin' });
    expect((await api(h, 'POST', '/api/bans', tok, { sub: 'other-admin', minutes: 5 })).status).toBe(201);
    const res = await api(h, 'GET', '/api/clients', other);
    expect(res.status).toBe(403);
    expect(res.body.error).toBe('forbidden');
  });
});

describe('lists', () => {
  it('GET /api/rooms and /api/rooms/{room} describe rooms; unknown rooms are 404, bad names 400', async () => {
    const h = await hub();
    const tok = await adminToken(h);
    const clients: TestClient[] = [];
    for (const sub of ['g1', 'g2']) {
      const c = await connect(h, await token(h, { sub }));
      await c.request({ type: 'subscribe', room: 'dashboard:7' });
      clients.push(c);
    }
    await clients[0]!.request({ type: 'publish', room: 'dashboard:7', event: 'refresh', data: {} });
    const rooms = await api(h, 'GET', '/api/rooms', tok);
    expect(rooms.body).toMatchObject({ total: 1, next: null, items: [{ room: 'dashboard:7', clients: 2 }] });
    await until(async () => (await api(h, 'GET', '/api/rooms/dashboard:7', tok)).body.memberCount === 2);
    const room = await api(h, 'GET', '/api/rooms/dashboard:7', tok);
    // Two subscribes and one publish came in for the room.
    expect(room.body).toMatchObject({ room: 'dashboard:7', clients: 2, messagesIn: 3, position: { seq: 1 } });
    expect(room.body.members.map((m: { sub: string }) => m.sub).sort()).toEqual(['g1', 'g2']);
    expect((await api(h, 'GET', '/api/rooms/dashboard:8', tok)).status).toBe(404);
    expect((await api(h, 'GET', `/api/rooms/${encodeURIComponent('bad room!')}`, tok)).status).toBe(400);
    expect((await api(h, 'GET', '/api/clients?limit=0', tok)).status).toBe(400);
    expect((await api(h, 'GET', '/api/clients?cursor=abc', tok)).status).toBe(400);
    expect((await api(h, 'GET', '/api/clients?room=%24nope', tok)).status).toBe(400);
  });
});
