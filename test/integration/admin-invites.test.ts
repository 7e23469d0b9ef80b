/**
 * Invites end to end: an admin mints a room-scoped link; each person redeems it under their own
 * name for a personal token that joins only the invite's rooms. Uses count people, not reconnects;
 * revoking the link ends everyone redeemed from it.
 */
import { generateKeyPairSync } from 'node:crypto';
import { SignJWT, importPKCS8 } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Hub } from '../../hub/server/types.js';
import { connect, expectRefused, startHub, token, type TestClient } from '../support/hub.js';

let hub: Hub;
let adminTok: string;

beforeEach(async () => {
  hub = await startHub({ publicUrl: 'https://hub.example.test:7420/' });
  adminTok = await token(hub, { sub: 'root', role: 'admin' });
});

afterEach(async () => {
  await hub.close();
});

async function api(
  method: string,
  path: string,
  tok: string | undefined,
  body?: unknown,
): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = {};
  if (tok) headers.authorization = `Bearer ${tok}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(hub.url + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

async function invite(
  fields: Record<string, unknown>,
): Promise<{ token: string; url: string; jti: string; sub: string }> {
  const res = await api('POST', '/api/invites', adminTok, fields);
  expect(res.status).toBe(201);
  return res.body;
}

async function redeem(inviteToken: string, name: string): Promise<{ token: string; sub: string; expiresAt: number }> {
  const res = await api('POST', '/api/invites/redeem', inviteToken, { name });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

describe('invites', () => {
  it('are redeemed for a personal token that joins only the invite rooms; the invite itself opens no session', async () => {
    const inv = await invite({ rooms: ['dashboard:42'], role: 'viewer', ttlMinutes: 30, name: 'Visiting analyst' });
    expect(inv.url).toBe(`https://hub.example.test:7420/#token=${inv.token}`);
    expect(await expectRefused(hub, inv.token)).toMatchObject({
      status: 403,
      body: { error: 'forbidden', reason: 'not_allowed' },
    });

    const ada = await redeem(inv.token, '  Ada Lovelace  ');
    expect(ada).toEqual({
      token: expect.any(String),
      sub: expect.stringMatching(/^guest-[A-Za-z0-9_-]+$/),
      expiresAt: expect.any(Number),
    });
    expect(ada.sub).not.toBe(inv.sub);
    expect(ada.expiresAt).toBeLessThanOrEqual((inv as unknown as { expiresAt: number }).expiresAt);
    const guest = await connect(hub, ada.token);
    expect(guest.welcome.user).toEqual({ sub: ada.sub, name: 'Ada Lovelace', role: 'viewer' });
    expect(guest.welcome.expiresAt).toBe(ada.expiresAt);

    expect(await guest.request({ type: 'subscribe', room: 'dashboard:42' })).toMatchObject({
      type: 'ack',
      room: 'dashboard:42',
    });
    expect(await guest.request({ type: 'subscribe', room: 'dashboard:43' })).toMatchObject({
      type: 'error',
      code: 'forbidden',
    });
    expect(await guest.request({ type: 'subscribe', room: '$admin' })).toMatchObject({
      type: 'error',
      code: 'forbidden',
    });
    expect(await guest.request({ type: 'publish', room: 'dashboard:42', event: 'e', data: 1 })).toMatchObject({
      type: 'error',
      code: 'forbidden',
    });
    expect(await guest.request({ type: 'admin', action: 'list', what: 'clients' })).toMatchObject({
      type: 'error',
      code: 'forbidden',
    });

    // An editor invite: its guests publish, and the others see who wrote.
    const editorInv = await invite({ rooms: ['dashboard:42'], role: 'editor', ttlMinutes: 5 });
    const bob = await redeem(editorInv.token, 'Bob');
    const editor = await connect(hub, bob.token);
    await editor.request({ type: 'subscribe', room: 'dashboard:42' });
    expect(await editor.request({ type: 'publish', room: 'dashboard:42', event: 'note', data: 'hi' })).toMatchObject({
      type: 'ack',
      seq: 1,
    });
    const note = await guest.waitFor((m) => m.type === 'message' && m.event === 'note');
    expect(note).toMatchObject({ from: { sub: bob.sub, name: 'Bob' } });
  });

  it('count one use per person: past maxUses a redemption is 403 used_up; reconnects are free; the list shows who redeemed', async () => {
    const inv = await invite({ rooms: ['standup'], role: 'viewer', ttlMinutes: 10, maxUses: 2 });
    const ada = await redeem(inv.token, 'Ada');
    const bob = await redeem(inv.token, 'Bob');
    expect(ada.sub).not.toBe(bob.sub);
    const third = await api('POST', '/api/invites/redeem', inv.token, { name: 'Eve' });
    expect(third).toMatchObject({
      status: 403,
      body: { error: 'forbidden', message: 'invite used up', reason: 'used_up' },
    });
    expect(await api('GET', '/api/session', inv.token)).toMatchObject({ status: 403, body: { reason: 'used_up' } });

    // The same browser (or another tab of it) reconnects as often as it likes.
    const tabs = [await connect(hub, ada.token), await connect(hub, ada.token), await connect(hub, bob.token)];
    tabs[0]!.close();
    const again = await connect(hub, ada.token);
    expect(again.welcome.user).toMatchObject({ sub: ada.sub, name: 'Ada' });
    expect(tabs[1]!.closed).toBeUndefined();

    const listed = await api('GET', '/api/invites', adminTok);
    expect(listed.body.items).toEqual([
      expect.objectContaining({ jti: inv.jti, maxUses: 2, uses: 2, rooms: ['standup'], by: 'root' }),
    ]);
    expect(listed.body.items[0].redemptions).toEqual([
      { jti: inv.jti, sub: ada.sub, name: 'Ada', at: expect.any(Number) },
      { jti: inv.jti, sub: bob.sub, name: 'Bob', at: expect.any(Number) },
    ]);
    const audit = await api('GET', '/api/audit?action=redeem', adminTok);
    expect(audit.body.entries.map((e: { sub: string; name: string }) => [e.sub, e.name])).toEqual([
      [bob.sub, 'Bob'],
      [ada.sub, 'Ada'],
    ]);
  });

  it('banning a guest bans that guest only', async () => {
    const inv = await invite({ rooms: ['standup'], role: 'viewer', ttlMinutes: 10 });
    const ada = await redeem(inv.token, 'Ada');
    const bob = await redeem(inv.token, 'Bob');
    const adaWs = await connect(hub, ada.token);
    const bobWs = await connect(hub, bob.token);
    expect(await api('POST', '/api/bans', adminTok, { sub: ada.sub, minutes: 5, reason: 'spam' })).toMatchObject({
      status: 201,
    });
    expect((await adaWs.waitForClose()).code).toBe(4005);
    expect(await expectRefused(hub, ada.token)).toMatchObject({
      status: 403,
      body: { reason: 'banned', until: expect.any(Number), banReason: 'spam' },
    });
    // Bob is unharmed: his connection answers and a new one opens.
    expect(await bobWs.request({ type: 'subscribe', room: 'standup' })).toMatchObject({ type: 'ack' });
    expect((await connect(hub, bob.token)).welcome.user.sub).toBe(bob.sub);
    expect(await redeem(inv.token, 'Carol')).toMatchObject({ sub: expect.stringMatching(/^guest-/) });
  });

  it('stop working when revoked: every redeemed guest gets notice token_rejected {revoked} and 4001, later upgrades and redemptions get 401 revoked', async () => {
    const inv = await invite({ rooms: ['standup'], role: 'viewer', ttlMinutes: 10 });
    const ada = await redeem(inv.token, 'Ada');
    const bob = await redeem(inv.token, 'Bob');
    const guests = [await connect(hub, ada.token), await connect(hub, bob.token)];
    const bystander = await connect(hub, await token(hub, { sub: 'bystander' }));

    expect(await api('DELETE', `/api/invites/${inv.jti}`, adminTok)).toEqual({
      status: 200,
      body: { jti: inv.jti, revoked: true },
    });
    for (const g of guests) {
      expect(await g.waitForClose()).toEqual({ code: 4001, reason: 'token revoked' });
      // The cause as data, the last thing before the close: the text is for people.
      expect(g.received.at(-1)).toEqual({ type: 'notice', event: 'token_rejected', reason: 'revoked' });
    }
    expect(await expectRefused(hub, ada.token)).toMatchObject({
      status: 401,
      body: { error: 'unauthorized', reason: 'revoked' },
    });
    expect(await expectRefused(hub, inv.token)).toMatchObject({
      status: 401,
      body: { error: 'unauthorized', message: 'token revoked', reason: 'revoked' },
    });
    expect(await api('POST', '/api/invites/redeem', inv.token, { name: 'Late' })).toMatchObject({
      status: 401,
      body: { reason: 'revoked' },
    });
    expect(await api('GET', '/api/session', bob.token)).toMatchObject({ status: 401, body: { reason: 'revoked' } });
    expect(await api('DELETE', `/api/invites/${inv.jti}`, adminTok)).toMatchObject({
      status: 404,
      body: { error: 'not_found' },
    });
    expect(bystander.closed).toBeUndefined();
    expect(await bystander.request({ type: 'subscribe', room: 'standup' })).toMatchObject({ type: 'ack' });
    expect((await api('GET', '/api/invites', adminTok)).body.items).toEqual([]);
  });

  it('are the same action over WebSocket: invite and revoke through `admin` messages; $admin sees each redemption', async () => {
    const admin = await connect(hub, adminTok);
    await admin.request({ type: 'subscribe', room: '$admin' });
    const ack = await admin.request({
      type: 'admin',
      action: 'invite',
      rooms: ['dashboard:*'],
      role: 'editor',
      ttlMinutes: 60,
      maxUses: 5,
    });
    expect(ack).toMatchObject({ type: 'ack', role: 'editor', rooms: ['dashboard:*'], maxUses: 5 });
    expect(ack.url).toBe(`https://hub.example.test:7420/#token=${ack.token}`);
    expect(ack.warning).toBeUndefined();
    const dee = await redeem(ack.token as string, 'Dee');
    const seen = await admin.waitFor((m) => m.type === 'message' && m.event === 'invite.redeemed');
    expect((seen as { data: unknown }).data).toEqual({
      jti: ack.jti,
      sub: dee.sub,
      name: 'Dee',
      at: expect.any(Number),
    });
    const listed = await admin.request({ type: 'admin', action: 'list', what: 'invites' });
    expect((listed.items as Array<{ redemptions: unknown[] }>)[0]!.redemptions).toHaveLength(1);
    const guest = await connect(hub, dee.token);
    expect(await guest.request({ type: 'subscribe', room: 'dashboard:9' })).toMatchObject({ type: 'ack' });
    expect(await admin.request({ type: 'admin', action: 'revoke', jti: ack.jti })).toMatchObject({
      type: 'ack',
      revoked: true,
    });
    expect((await guest.waitForClose()).code).toBe(4001);
  });

  it('redemption refuses bad input with a clear answer and keeps serving', async () => {
    const inv = await invite({ rooms: ['standup'], role: 'viewer', ttlMinutes: 10, maxUses: 1 });
    const names: unknown[] = [
      '',
      '   ',
      'n'.repeat(65),
      'a\u0000b',
      'zero\u200bwidth',
      'bidi\u202eevil',
      'line\u2028break',
      '\u3164',
      42,
      null,
      ['Ada'],
    ];
    for (const name of names) {
      const res = await api('POST', '/api/invites/redeem', inv.token, { name });
      expect(res, JSON.stringify(name)).toMatchObject({
        status: 400,
        body: { error: 'bad_request', message: expect.stringContaining('"name"') },
      });
    }
    expect(await api('POST', '/api/invites/redeem', inv.token, {})).toMatchObject({ status: 400 });
    expect(await api('POST', '/api/invites/redeem', inv.token, '[1]')).toMatchObject({
      status: 400,
      body: { error: 'bad_request' },
    });
    expect(await api('POST', '/api/invites/redeem', inv.token, '{"name":')).toMatchObject({
      status: 400,
      body: { error: 'bad_request' },
    });
    expect(await api('POST', '/api/invites/redeem', inv.token, { name: 'x'.repeat(5000) })).toMatchObject({
      status: 413,
      body: { error: 'too_large' },
    });
    expect(await api('POST', '/api/invites/redeem', undefined, { name: 'Ada' })).toMatchObject({
      status: 401,
      body: { error: 'unauthorized', reason: 'invalid' },
    });
    expect(await api('POST', '/api/invites/redeem', 'garbage', { name: 'Ada' })).toMatchObject({
      status: 401,
      body: { reason: 'invalid' },
    });
    const personal = await token(hub, { sub: 'someone', role: 'viewer' });
    expect(await api('POST', '/api/invites/redeem', personal, { name: 'Ada' })).toMatchObject({
      status: 403,
      body: { error: 'forbidden', reason: 'not_allowed' },
    });
    // None of the refusals spent the single use: a 64-character name with accents still redeems it.
    const name = 'Zoë '.padEnd(64, 'é');
    expect((await redeem(inv.token, name)).sub).toMatch(/^guest-/);
    expect(await api('POST', '/api/invites/redeem', inv.token, { name: 'Second' })).toMatchObject({
      status: 403,
      body: { reason: 'used_up' },
    });
  });

  it('redemption: concurrent redemptions never pass maxUses, and one address is rate limited', async () => {
    const inv = await invite({ rooms: ['standup'], role: 'viewer', ttlMinutes: 10, maxUses: 3 });
    const racing = await Promise.all(
      Array.from({ length: 12 }, (_, i) => api('POST', '/api/invites/redeem', inv.token, { name: `P${i}` })),
    );
    expect(racing.filter((r) => r.status === 201)).toHaveLength(3);
    expect(racing.filter((r) => r.status === 403).every((r) => r.body.reason === 'used_up')).toBe(true);
    expect(new Set(racing.filter((r) => r.status === 201).map((r) => r.body.sub)).size).toBe(3);

    const open = await invite({ rooms: ['standup'], role: 'viewer', ttlMinutes: 10 });
    const flood = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        fetch(`${hub.url}/api/invites/redeem`, {
          method: 'POST',
          headers: { authorization: `Bearer ${open.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ name: `Bot ${i}` }),
        }),
      ),
    );
    const limited = flood.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0]!.headers.get('retry-after')).toBe('1');
    expect(await limited[0]!.json()).toMatchObject({ error: 'rate_limited' });
    // The hub goes on serving everyone else.
    const admin = await connect(hub, adminTok);
    expect(await admin.request({ type: 'subscribe', room: 'standup' })).toMatchObject({ type: 'ack' });
  });

  it('refuse bad requests with 400 and keep serving', async () => {
    const bad: unknown[] = [
      { rooms: ['standup'], role: 'admin', ttlMinutes: 10 },
      { rooms: ['standup'], role: 'service', ttlMinutes: 10 },
      { rooms: [], role: 'viewer', ttlMinutes: 10 },
      { rooms: 'standup', role: 'viewer', ttlMinutes: 10 },
      { rooms: ['$admin'], role: 'viewer', ttlMinutes: 10 },
      { rooms: ['bad room'], role: 'viewer', ttlMinutes: 10 },
      { rooms: ['standup'], role: 'viewer' },
      { rooms: ['standup'], role: 'viewer', ttlMinutes: 0 },
      { rooms: ['standup'], role: 'viewer', ttlMinutes: 60 * 24 * 365 },
      { rooms: ['standup'], role: 'viewer', ttlMinutes: 10, maxUses: 0 },
      { rooms: ['standup'], role: 'viewer', ttlMinutes: 10, maxUses: 1.5 },
      { rooms: ['standup'], role: 'viewer', ttlMinutes: 10, name: 'n'.repeat(129) },
      // The console's prefill, left as it was: a bare prefix names no room.
      { rooms: ['dashboard:'], role: 'viewer', ttlMinutes: 10 },
    ];
    for (const body of bad) {
      const res = await api('POST', '/api/invites', adminTok, body);
      expect(res, JSON.stringify(body)).toMatchObject({ status: 400, body: { error: 'bad_request' } });
    }
    const viewer = await token(hub, { sub: 'vic', role: 'viewer' });
    expect(
      await api('POST', '/api/invites', viewer, { rooms: ['standup'], role: 'viewer', ttlMinutes: 10 }),
    ).toMatchObject({ status: 403 });
    expect(await api('DELETE', '/api/invites/whatever', viewer)).toMatchObject({ status: 403 });
    const clients: TestClient[] = [await connect(hub, viewer)];
    expect(await clients[0]!.request({ type: 'subscribe', room: 'standup' })).toMatchObject({ type: 'ack' });
  });

  it('carry warning: loopback when the hub listens on loopback only and has no public URL', async () => {
    const local = await startHub();
    try {
      const res = await fetch(`${local.url}/api/invites`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${await token(local, { sub: 'root', role: 'admin' })}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ rooms: ['standup'], role: 'viewer', ttlMinutes: 10 }),
      });
      expect(res.status).toBe(201);
      const body = await res.json();
      expect(body).toMatchObject({
        warning: 'loopback',
        url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/#token=/),
      });
    } finally {
      await local.close();
    }
  });

  it('answer 409 on a hub that verifies with a public key (it cannot sign), before anything is audited', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const keyed = await startHub({ auth: { publicKey: pem } });
    try {
      const signer = await importPKCS8(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), 'ES256');
      const tok = await new SignJWT({ role: 'admin', rooms: ['*'] })
        .setProtectedHeader({ alg: 'ES256' })
        .setSubject('root')
        .setAudience('insight-hub')
        .setExpirationTime('10m')
        .sign(signer);
      const res = await fetch(`${keyed.url}/api/invites`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tok}`, 'content-type': 'application/json' },
        body: JSON.stringify({ rooms: ['standup'], role: 'viewer', ttlMinutes: 10 }),
      });
      expect(res.status).toBe(409);
      expect((await res.json()).error).toBe('conflict');
      const audit = await (
        await fetch(`${keyed.url}/api/audit`, { headers: { authorization: `Bearer ${tok}` } })
      ).json();
      expect(audit.entries).toEqual([]);
    } finally {
      await keyed.close();
    }
  });
});
