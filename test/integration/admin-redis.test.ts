/** Admin actions across two hubs sharing one Redis: kick, ban, invite uses and revoke reach both. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../hub/server/types.js';
import { connect, expectRefused, startHub, token } from '../support/hub.js';
import { startRedisServer, type RedisServerHandle } from '../support/redis-server.js';

let redis: RedisServerHandle;
let a: Hub;
let b: Hub;
let adminTok: string;

beforeAll(async () => {
  redis = await startRedisServer();
  a = await startHub({ redis: redis.url });
  b = await startHub({ redis: redis.url });
  adminTok = await token(a, { sub: 'root', role: 'admin' });
}, 30_000);

afterAll(async () => {
  await a?.close();
  await b?.close();
  await redis?.stop();
});

async function post(h: Hub, path: string, body: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(h.url + path, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminTok}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

describe('admin across hubs (Redis engine)', () => {
  it('kicks a client connected to the other hub, by clientId and by sub', async () => {
    const admin = await connect(a, adminTok);
    const onB = await connect(b, await token(b, { sub: 'remote' }));
    const ack = await admin.request({
      type: 'admin',
      action: 'kick',
      clientId: onB.welcome.clientId,
      reason: 'from hub a',
    });
    expect(ack).toMatchObject({ type: 'ack', kicked: 0 });
    expect(await onB.waitForClose()).toEqual({ code: 4004, reason: 'from hub a' });

    const twice = [
      await connect(a, await token(a, { sub: 'both' })),
      await connect(b, await token(b, { sub: 'both' })),
    ];
    expect(await admin.request({ type: 'admin', action: 'kick', sub: 'both', reason: 'everywhere' })).toMatchObject({
      kicked: 1,
    });
    for (const c of twice) expect(await c.waitForClose()).toEqual({ code: 4004, reason: 'everywhere' });
  });

  it('bans on one hub: live connections on the other close 4005 and its upgrades get 403', async () => {
    const tok = await token(b, { sub: 'banned-everywhere' });
    const onB = await connect(b, tok);
    expect((await post(a, '/api/bans', { sub: 'banned-everywhere', minutes: 10, reason: 'shared ban' })).status).toBe(
      201,
    );
    expect(await onB.waitForClose()).toEqual({ code: 4005, reason: 'shared ban' });
    expect((await expectRefused(b, tok)).status).toBe(403);
    const bans = await (await fetch(`${b.url}/api/bans`, { headers: { authorization: `Bearer ${adminTok}` } })).json();
    expect(bans.items.map((x: { sub: string }) => x.sub)).toContain('banned-everywhere');
  });

  it('counts redemptions across hubs, and a revoke on one hub ends every redeemed guest on the others', async () => {
    const limited = (await post(a, '/api/invites', { rooms: ['standup'], role: 'viewer', ttlMinutes: 10, maxUses: 2 }))
      .body;
    const redeem = (h: Hub, tok: string, name: string) =>
      fetch(`${h.url}/api/invites/redeem`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tok}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name }),
      });
    // One use per person, wherever they redeem: the count lives in Redis.
    const ada = await (await redeem(a, limited.token, 'Ada')).json();
    const bob = await (await redeem(b, limited.token, 'Bob')).json();
    const third = await redeem(b, limited.token, 'Eve');
    expect(third.status).toBe(403);
    expect(await third.json()).toMatchObject({ reason: 'used_up' });
    // A personal token redeemed on hub a opens sessions on hub b as often as it likes.
    await connect(b, ada.token);
    await connect(b, ada.token);
    const listed = await (
      await fetch(`${b.url}/api/invites`, { headers: { authorization: `Bearer ${adminTok}` } })
    ).json();
    const item = listed.items.find((i: { jti: string }) => i.jti === limited.jti);
    expect(item.redemptions.map((r: { name: string }) => r.name)).toEqual(['Ada', 'Bob']);

    const open = (await post(a, '/api/invites', { rooms: ['standup'], role: 'viewer', ttlMinutes: 10 })).body;
    const carol = await (await redeem(b, open.token, 'Carol')).json();
    const guestOnB = await connect(b, carol.token);
    const res = await fetch(`${a.url}/api/invites/${open.jti}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${adminTok}` },
    });
    expect(res.status).toBe(200);
    expect(await guestOnB.waitForClose()).toEqual({ code: 4001, reason: 'token revoked' });
    expect(guestOnB.received.at(-1)).toEqual({ type: 'notice', event: 'token_rejected', reason: 'revoked' });
    expect(await expectRefused(b, carol.token)).toMatchObject({ status: 401, body: { reason: 'revoked' } });
    expect((await expectRefused(b, open.token)).status).toBe(401);
    expect(bob.sub).not.toBe(ada.sub);
  });

  it("lists every hub in the $admin stats and the other hub's clients, marked with their node", async () => {
    const nodeOf = async (h: Hub): Promise<{ node: string; startedAt: number }> => {
      const watcher = await connect(h, adminTok);
      await watcher.request({ type: 'subscribe', room: '$admin' });
      const snap = (await watcher.waitFor((m) => m.type === 'message' && m.event === 'snapshot')) as { data?: unknown };
      watcher.close();
      return snap.data as { node: string; startedAt: number };
    };
    const [snapA, snapB] = [await nodeOf(a), await nodeOf(b)];
    expect(snapA.startedAt).toEqual(expect.any(Number));
    expect(snapB.node).not.toBe(snapA.node);

    const onB = await connect(b, await token(b, { sub: 'far-away', name: 'Far Away' }));
    const admin = await connect(a, adminTok);
    await admin.request({ type: 'subscribe', room: '$admin' });
    type Line = { node: string; clients: number; self: boolean; startedAt: number };
    const stats = (await admin.waitFor(
      (m) =>
        m.type === 'message' &&
        m.event === 'stats' &&
        ((m.data as { hubs?: Line[] }).hubs ?? []).some((h) => h.node === snapB.node && h.clients >= 1),
      10_000,
    )) as { data?: unknown };
    const data = stats.data as { startedAt: number; hubs: Line[]; cluster: { hubs: number; clients: number } };
    expect(data.startedAt).toBe(snapA.startedAt);
    expect(data.hubs[0]).toMatchObject({ node: snapA.node, self: true });
    expect(data.hubs.find((h) => h.node === snapB.node)).toMatchObject({ self: false, startedAt: snapB.startedAt });
    expect(data.cluster.hubs).toBeGreaterThanOrEqual(2);

    // The client summaries are written every 2 s: ask until hub b's is there.
    const find = async (): Promise<{ items: Array<Record<string, unknown>>; total: number }> =>
      (await fetch(`${a.url}/api/clients?user=far-away`, { headers: { authorization: `Bearer ${adminTok}` } })).json();
    let page = await find();
    for (let i = 0; i < 50 && page.items.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 200));
      page = await find();
    }
    expect(page.total).toBe(1);
    expect(page.items[0]).toMatchObject({
      clientId: onB.welcome.clientId,
      sub: 'far-away',
      name: 'Far Away',
      node: snapB.node,
    });
    const local = await (
      await fetch(`${a.url}/api/clients?user=root`, { headers: { authorization: `Bearer ${adminTok}` } })
    ).json();
    expect(local.items[0]).toMatchObject({ sub: 'root', node: snapA.node });
  });

  it("pages through this hub's clients, then the other hub's, with one filter", async () => {
    for (let i = 0; i < 2; i++) await connect(a, await token(a, { sub: 'pager' }));
    const remote = [];
    for (let i = 0; i < 3; i++) remote.push((await connect(b, await token(b, { sub: 'pager' }))).welcome.clientId);
    const admin = await connect(a, adminTok);
    const list = async (cursor?: string) =>
      (await admin.request({
        type: 'admin',
        action: 'list',
        what: 'clients',
        user: 'pager',
        limit: 2,
        ...(cursor ? { cursor } : {}),
      })) as unknown as {
        items: Array<{ clientId: string; node: string }>;
        total: number;
        next: string | null;
      };
    let first = await list();
    for (let i = 0; i < 50 && first.total < 5; i++) {
      await new Promise((r) => setTimeout(r, 200));
      first = await list();
    }
    expect(first.total).toBe(5);
    const nodeA = first.items[0]!.node;
    expect(first.items.map((c) => c.node)).toEqual([nodeA, nodeA]);
    const seen = [...first.items];
    for (let cursor = first.next; cursor !== null;) {
      const page = await list(cursor);
      expect(page.total).toBe(5);
      seen.push(...page.items);
      cursor = page.next;
    }
    expect(seen).toHaveLength(5);
    expect(
      seen
        .slice(2)
        .map((c) => c.clientId)
        .sort(),
    ).toEqual([...remote].sort());
    expect(new Set(seen.slice(2).map((c) => c.node)).size).toBe(1);
    expect(seen[2]!.node).not.toBe(nodeA);
  });
});
