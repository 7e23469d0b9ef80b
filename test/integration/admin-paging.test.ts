/**
 * Paging and filters of the client and room lists with 5,000 clients connected over real sockets
 * (plain `ws` clients: about 10,000 descriptors with the hub's side, within `ulimit -n`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ClientSummary, RoomSummary } from '../../hub/admin/index.js';
import { hubExtensions } from '../../hub/extensions.js';
import type { Hub } from '../../hub/server/types.js';
import { connect, startHub, token, until, type TestClient } from '../support/hub.js';

const CLIENTS = 5000;
const USERS = 100;
const ROOMS = 50;
const BATCH = 250;
const PROBE_EVERY = 500;

interface Opened {
  ws: WebSocket;
  clientId: string;
  sub: string;
  room: string;
  probe: boolean;
}

let hub: Hub;
let adminTok: string;
let admin: TestClient;
const opened: Opened[] = [];

const userOf = (i: number): string => `u-${String(i % USERS).padStart(4, '0')}`;
const roomOf = (i: number): string => `room-${i % ROOMS}`;

/** Open one client, wait for its welcome, subscribe it to its room and wait for the ack. */
function open(i: number, tok: string): Promise<Opened> {
  const probe = i % PROBE_EVERY === 0;
  const ws = new WebSocket(hub.wsUrl, 'insight.v1', {
    headers: { authorization: `Bearer ${tok}`, 'user-agent': probe ? 'Probe-Agent/1.0' : 'load-client' },
    perMessageDeflate: false,
  });
  return new Promise((resolve, reject) => {
    let clientId = '';
    ws.on('error', reject);
    ws.on('message', (data) => {
      const text = data.toString();
      if (!clientId) {
        clientId = (JSON.parse(text) as { clientId: string }).clientId;
        ws.send(JSON.stringify({ type: 'subscribe', room: roomOf(i), id: 's' }));
      } else if (text.startsWith('{"type":"ack"')) {
        resolve({ ws, clientId, sub: userOf(i), room: roomOf(i), probe });
      }
    });
  });
}

async function api(path: string): Promise<any> {
  const res = await fetch(hub.url + path, { headers: { authorization: `Bearer ${adminTok}` } });
  expect(res.status).toBe(200);
  return res.json();
}

/** Walk every page of a list; checks each page's size and total on the way. */
async function walk<T>(path: string, limit: number): Promise<{ items: T[]; pages: number; total: number }> {
  const items: T[] = [];
  let cursor: string | null = null;
  let pages = 0;
  let total = -1;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page: { items: T[]; total: number; next: string | null } = await api(
      `${path}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`,
    );
    expect(page.items.length).toBeLessThanOrEqual(limit);
    if (page.next) expect(page.items.length).toBe(limit);
    total = page.total;
    items.push(...page.items);
    cursor = page.next;
    pages++;
  } while (cursor);
  return { items, pages, total };
}

const ids = (list: Array<{ clientId: string }>): string[] => list.map((c) => c.clientId).sort();
const expected = (test: (o: Opened) => boolean): string[] =>
  opened
    .filter(test)
    .map((o) => o.clientId)
    .sort();

beforeAll(async () => {
  hub = await startHub(
    { limits: { maxConnectionsPerUser: CLIENTS, maxConnectionsPerIp: CLIENTS * 2, maxConnections: CLIENTS * 2 } },
    hubExtensions({ admin: { statsIntervalMs: 500 } }),
  );
  adminTok = await token(hub, { sub: 'root', role: 'admin' });
  const tokens = await Promise.all(
    Array.from({ length: USERS }, (_, u) => token(hub, { sub: userOf(u), role: 'viewer', rooms: ['room-*'] })),
  );
  for (let start = 0; start < CLIENTS; start += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, CLIENTS - start) }, (_, k) =>
      open(start + k, tokens[(start + k) % USERS]!),
    );
    opened.push(...(await Promise.all(batch)));
  }
  admin = await connect(hub, adminTok);
}, 400_000);

afterAll(async () => {
  for (const o of opened) o.ws.terminate();
  await hub?.close();
}, 60_000);

describe(`paging and filters with ${CLIENTS} clients`, () => {
  it('walks every client exactly once in pages of 500 and 137', async () => {
    for (const limit of [500, 137]) {
      const { items, pages, total } = await walk<ClientSummary>('/api/clients', limit);
      expect(total).toBe(CLIENTS + 1); // and the admin's own connection
      expect(pages).toBe(Math.ceil((CLIENTS + 1) / limit));
      const all = ids(items);
      expect(new Set(all).size).toBe(all.length);
      expect(all).toEqual([...expected(() => true), admin.welcome.clientId].sort());
    }
  });

  it('filters by room, user, text and their combinations, server side', async () => {
    const byRoom = await walk<ClientSummary>('/api/clients?room=room-7', 40);
    expect(byRoom.total).toBe(CLIENTS / ROOMS);
    expect(ids(byRoom.items)).toEqual(expected((o) => o.room === 'room-7'));
    expect(byRoom.items.every((c) => c.rooms.includes('room-7'))).toBe(true);

    const byUser = await walk<ClientSummary>('/api/clients?user=u-0042', 500);
    expect(byUser.total).toBe(CLIENTS / USERS);
    expect(ids(byUser.items)).toEqual(expected((o) => o.sub === 'u-0042'));

    const byText = await walk<ClientSummary>('/api/clients?text=PROBE-agent', 3);
    expect(byText.total).toBe(CLIENTS / PROBE_EVERY);
    expect(ids(byText.items)).toEqual(expected((o) => o.probe));
    expect(byText.items.every((c) => c.userAgent === 'Probe-Agent/1.0')).toBe(true);

    const bySubText = await walk<ClientSummary>('/api/clients?text=u-0042', 500);
    expect(ids(bySubText.items)).toEqual(expected((o) => o.sub === 'u-0042'));

    const both = await walk<ClientSummary>('/api/clients?room=room-7&user=u-0057', 500);
    expect(ids(both.items)).toEqual(expected((o) => o.room === 'room-7' && o.sub === 'u-0057'));
    expect(both.total).toBe(CLIENTS / USERS);
    expect((await api('/api/clients?room=room-7&user=u-0008')).total).toBe(0);
    expect((await api('/api/clients?room=room-nobody')).items).toEqual([]);
  });

  it('pages rooms with their member counts, filtered by text and by user', async () => {
    const rooms = await walk<RoomSummary>('/api/rooms', 20);
    expect(rooms.total).toBe(ROOMS);
    expect(rooms.items.map((r) => r.room)).toEqual(Array.from({ length: ROOMS }, (_, i) => `room-${i}`).sort());
    expect(rooms.items.every((r) => r.clients === CLIENTS / ROOMS)).toBe(true);
    const text = await walk<RoomSummary>('/api/rooms?text=ROOM-1', 4);
    expect(text.items.map((r) => r.room)).toEqual(['room-1', ...Array.from({ length: 10 }, (_, i) => `room-1${i}`)]);
    const user = await api('/api/rooms?user=u-0042');
    expect(user.items.map((r: RoomSummary) => r.room)).toEqual(['room-42']);
  });

  it('keeps the cursor stable while clients leave between pages', async () => {
    const first = await api('/api/clients?room=room-3&limit=30');
    const firstIds = new Set(ids(first.items));
    const inRoom = opened.filter((o) => o.room === 'room-3');
    const leaving = [...inRoom.slice(0, 5), ...inRoom.slice(60, 65)];
    for (const o of leaving) o.ws.close(1000, 'bye');
    await until(
      async () => (await api('/api/clients?room=room-3&limit=1')).total === inRoom.length - leaving.length,
      10_000,
      'the closes',
    );
    const rest: ClientSummary[] = [];
    let cursor: string | null = first.next;
    while (cursor) {
      const page = await api(`/api/clients?room=room-3&limit=30&cursor=${cursor}`);
      rest.push(...page.items);
      cursor = page.next;
    }
    const restIds = ids(rest);
    expect(restIds.some((id) => firstIds.has(id))).toBe(false);
    const gone = new Set(leaving.map((o) => o.clientId));
    expect(restIds).toEqual(
      inRoom
        .map((o) => o.clientId)
        .filter((id) => !firstIds.has(id) && !gone.has(id))
        .sort(),
    );
    opened.splice(0, opened.length, ...opened.filter((o) => !gone.has(o.clientId)));
  });

  it('answers the WebSocket `list` action and the $admin snapshot with one page, not every client', async () => {
    const listed = await admin.request({ type: 'admin', action: 'list', what: 'clients', user: 'u-0001', limit: 500 });
    expect(listed).toMatchObject({ type: 'ack', total: opened.filter((o) => o.sub === 'u-0001').length, next: null });
    expect(ids(listed.items as ClientSummary[])).toEqual(expected((o) => o.sub === 'u-0001'));

    await admin.request({ type: 'subscribe', room: '$admin' });
    const snapshot = (await admin.waitFor((m) => m.type === 'message' && m.event === 'snapshot')) as { data: any };
    expect(snapshot.data.totals.clients).toBe(opened.length + 1);
    expect(snapshot.data.clients.total).toBe(opened.length + 1);
    expect(snapshot.data.clients.items).toHaveLength(50);
    expect(snapshot.data.rooms.items).toHaveLength(ROOMS);
    expect(JSON.stringify(snapshot).length).toBeLessThan(64 * 1024);

    const stats = (await admin.waitFor((m) => m.type === 'message' && m.event === 'stats', 10_000)) as { data: any };
    expect(stats.data.total.clients).toBe(opened.length + 1);
    expect(stats.data.rooms.length).toBeLessThanOrEqual(ROOMS);
    expect(JSON.stringify(stats).length).toBeLessThan(64 * 1024);
  });

  it('refuses bad paging input with 400 and carries on', async () => {
    for (const q of [
      'limit=0',
      'limit=501',
      'limit=ten',
      'cursor=-1',
      'cursor=abc',
      'room=a%20b',
      'text=' + 'x'.repeat(129),
    ]) {
      const res = await fetch(`${hub.url}/api/clients?${q}`, { headers: { authorization: `Bearer ${adminTok}` } });
      expect(res.status, q).toBe(400);
      expect((await res.json()).error).toBe('bad_request');
    }
    expect((await api('/api/clients?limit=1')).total).toBe(opened.length + 1);
  });
});
