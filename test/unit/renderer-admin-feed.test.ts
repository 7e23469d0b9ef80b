// @vitest-environment node
/**
 * The console reads the `$admin` feed with the field names a real hub sends (checked against its
 * envelopes), and folds bursts of feed events into bounded updates.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type {
  AdminAck,
  AdminEvent,
  AdminEventMap,
  ClientSummary,
  RoomMessage,
  TrafficEvent,
} from '../../hub/protocol/index.js';
import type { Hub } from '../../hub/server/types.js';
import { readClients, readStats } from '../../renderer/console/admin-feed.js';
import { readAudit, readTraffic } from '../../renderer/console/feed-entries.js';
import { readRoomFacts } from '../../renderer/console/room-members.js';
import {
  applyFeed,
  MAX_CONNECTION_EVENTS,
  resetAdmin,
  setTrafficPaused,
  useAdmin,
} from '../../renderer/console/admin-store.js';
import { feedEvent, type FeedEvent } from '../../renderer/console/feed-event.js';
import { connect, startHub, token, type TestClient } from '../support/hub.js';

let hub: Hub;
let admin: TestClient;

beforeAll(async () => {
  hub = await startHub();
  admin = await connect(hub, await token(hub, { sub: 'root', name: 'Root', role: 'admin' }));
  await admin.request({ type: 'subscribe', room: '$admin' });
});
afterAll(async () => {
  admin.close();
  await hub.close();
});
beforeEach(() => resetAdmin());

function adminEvent(event: string): Promise<RoomMessage> {
  return admin.waitFor(
    (m) => m.type === 'message' && m.room === '$admin' && m.event === event,
    5000,
  ) as Promise<RoomMessage>;
}

const feed = (m: RoomMessage): FeedEvent => feedEvent(m.event, m.data, m.time)!;

/** A real envelope's data, narrowed as the console narrows it. */
function payload<E extends AdminEvent>(m: RoomMessage, event: E): AdminEventMap[E] {
  const e = feed(m);
  if (e.event !== event) throw new Error(`expected ${event}, got ${e.event}`);
  return e.data as AdminEventMap[E];
}

describe('the $admin feed as the console reads it', () => {
  it('takes totals and the engine from the snapshot, and rates, memory and lag from stats', async () => {
    const alice = await connect(hub, await token(hub, { sub: 'alice', role: 'editor', rooms: ['dashboard:1'] }));
    await alice.request({ type: 'subscribe', room: 'dashboard:1' });
    admin.received.length = 0;
    const stats = await adminEvent('stats');
    const read = readStats(payload(stats, 'stats'));
    expect(read.point.clients).toBe(2);
    expect(read.point.rooms).toBeGreaterThanOrEqual(1);
    expect(read.point.rssBytes).toBeGreaterThan(0);
    expect(read.point.heapUsedBytes).toBeGreaterThan(0);
    expect(read.point.eventLoopLagMs).not.toBeNull();
    expect(read.point.messagesInPerSec).not.toBeNull();
    expect(read.hub).toMatchObject({ engine: 'memory', engineState: 'up' });
    expect(read.rooms?.find((r) => r.name === 'dashboard:1')?.clients).toBe(1);

    applyFeed([feed(stats)]);
    const s = useAdmin.getState();
    expect(s.clientCount).toBe(2);
    expect(s.series.times).toHaveLength(1);
    expect(s.hub.engineState).toBe('up');
    expect(s.roomRates['dashboard:1']?.clients).toBe(1);
    alice.close();
  });

  it('takes the history budget and its use from stats (the overview tile)', async () => {
    const writer = await connect(hub, await token(hub, { sub: 'writer', role: 'editor' }));
    await writer.request({ type: 'publish', room: 'dashboard:budget', event: 'e', data: { pad: 'b'.repeat(2000) } });
    admin.received.length = 0;
    const read = readStats(payload(await adminEvent('stats'), 'stats'));
    expect(read.historyBytes?.used).toBeGreaterThan(2000);
    expect(read.historyBytes?.budget).toBe(hub.options.history.budgetBytes);
    applyFeed([feed(await adminEvent('stats'))]);
    expect(useAdmin.getState().historyBytes).toEqual(read.historyBytes);
    writer.close();
  });

  it("takes the hub's start time and version from the snapshot (the status bar's uptime)", async () => {
    const watcher = await connect(hub, await token(hub, { sub: 'root2', name: 'Root', role: 'admin' }));
    await watcher.request({ type: 'subscribe', room: '$admin' });
    const snapshot = (await watcher.waitFor(
      (m) => m.type === 'message' && m.event === 'snapshot',
      5000,
    )) as RoomMessage;
    watcher.close();
    const startedAt = (snapshot.data as { startedAt?: number }).startedAt;
    expect(startedAt).toEqual(expect.any(Number));
    applyFeed([feed(snapshot)]);
    expect(useAdmin.getState().hub).toMatchObject({ startedAt, version: expect.any(String) });
    const stats = await adminEvent('stats');
    expect(stats.data).toMatchObject({ startedAt, hubs: [{ self: true, clients: expect.any(Number) }] });
  });

  it('lists clients with the fields the clients table shows', async () => {
    const answer = await admin.request({ type: 'admin', action: 'list', what: 'clients', limit: 10 });
    const rows = readClients(answer.items as ClientSummary[]);
    const root = rows.find((r) => r.sub === 'root')!;
    expect(root).toMatchObject({ name: 'Root', role: 'admin', ip: '127.0.0.1', rooms: ['$admin'] });
    expect(root.connectedAt).toBeGreaterThan(0);
    expect(root.queuedBytes).toBe(0);
    expect(root.messagesIn).toBeGreaterThan(0);
  });

  it("reads a room's members with their presence, and how far it has numbered", async () => {
    const gil = await connect(
      hub,
      await token(hub, { sub: 'gil', name: 'Gil', role: 'editor', rooms: ['dashboard:3'] }),
    );
    await gil.request({ type: 'subscribe', room: 'dashboard:3' });
    await gil.request({ type: 'presence', room: 'dashboard:3', state: { editing: 'margin', typing: true } });
    await gil.request({ type: 'publish', room: 'dashboard:3', event: 'annotation', data: 'hi' });
    // The hub's real answer, read as the contract says it is.
    const answer = await admin.request({ type: 'admin', action: 'list', what: 'room', room: 'dashboard:3' });
    const facts = readRoomFacts(answer as unknown as AdminAck<'list', 'room'>);
    expect(facts.memberCount).toBe(1);
    expect(facts.lastSeq).toBe(1);
    expect(facts.since).toBeGreaterThan(0);
    expect(facts.members).toEqual([
      { clientId: gil.welcome.clientId, sub: 'gil', name: 'Gil', state: { editing: 'margin', typing: true } },
    ]);
    gil.close();
  });

  it('reads an audit entry and a traffic sample', async () => {
    admin.received.length = 0;
    await admin.request({ type: 'admin', action: 'inspect', room: 'dashboard:2', on: true });
    const audit = readAudit(payload(await adminEvent('audit'), 'audit'));
    expect(audit).toMatchObject({
      action: 'inspect',
      actor: 'Root · 127.0.0.1',
      target: 'dashboard:2',
      outcome: 'action',
    });

    const bob = await connect(hub, await token(hub, { sub: 'bob', role: 'editor', rooms: ['dashboard:2'] }));
    await bob.request({ type: 'subscribe', room: 'dashboard:2' });
    await bob.request({
      type: 'publish',
      room: 'dashboard:2',
      event: 'annotation',
      data: { text: 'x'.repeat(1000) },
      echo: true,
    });
    const sample = readTraffic(payload(await adminEvent('traffic'), 'traffic'));
    expect(sample).toMatchObject({
      room: 'dashboard:2',
      event: 'annotation',
      from: 'bob',
      seq: 1,
      recipients: 1,
      truncated: true,
    });
    expect(sample.payload.startsWith('{"text":"xxx')).toBe(true);
    bob.close();
  });
});

/** A client.connected payload as ClientSummary has it. */
const client = (clientId: string, sub: string): ClientSummary => ({
  clientId,
  sub,
  name: `U ${sub}`,
  role: 'viewer',
  ip: '10.0.0.1',
  userAgent: 'test',
  rooms: [],
  connectedAt: 1,
  messagesIn: 0,
  bytesIn: 0,
  messagesOut: 0,
  bytesOut: 0,
  queuedBytes: 0,
  rttMs: null,
  node: 'n1',
});

describe('folding feed events', () => {
  it('folds a burst of connections into one update and keeps only the latest', () => {
    let renders = 0;
    const off = useAdmin.subscribe(() => renders++);
    const burst: FeedEvent[] = Array.from({ length: 2000 }, (_, i) => ({
      event: 'client.connected',
      data: client(`c${i}`, `u${i}`),
      time: i,
    }));
    applyFeed(burst);
    off();
    expect(renders).toBe(1);
    const { connections, clientsVersion } = useAdmin.getState();
    expect(connections).toHaveLength(MAX_CONNECTION_EVENTS);
    expect(connections[0]!.client.sub).toBe('u1999');
    expect(clientsVersion).toBe(1);
  });

  it('skips sampled traffic while paused, counting what it skipped', () => {
    const data: TrafficEvent = {
      room: 'r',
      epoch: 'e1',
      seq: 1,
      event: 'e',
      from: { sub: 'u', name: 'U' },
      time: 1,
      bytes: 2,
      preview: '{}',
      truncated: false,
      recipients: 1,
      skipped: 0,
    };
    const sample: FeedEvent = { event: 'traffic', data, time: 1 };
    setTrafficPaused(true);
    applyFeed([sample, sample]);
    expect(useAdmin.getState()).toMatchObject({ traffic: [], trafficDropped: 2 });
    setTrafficPaused(false);
    applyFeed([sample]);
    expect(useAdmin.getState().traffic).toHaveLength(1);
    expect(useAdmin.getState().trafficDropped).toBe(0);
  });

  it('bumps the room listing when rooms come and go', () => {
    applyFeed([
      { event: 'room.created', data: { room: 'a' }, time: 1 },
      { event: 'room.emptied', data: { room: 'a' }, time: 2 },
    ]);
    expect(useAdmin.getState().roomsVersion).toBe(1);
  });
});
