/**
 * `$admin` is for admins only: its subscribe ack is followed by a snapshot, then stats each
 * interval and live events; traffic is sampled only for the inspected room; a non-admin gets
 * forbidden, audited.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Json, RoomMessage, ServerMessage } from '../../hub/protocol/index.js';
import { connect as connectSdk } from '../../hub/client/index.js';
import type { WebSocketConstructor } from '../../hub/client/index.js';
import { hubExtensions } from '../../hub/extensions.js';
import type { Hub } from '../../hub/server/types.js';
import { connect, startHub, token, until, type TestClient } from '../support/hub.js';

let hub: Hub;
let admin: TestClient;

beforeEach(async () => {
  hub = await startHub({}, hubExtensions({ admin: { statsIntervalMs: 200 } }));
  admin = await connect(hub, await token(hub, { sub: 'root', role: 'admin' }));
});

afterEach(async () => {
  await hub.close();
});

const isAdminEvent =
  (event: string, test: (data: any) => boolean = () => true) =>
  (m: ServerMessage): boolean =>
    m.type === 'message' && m.room === '$admin' && m.event === event && test(m.data);

async function adminEvent(event: string, test?: (data: any) => boolean): Promise<RoomMessage & { data: any }> {
  return (await admin.waitFor(isAdminEvent(event, test))) as RoomMessage & { data: any };
}

describe('$admin', () => {
  it('answers the subscribe with an ack, then a snapshot of totals, rooms and clients, as a hub message', async () => {
    const other = await connect(hub, await token(hub, { sub: 'ana', name: 'Ana' }));
    await other.request({ type: 'subscribe', room: 'dashboard:1' });
    const ack = await admin.request({ type: 'subscribe', room: '$admin' });
    expect(ack).toMatchObject({ type: 'ack', room: '$admin', epoch: 'admin', seq: 0, members: [] });
    const snapshot = await adminEvent('snapshot');
    expect(admin.received.indexOf(ack)).toBeLessThan(admin.received.indexOf(snapshot));
    expect(snapshot).toMatchObject({
      type: 'message',
      room: '$admin',
      epoch: 'admin',
      seq: 0,
      from: { sub: '$hub', name: 'Insight Hub' },
    });
    expect(snapshot.data).toMatchObject({
      engine: { name: 'memory', state: 'up' },
      totals: { clients: 2, rooms: 1 },
      rooms: { total: 1, next: null, items: [{ room: 'dashboard:1', clients: 1 }] },
      clients: { total: 2, next: null },
      inspect: [],
    });
    const ana = snapshot.data.clients.items.find((c: { sub: string }) => c.sub === 'ana');
    expect(ana).toMatchObject({
      clientId: other.welcome.clientId,
      name: 'Ana',
      role: 'editor',
      ip: '127.0.0.1',
      rooms: ['dashboard:1'],
      messagesIn: 1,
    });
    expect(ana.messagesOut).toBeGreaterThanOrEqual(2);
    expect(typeof ana.connectedAt).toBe('number');
    expect(ana).toHaveProperty('queuedBytes');
    expect(ana).toHaveProperty('rttMs');
  });

  it('publishes stats every interval: totals, busiest rooms and the process', async () => {
    const pub = await connect(hub, await token(hub, { sub: 'pub' }));
    const sub = await connect(hub, await token(hub, { sub: 'sub' }));
    await sub.request({ type: 'subscribe', room: 'busy' });
    await admin.request({ type: 'subscribe', room: '$admin' });
    const first = await adminEvent('stats');
    expect(first.data).toMatchObject({
      total: { clients: 3, rooms: 1 },
      roomsOmitted: 0,
      engine: { name: 'memory', state: 'up' },
    });
    expect(first.data.process.rssBytes).toBeGreaterThan(0);
    expect(first.data.process.heapUsedBytes).toBeGreaterThan(0);
    expect(typeof first.data.process.cpuPercent).toBe('number');
    expect(Object.keys(first.data.process.eventLoopLagMs).sort()).toEqual(['max', 'mean', 'p99']);
    // Keep publishing until a stats event has seen it: rates are per second over the interval.
    let busy: any;
    // Paced at one publish per 10 ms so the room stays busy across a stats interval (200 ms).
    const deadline = Date.now() + 15_000;
    for (let i = 0; !busy && Date.now() < deadline; i++) {
      await pub.request({ type: 'publish', room: 'busy', event: 'tick', data: i });
      busy = admin
        .messages('$admin')
        .find(
          (m) =>
            m.event === 'stats' && (m.data as any).rooms.some((r: any) => r.room === 'busy' && r.messagesOutPerSec > 0),
        );
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(busy, 'a stats event that saw the busy room').toBeDefined();
    const room = (busy.data as any).rooms.find((r: any) => r.room === 'busy');
    expect(room).toMatchObject({ room: 'busy', clients: 1 });
    expect(room.messagesInPerSec).toBeGreaterThan(0);
    expect(room.bytesOutPerSec).toBeGreaterThan(0);
    expect((busy.data as any).total.messagesInPerSec).toBeGreaterThan(0);
  });

  it('reports clients connecting and leaving (with code and reason), rooms created and emptied, and audit entries', async () => {
    await admin.request({ type: 'subscribe', room: '$admin' });
    await adminEvent('snapshot');
    const cleo = await connect(hub, await token(hub, { sub: 'cleo' }));
    expect((await adminEvent('client.connected', (d) => d.sub === 'cleo')).data).toMatchObject({
      clientId: cleo.welcome.clientId,
      role: 'editor',
    });
    await cleo.request({ type: 'subscribe', room: 'team' });
    await adminEvent('room.created', (d) => d.room === 'team');
    await cleo.request({ type: 'unsubscribe', room: 'team' });
    await adminEvent('room.emptied', (d) => d.room === 'team');
    cleo.ws.close(1000, 'see you');
    expect((await adminEvent('client.disconnected', (d) => d.sub === 'cleo')).data).toEqual({
      clientId: cleo.welcome.clientId,
      sub: 'cleo',
      name: 'cleo',
      code: 1000,
      reason: 'see you',
    });

    const dan = await connect(hub, await token(hub, { sub: 'dan' }));
    await admin.request({ type: 'admin', action: 'kick', clientId: dan.welcome.clientId, reason: 'testing' });
    expect((await adminEvent('audit', (d) => d.action === 'kick')).data).toMatchObject({
      kind: 'action',
      sub: 'root',
      details: { reason: 'testing' },
    });
    expect((await adminEvent('client.disconnected', (d) => d.sub === 'dan')).data).toMatchObject({
      code: 4004,
      reason: 'testing',
    });
    // Hub rooms are not reported as rooms.
    expect(admin.messages('$admin').some((m) => (m.data as any)?.room === '$admin')).toBe(false);
  });

  it('samples traffic of the inspected room only, cuts payloads, and stops when turned off', async () => {
    await admin.request({ type: 'subscribe', room: '$admin' });
    const pub = await connect(hub, await token(hub, { sub: 'pub' }));
    const reader = await connect(hub, await token(hub, { sub: 'reader' }));
    await reader.request({ type: 'subscribe', room: 'r1' });
    await reader.request({ type: 'subscribe', room: 'r2' });
    for (let i = 1; i <= 12; i++) await pub.request({ type: 'publish', room: 'r1', event: 'earlier', data: { i } });
    const on = await admin.request({ type: 'admin', action: 'inspect', room: 'r1', on: true });
    expect(on).toMatchObject({ type: 'ack', inspect: ['r1'] });
    // The most recent envelopes from history come with the ack.
    expect((on.recent as Array<{ seq: number; preview: string }>).map((e) => [e.seq, e.preview])).toEqual(
      Array.from({ length: 10 }, (_, k) => [k + 3, JSON.stringify({ i: k + 3 })]),
    );

    await pub.request({ type: 'publish', room: 'r2', event: 'other', data: 'not inspected' });
    await pub.request({ type: 'publish', room: 'r1', event: 'big', data: { text: 'x'.repeat(2000) } });
    const traffic = await adminEvent('traffic');
    expect(traffic.data).toMatchObject({
      room: 'r1',
      seq: 13,
      event: 'big',
      from: { sub: 'pub' },
      recipients: 1,
      truncated: true,
      bytes: 2011,
    });
    expect(traffic.data.preview).toBe(JSON.stringify({ text: 'x'.repeat(2000) }).slice(0, 300));
    expect(admin.messages('$admin').filter((m) => m.event === 'traffic')).toHaveLength(1);

    await admin.request({ type: 'admin', action: 'inspect', on: false });
    await pub.request({ type: 'publish', room: 'r1', event: 'after-off', data: 1 });
    await reader.waitFor((m) => m.type === 'message' && m.event === 'after-off');
    await admin.request({ type: 'admin', action: 'inspect', room: 'r2', on: true });
    await pub.request({ type: 'publish', room: 'r2', event: 'marker', data: 2 });
    await adminEvent('traffic', (d) => d.event === 'marker');
    expect(
      admin
        .messages('$admin')
        .filter((m) => m.event === 'traffic')
        .map((m) => (m.data as any).event),
    ).toEqual(['big', 'marker']);
    expect(await admin.request({ type: 'admin', action: 'inspect', room: '$admin', on: true })).toMatchObject({
      type: 'error',
      code: 'bad_request',
    });
    expect(await admin.request({ type: 'admin', action: 'inspect', room: 'r1', on: 'yes please' })).toMatchObject({
      type: 'error',
      code: 'bad_request',
    });
  });

  it('refuses non-admins with forbidden, audits it, and keeps the feed going for admins', async () => {
    await admin.request({ type: 'subscribe', room: '$admin' });
    const viewer = await connect(hub, await token(hub, { sub: 'vic', role: 'viewer' }));
    expect(await viewer.request({ type: 'subscribe', room: '$admin' })).toMatchObject({
      type: 'error',
      code: 'forbidden',
    });
    expect((await adminEvent('audit', (d) => d.kind === 'denied')).data).toMatchObject({
      action: 'subscribe',
      sub: 'vic',
      via: 'ws',
    });
    for (const action of ['kick', 'ban', 'unban', 'invite', 'revoke', 'inspect', 'list']) {
      expect(await viewer.request({ type: 'admin', action, sub: 'root' })).toMatchObject({
        type: 'error',
        code: 'forbidden',
      });
    }
    await until(
      () => admin.messages('$admin').filter((m) => m.event === 'audit' && (m.data as any).sub === 'vic').length === 8,
    );
    expect(viewer.messages('$admin')).toEqual([]);
    expect(viewer.received.some((m) => m.type === 'message')).toBe(false);
    const late = await connect(hub, await token(hub, { sub: 'late' }));
    await adminEvent('client.connected', (d) => d.clientId === late.welcome.clientId);
  });

  it('reaches the SDK: $admin events arrive through room("$admin").on(event)', async () => {
    const seen: Array<{ event: string; data: Json }> = [];
    const client = connectSdk({
      url: hub.wsUrl,
      getToken: () => token(hub, { sub: 'console', role: 'admin' }),
      WebSocket: WebSocket as unknown as WebSocketConstructor,
    });
    try {
      const room = client.room('$admin');
      room.on('*', (data, msg) => seen.push({ event: msg.event, data }));
      await until(() => seen.some((e) => e.event === 'snapshot'), 5000, 'the snapshot');
      await until(() => seen.some((e) => e.event === 'stats'), 5000, 'a stats event');
      const guest = await connect(hub, await token(hub, { sub: 'guest' }));
      await until(
        () => seen.some((e) => e.event === 'client.connected' && (e.data as any).clientId === guest.welcome.clientId),
        5000,
        'client.connected',
      );
    } finally {
      client.close();
    }
  });
});
