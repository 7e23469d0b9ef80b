/**
 * The audit log holds every admin action, denial and refused upgrade, in order and never a token,
 * and is written before the action takes effect (no entry, no action); it rotates and pages across
 * restarts.
 */
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../hub/admin/index.js';
import { hubExtensions } from '../../hub/extensions.js';
import type { Hub } from '../../hub/server/types.js';
import { connect, expectRefused, startHub, tempDir, token, apiCall } from '../support/hub.js';

const hubs: Hub[] = [];

afterEach(async () => {
  for (const h of hubs.splice(0)) await h.close();
});

async function hub(options: Parameters<typeof startHub>[0] = {}): Promise<Hub> {
  const h = await startHub(options);
  hubs.push(h);
  return h;
}

const api = apiCall;

function fileEntries(dataDir: string, name = 'audit.log'): AuditEntry[] {
  return readFileSync(join(dataDir, name), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as AuditEntry);
}

/** Every entry, newest first, by walking GET /api/audit page by page. */
async function walkAudit(h: Hub, tok: string, limit: number, filter = ''): Promise<AuditEntry[]> {
  const all: AuditEntry[] = [];
  let before: number | null | undefined;
  do {
    const q = `limit=${limit}${before ? `&before=${before}` : ''}${filter}`;
    const page = await api(h, 'GET', `/api/audit?${q}`, tok);
    expect(page.status).toBe(200);
    expect(page.body.entries.length).toBeLessThanOrEqual(limit);
    all.push(...page.body.entries);
    before = page.body.next;
  } while (before);
  return all;
}

describe('audit log', () => {
  it('has every action, denial and refused upgrade in order, never a token, and pages newest first', async () => {
    const dataDir = tempDir();
    const h = await hub({ dataDir });
    const adminTok = await token(h, { sub: 'root', name: 'Root', role: 'admin' });
    const viewerTok = await token(h, { sub: 'vic', role: 'viewer' });
    const tampered = (await token(h, { sub: 'old', role: 'viewer' })).slice(0, -4) + 'AAAA';
    const admin = await connect(h, adminTok);
    const bob = await connect(h, await token(h, { sub: 'bob' }));
    const vic = await connect(h, viewerTok);

    await admin.request({ type: 'admin', action: 'kick', clientId: bob.welcome.clientId, reason: 'r1' });
    await admin.request({ type: 'admin', action: 'ban', sub: 'mallory', minutes: 10, reason: 'r2' });
    await admin.request({ type: 'admin', action: 'unban', sub: 'mallory' });
    const inv = await admin.request({
      type: 'admin',
      action: 'invite',
      rooms: ['standup'],
      role: 'viewer',
      ttlMinutes: 5,
    });
    await admin.request({ type: 'admin', action: 'revoke', jti: inv.jti });
    await admin.request({ type: 'admin', action: 'inspect', room: 'standup', on: true });
    expect(await vic.request({ type: 'admin', action: 'kick', sub: 'root' })).toMatchObject({
      type: 'error',
      code: 'forbidden',
    });
    expect(await vic.request({ type: 'subscribe', room: '$admin' })).toMatchObject({
      type: 'error',
      code: 'forbidden',
    });
    expect((await api(h, 'GET', '/api/clients', viewerTok)).status).toBe(403);
    expect((await api(h, 'GET', '/api/clients')).status).toBe(401);
    expect((await expectRefused(h, inv.token as string)).status).toBe(401);
    expect(
      (await expectRefused(h, await token(h, { sub: 'eve' }), { origin: 'https://allowed.example.evil.com' })).status,
    ).toBe(403);
    expect((await expectRefused(h, tampered)).status).toBe(401);

    const entries = fileEntries(dataDir);
    expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));
    expect(entries.map((e) => `${e.kind}:${e.action}:${e.via}`)).toEqual([
      'action:kick:ws',
      'action:ban:ws',
      'action:unban:ws',
      'action:invite:ws',
      'action:revoke:ws',
      'action:inspect:ws',
      'denied:kick:ws',
      'denied:subscribe:ws',
      'denied:list:rest',
      'denied:list:rest',
      'refused:upgrade:upgrade',
      'refused:upgrade:upgrade',
      'refused:upgrade:upgrade',
    ]);
    expect(entries[0]).toMatchObject({
      sub: 'root',
      name: 'Root',
      ip: '127.0.0.1',
      clientId: admin.welcome.clientId,
      details: { target: { clientId: bob.welcome.clientId, sub: 'bob' }, reason: 'r1' },
    });
    expect(entries[6]).toMatchObject({
      sub: 'vic',
      clientId: vic.welcome.clientId,
      details: { message: 'admin role required' },
    });
    expect(entries[8]).toMatchObject({ sub: 'vic', details: { message: 'admin role required' } });
    expect(entries[9]!.sub).toBeUndefined();
    expect(entries[10]).toMatchObject({ ip: '127.0.0.1', details: { status: 401, reason: 'token revoked' } });
    expect(entries[10]!.sub).toBe(inv.sub);
    expect(entries[11]).toMatchObject({
      details: { status: 403, reason: 'origin not allowed', origin: 'https://allowed.example.evil.com' },
    });
    expect(entries[12]).toMatchObject({
      details: { status: 401, code: 'unauthorized', reason: 'token signature invalid' },
    });
    expect(entries[12]!.sub).toBeUndefined();

    const text = readFileSync(join(dataDir, 'audit.log'), 'utf8');
    for (const secret of [adminTok, viewerTok, tampered, inv.token as string]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(secret.split('.')[2]);
    }
    expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);

    const paged = await walkAudit(h, adminTok, 4);
    expect(paged).toEqual([...entries].reverse());
    const denied = await walkAudit(h, adminTok, 2, '&kind=denied');
    expect(denied.map((e) => e.seq)).toEqual([10, 9, 8, 7]);
    expect((await walkAudit(h, adminTok, 50, '&sub=vic')).map((e) => e.seq)).toEqual([9, 8, 7]);
    expect((await api(h, 'GET', '/api/audit?limit=501', adminTok)).status).toBe(400);
    expect((await api(h, 'GET', '/api/audit?kind=other', adminTok)).status).toBe(400);
    expect((await api(h, 'GET', '/api/audit?before=x', adminTok)).status).toBe(400);
  });

  it('lists the audit log over WebSocket too, filtered by the entry action with filterAction', async () => {
    const h = await hub();
    const adminTok = await token(h, { sub: 'root', role: 'admin' });
    const admin = await connect(h, adminTok);
    await admin.request({ type: 'admin', action: 'ban', sub: 'mallory', minutes: 10, reason: 'r' });
    await admin.request({ type: 'admin', action: 'unban', sub: 'mallory' });
    await admin.request({ type: 'admin', action: 'inspect', room: 'standup', on: true });

    const all = await admin.request({ type: 'admin', action: 'list', what: 'audit' });
    expect(all).toMatchObject({ type: 'ack' });
    expect((all.entries as AuditEntry[]).map((e) => e.action)).toEqual(['inspect', 'unban', 'ban']);
    const bans = await admin.request({ type: 'admin', action: 'list', what: 'audit', filterAction: 'ban' });
    expect((bans.entries as AuditEntry[]).map((e) => e.action)).toEqual(['ban']);
    // REST keeps `?action=` as the filter's name, and answers the same.
    expect((await api(h, 'GET', '/api/audit?action=ban', adminTok)).body.entries).toEqual(bans.entries);
    expect(
      (await api(h, 'GET', '/api/audit?filterAction=unban', adminTok)).body.entries.map((e: AuditEntry) => e.action),
    ).toEqual(['unban']);
    admin.close();
  });

  it('holds the entry before the action takes effect: the kicked client closes after it is on disk', async () => {
    const dataDir = tempDir();
    const h = await hub({ dataDir });
    const admin = await connect(h, await token(h, { sub: 'root', role: 'admin' }));
    const bob = await connect(h, await token(h, { sub: 'bob' }));
    const seenAtClose = new Promise<AuditEntry[]>((resolve) =>
      bob.ws.once('close', () => resolve(fileEntries(dataDir))),
    );
    await admin.request({ type: 'admin', action: 'kick', sub: 'bob', reason: 'audit first' });
    const entries = await seenAtClose;
    expect(entries.at(-1)).toMatchObject({
      kind: 'action',
      action: 'kick',
      details: { target: { sub: 'bob' }, reason: 'audit first' },
    });
  });

  it('refuses the action when the entry cannot be written, and the hub carries on', async () => {
    const dataDir = tempDir();
    mkdirSync(join(dataDir, 'audit.log')); // a directory where the log file should be: every write fails
    const h = await hub({ dataDir });
    const tok = await token(h, { sub: 'root', role: 'admin' });
    const bob = await connect(h, await token(h, { sub: 'bob' }));
    const kick = await api(h, 'DELETE', `/api/clients/${bob.welcome.clientId}`, tok);
    expect(kick).toEqual({
      status: 500,
      body: { error: 'internal', message: 'audit log unavailable: action not taken' },
    });
    const ban = await api(h, 'POST', '/api/bans', tok, { sub: 'bob', minutes: 5 });
    expect(ban.status).toBe(500);
    expect((await api(h, 'GET', '/api/bans', tok)).body.items).toEqual([]);
    expect(bob.closed).toBeUndefined();
    expect(await bob.request({ type: 'subscribe', room: 'still-here' })).toMatchObject({ type: 'ack' });
    // Refusals that cannot be logged still refuse.
    expect((await expectRefused(h, 'not-a-token')).status).toBe(401);
    const again = await connect(h, await token(h, { sub: 'bob' }));
    expect(again.welcome.user.sub).toBe('bob');
  });

  it('rotates by size, pages across the rotated files, and keeps numbering after a restart', async () => {
    const dataDir = tempDir();
    const first = await hub({ dataDir, auditMaxBytes: 1500 });
    const tok = await token(first, { sub: 'root', role: 'admin' });
    const admin = await connect(first, tok);
    for (let i = 0; i < 20; i++) {
      expect(
        await admin.request({ type: 'admin', action: 'inspect', room: `room-${i}`, on: i % 2 === 0 }),
      ).toMatchObject({ type: 'ack' });
    }
    expect(existsSync(join(dataDir, 'audit.log.1'))).toBe(true);
    expect(statSync(join(dataDir, 'audit.log')).size).toBeLessThanOrEqual(1500);
    const rotated = [
      ...fileEntries(dataDir, 'audit.log.2'),
      ...fileEntries(dataDir, 'audit.log.1'),
      ...fileEntries(dataDir),
    ];
    expect(rotated.map((e) => e.seq)).toEqual(rotated.map((_, i) => i + 1));
    const paged = await walkAudit(first, tok, 3);
    expect(paged.map((e) => e.seq)).toEqual(Array.from({ length: 20 }, (_, i) => 20 - i));
    expect(paged.map((e) => e.details && 'target' in e.details && e.details.target)).toEqual(
      Array.from({ length: 20 }, (_, i) => ({ room: `room-${19 - i}` })),
    );

    admin.close();
    await first.close();
    hubs.splice(hubs.indexOf(first), 1);
    const second = await hub({ dataDir, auditMaxBytes: 1500 });
    const again = await connect(second, tok);
    await again.request({ type: 'admin', action: 'inspect', on: false });
    const newest = await api(second, 'GET', '/api/audit?limit=1', tok);
    expect(newest.body.entries[0]).toMatchObject({
      seq: 21,
      action: 'inspect',
      details: { target: { room: '*' }, on: false },
    });
    expect(newest.body.next).toBe(21);
  });

  it('summarizes a flood of refused upgrades instead of writing each one past the cap', async () => {
    const dataDir = tempDir();
    const h = await startHub({ dataDir }, hubExtensions({ admin: { auditRefusalsPerSecond: 3 } }));
    hubs.push(h);
    // Twelve addresses: one address repeating one refusal is written once (see hub-session tests).
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => expectRefused(h, 'garbage', { localAddress: `127.0.0.${i + 2}` })),
    );
    expect(results.every((r) => r.status === 401)).toBe(true);
    const tok = await token(h, { sub: 'root', role: 'admin' });
    // A summary is written when its second is over; the refusals may straddle two seconds, so wait
    // until every refusal is accounted for (written or summarized), not just for the first summary.
    const tally = (entries: AuditEntry[]) => {
      const refused = entries.filter((e) => e.action === 'upgrade').length;
      const summaries = entries.filter((e) => e.action === 'suppressed');
      const suppressed = summaries.reduce((n, e) => n + (e.details && 'count' in e.details ? e.details.count : 0), 0);
      return { total: refused + suppressed, summaries: summaries.length };
    };
    let seen = tally([]);
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      seen = tally(fileEntries(dataDir));
      if (seen.total >= 12) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(seen.total).toBe(12);
    expect(seen.summaries).toBeGreaterThan(0);
    expect((await api(h, 'GET', '/api/audit?limit=50', tok)).status).toBe(200);
  });
});
