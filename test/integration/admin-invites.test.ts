/** Invites end to end: a room-scoped token that joins only its rooms, runs out, and can be revoked. */
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

async function api(method: string, path: string, tok: string | undefined, body?: unknown): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = {};
  if (tok) headers.authorization = `Bearer ${tok}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(hub.url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

async function invite(fields: Record<string, unknown>): Promise<{ token: string; url: string; jti: string; sub: string }> {
  const res = await api('POST', '/api/invites', adminTok, fields);
  expect(res.status).toBe(201);
  return res.body;
}

describe('invites', () => {
  it('mint a room-scoped token whose join URL carries it in the fragment, and it joins only its rooms', async () => {
    const inv = await invite({ rooms: ['dashboard:42'], role: 'viewer', ttlMinutes: 30, name: 'Visiting analyst' });
    expect(inv.url).toBe(`https://hub.example.test:7420/#token=${inv.token}`);
    const guest = await connect(hub, inv.token);
    expect(guest.welcome.user).toEqual({ sub: inv.sub, name: 'Visiting analyst', role: 'viewer' });
    expect(guest.welcome.expiresAt).toBeLessThanOrEqual(Date.now() + 30 * 60_000 + 1000);

    expect(await guest.request({ type: 'subscribe', room: 'dashboard:42' })).toMatchObject({ type: 'ack', room: 'dashboard:42' });
    expect(await guest.request({ type: 'subscribe', room: 'dashboard:43' })).toMatchObject({ type: 'error', code: 'forbidden' });
    expect(await guest.request({ type: 'subscribe', room: '$admin' })).toMatchObject({ type: 'error', code: 'forbidden' });
    expect(await guest.request({ type: 'publish', room: 'dashboard:42', event: 'e', data: 1 })).toMatchObject({ type: 'error', code: 'forbidden' });
    expect(await guest.request({ type: 'admin', action: 'list', what: 'clients' })).toMatchObject({ type: 'error', code: 'forbidden' });

    // Members of the room see the guest's messages as usual once it may publish (an editor invite).
    const editorInv = await invite({ rooms: ['dashboard:42'], role: 'editor', ttlMinutes: 5 });
    const editor = await connect(hub, editorInv.token);
    await editor.request({ type: 'subscribe', room: 'dashboard:42' });
    expect(await editor.request({ type: 'publish', room: 'dashboard:42', event: 'note', data: 'hi' })).toMatchObject({ type: 'ack', seq: 1 });
    await guest.waitFor((m) => m.type === 'message' && m.event === 'note');
  });

  it('stop working once their uses are spent: a new address is refused with 403 and audited; reconnects keep their use', async () => {
    const inv = await invite({ rooms: ['standup'], role: 'viewer', ttlMinutes: 10, maxUses: 2 });
    const first = await connect(hub, inv.token, { localAddress: '127.0.0.1' });
    const firstAgain = await connect(hub, inv.token, { localAddress: '127.0.0.1' });
    const second = await connect(hub, inv.token, { localAddress: '127.0.0.2' });
    const refused = await expectRefused(hub, inv.token, { localAddress: '127.0.0.3' });
    expect(refused).toMatchObject({ status: 403, body: { error: 'forbidden', message: 'invite used up' } });
    expect(first.closed).toBeUndefined();
    expect(firstAgain.closed).toBeUndefined();
    expect(second.closed).toBeUndefined();
    // The first address still holds its use after the invite is spent.
    const firstLater = await connect(hub, inv.token, { localAddress: '127.0.0.1' });
    expect(firstLater.closed).toBeUndefined();

    const listed = await api('GET', '/api/invites', adminTok);
    expect(listed.body.items).toEqual([expect.objectContaining({ jti: inv.jti, maxUses: 2, uses: 3, rooms: ['standup'], by: 'root' })]);
    const audit = await api('GET', '/api/audit?kind=refused', adminTok);
    expect(audit.body.entries[0]).toMatchObject({ kind: 'refused', action: 'upgrade', sub: inv.sub, ip: '127.0.0.3', details: { status: 403, reason: 'invite used up' } });
  });

  it('stop working when revoked: live guests are closed with 4001, new upgrades get 401', async () => {
    const inv = await invite({ rooms: ['standup'], role: 'viewer', ttlMinutes: 10 });
    const guest = await connect(hub, inv.token);
    const bystander = await connect(hub, await token(hub, { sub: 'bystander' }));

    expect(await api('DELETE', `/api/invites/${inv.jti}`, adminTok)).toEqual({ status: 200, body: { jti: inv.jti, revoked: true } });
    expect(await guest.waitForClose()).toEqual({ code: 4001, reason: 'token revoked' });
    expect(await expectRefused(hub, inv.token)).toMatchObject({ status: 401, body: { error: 'unauthorized', message: 'token revoked' } });
    expect(await api('DELETE', `/api/invites/${inv.jti}`, adminTok)).toMatchObject({ status: 404, body: { error: 'not_found' } });
    expect(bystander.closed).toBeUndefined();
    expect((await api('GET', '/api/invites', adminTok)).body.items).toEqual([]);
  });

  it('are the same action over WebSocket: invite and revoke through `admin` messages', async () => {
    const admin = await connect(hub, adminTok);
    const ack = await admin.request({ type: 'admin', action: 'invite', rooms: ['dashboard:*'], role: 'editor', ttlMinutes: 60, maxUses: 5 });
    expect(ack).toMatchObject({ type: 'ack', role: 'editor', rooms: ['dashboard:*'], maxUses: 5 });
    expect(ack.url).toBe(`https://hub.example.test:7420/#token=${ack.token}`);
    const guest = await connect(hub, ack.token as string);
    expect(await guest.request({ type: 'subscribe', room: 'dashboard:9' })).toMatchObject({ type: 'ack' });
    expect(await admin.request({ type: 'admin', action: 'revoke', jti: ack.jti })).toMatchObject({ type: 'ack', revoked: true });
    expect((await guest.waitForClose()).code).toBe(4001);
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
    ];
    for (const body of bad) {
      const res = await api('POST', '/api/invites', adminTok, body);
      expect(res, JSON.stringify(body)).toMatchObject({ status: 400, body: { error: 'bad_request' } });
    }
    const viewer = await token(hub, { sub: 'vic', role: 'viewer' });
    expect(await api('POST', '/api/invites', viewer, { rooms: ['standup'], role: 'viewer', ttlMinutes: 10 })).toMatchObject({ status: 403 });
    expect(await api('DELETE', '/api/invites/whatever', viewer)).toMatchObject({ status: 403 });
    const clients: TestClient[] = [await connect(hub, viewer)];
    expect(await clients[0]!.request({ type: 'subscribe', room: 'standup' })).toMatchObject({ type: 'ack' });
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
      const audit = await (await fetch(`${keyed.url}/api/audit`, { headers: { authorization: `Bearer ${tok}` } })).json();
      expect(audit.entries).toEqual([]);
    } finally {
      await keyed.close();
    }
  });
});
