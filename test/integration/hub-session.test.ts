/**
 * `GET /api/session`: a browser cannot read an upgrade's 401/403, so it asks over HTTP why its
 * token is refused — with `reason` (and `until` for a ban) as fields, the same as in the upgrade's
 * refusal body. A refused tab that retries is audited once, not once per retry.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../hub/server/types.js';
import { apiCall, connect, expectRefused, signJwt, startHub, token, type TestClient } from '../support/hub.js';

let hub: Hub;
let adminTok: string;
const clients: TestClient[] = [];

beforeAll(async () => {
  hub = await startHub({ publicUrl: 'https://hub.example.test' });
  adminTok = await token(hub, { sub: 'root', role: 'admin' });
});
afterAll(async () => {
  for (const c of clients) c.close();
  await hub.close();
});

describe('GET /api/session', () => {
  it('answers 200 {user, expiresAt} for a token that would be admitted', async () => {
    const tok = await token(hub, { sub: 'alice', name: 'Alice', role: 'viewer', rooms: ['dashboard:*'] });
    const r = await apiCall(hub, 'GET', '/api/session', tok);
    expect(r).toEqual({
      status: 200,
      body: { user: { sub: 'alice', name: 'Alice', role: 'viewer' }, expiresAt: expect.any(Number) },
    });
    expect((await apiCall(hub, 'GET', '/api/session?room=dashboard:42', tok)).status).toBe(200);
    expect((await apiCall(hub, 'GET', '/api/session?room=user:alice', tok)).status).toBe(200);
  });

  it('says expired, invalid or not_allowed, with 401/403 and a message', async () => {
    const expired = await signJwt({ sub: 'old', exp: Math.floor(Date.now() / 1000) - 3600 });
    expect(await apiCall(hub, 'GET', '/api/session', expired)).toEqual({
      status: 401,
      body: { error: 'unauthorized', message: 'token expired', reason: 'expired' },
    });
    for (const bad of [
      undefined,
      'garbage',
      await signJwt({ sub: 'x' }, { key: new TextEncoder().encode('z'.repeat(48)) }),
      await signJwt({ sub: 'x', role: 'root' }),
    ]) {
      expect(await apiCall(hub, 'GET', '/api/session', bad)).toMatchObject({
        status: 401,
        body: { error: 'unauthorized', reason: 'invalid', message: expect.any(String) },
      });
    }
    const tok = await token(hub, { sub: 'bob', role: 'viewer', rooms: ['dashboard:42'] });
    for (const room of ['dashboard:43', '$admin', 'bad room']) {
      expect(await apiCall(hub, 'GET', `/api/session?room=${encodeURIComponent(room)}`, tok)).toMatchObject({
        status: 403,
        body: { error: 'forbidden', reason: 'not_allowed' },
      });
    }
  });

  it('says banned with until and the ban reason — on the session route and in the upgrade refusal body', async () => {
    const tok = await token(hub, { sub: 'mallory', role: 'viewer' });
    const ban = await apiCall(hub, 'POST', '/api/bans', adminTok, {
      sub: 'mallory',
      minutes: 30,
      reason: 'posting spam',
    });
    expect(ban.status).toBe(201);
    const expected = {
      error: 'forbidden',
      reason: 'banned',
      until: ban.body.until,
      banReason: 'posting spam',
      message: expect.stringContaining('posting spam'),
    };
    expect(await apiCall(hub, 'GET', '/api/session', tok)).toEqual({ status: 403, body: expected });
    expect(await expectRefused(hub, tok)).toMatchObject({ status: 403, body: expected });
    // REST calls refuse the same way.
    expect(await apiCall(hub, 'GET', '/api/rooms/dashboard:1/history', tok)).toMatchObject({
      status: 403,
      body: { reason: 'banned', until: ban.body.until },
    });
  });

  it('says revoked, used_up, and invite: true for an invite still to redeem', async () => {
    const inv = await apiCall(hub, 'POST', '/api/invites', adminTok, {
      rooms: ['standup'],
      role: 'viewer',
      ttlMinutes: 10,
      maxUses: 1,
    });
    expect(await apiCall(hub, 'GET', '/api/session', inv.body.token)).toMatchObject({
      status: 200,
      body: { invite: true, user: { role: 'viewer' } },
    });
    expect(await expectRefused(hub, inv.body.token)).toMatchObject({ status: 403, body: { reason: 'not_allowed' } });
    const redeemed = await apiCall(hub, 'POST', '/api/invites/redeem', inv.body.token, { name: 'Ada' });
    expect(redeemed.status).toBe(201);
    expect(await apiCall(hub, 'GET', '/api/session', inv.body.token)).toMatchObject({
      status: 403,
      body: { reason: 'used_up' },
    });
    expect(await expectRefused(hub, inv.body.token)).toMatchObject({ status: 403, body: { reason: 'used_up' } });
    expect(await apiCall(hub, 'GET', '/api/session', redeemed.body.token)).toMatchObject({
      status: 200,
      body: { user: { sub: redeemed.body.sub, name: 'Ada' } },
    });
    await apiCall(hub, 'DELETE', `/api/invites/${inv.body.jti}`, adminTok);
    expect(await apiCall(hub, 'GET', '/api/session', redeemed.body.token)).toMatchObject({
      status: 401,
      body: { reason: 'revoked' },
    });
    expect(await apiCall(hub, 'GET', '/api/session', inv.body.token)).toMatchObject({
      status: 401,
      body: { reason: 'revoked' },
    });
  });
});

describe('audit of refused upgrades', () => {
  it('writes a refusal once per (sub, reason) however often a tab retries', async () => {
    const tok = await token(hub, { sub: 'retrier', role: 'viewer' });
    await apiCall(hub, 'POST', '/api/bans', adminTok, { sub: 'retrier', minutes: 30, reason: 'cool down' });
    for (let i = 0; i < 25; i++) expect((await expectRefused(hub, tok)).status).toBe(403);
    // A later, different refusal is written after them: once it is there, the retries were handled.
    await expectRefused(hub, await token(hub, { sub: 'marker', role: 'viewer', rooms: [] }), {
      origin: 'https://evil.example',
    });
    const audit = await apiCall(hub, 'GET', '/api/audit?kind=refused&limit=500', adminTok);
    const entries = audit.body.entries as Array<{ sub?: string; details: Record<string, unknown> }>;
    expect(
      entries.some((e) => e.details.refusal === 'not_allowed' && e.details.origin === 'https://evil.example'),
    ).toBe(true);
    const retries = entries.filter((e) => e.sub === 'retrier');
    expect(retries).toHaveLength(1);
    expect(retries[0]!.details).toMatchObject({ status: 403, refusal: 'banned', until: expect.any(Number) });
    // The healthy neighbour is unharmed.
    const ok = await connect(hub, await token(hub, { sub: 'neighbour' }));
    clients.push(ok);
    expect(await ok.request({ type: 'subscribe', room: 'standup' })).toMatchObject({ type: 'ack' });
  });
});
