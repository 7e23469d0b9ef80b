/**
 * Invites under bad or racing input: a bad redemption or request gets a clear 4xx and the hub keeps
 * serving, concurrent redemptions never pass maxUses, an invite warns when it only works on
 * loopback, and a hub that cannot sign answers 409 before auditing anything.
 */
import { generateKeyPairSync } from 'node:crypto';
import { SignJWT, importPKCS8 } from 'jose';
import { describe, expect, it } from 'vitest';
import { connect, startHub, token, type TestClient } from '../support/hub.js';
import type { Hub } from '../../hub/server/types.js';
import { useInviteHub } from '../support/invite-hub.js';

let hub: Hub;
let adminTok: string;
const { api, invite, redeem } = useInviteHub((started, admin) => ((hub = started), (adminTok = admin)));

describe('invites', () => {
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
