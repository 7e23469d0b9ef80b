// @vitest-environment happy-dom
/**
 * The console's pure logic: bounded stats series, paged listings where the newest answer wins, an
 * invite form that refuses hub rooms and bad names, routes and rooms read from the fragment and
 * claims, and a REST audit page read by the protocol's reader (a foreign entry left out, a body
 * that is no page answered over the WebSocket instead).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AckMessage, AuditEntry, RemoteClient } from '../../hub/protocol/index.js';
import type { InsightClient } from '../../hub/client/index.js';
import { resetConnection, useConnection } from '../../renderer/connection/connection-store.js';
import { parseRoute, routeHash } from '../../renderer/console/console-route.js';
import { inviteProblems, inviteRequest, loopbackHost, parseRooms } from '../../renderer/console/invite-form.js';
import { peopleOf } from '../../renderer/console/room-members.js';
import { readHubs, severalHubs } from '../../renderer/console/hub-list.js';
import type { HubLine, StatsEvent } from '../../hub/protocol/index.js';
import { pagedList } from '../../renderer/console/paged-list.js';
import { loadRecentAudit } from '../../renderer/console/AuditPage.js';
import type { Credentials } from '../../renderer/connection/credentials.js';
import { appendPoint, emptySeries, latest, type StatsPoint } from '../../renderer/console/stats-series.js';
import { allowedBy, dashboardChoices, firstDashboard } from '../../renderer/dashboard/dashboard-rooms.js';

function point(time: number, clients: number): StatsPoint {
  return {
    time,
    clients,
    rooms: 1,
    messagesInPerSec: 0,
    messagesOutPerSec: 0,
    bytesInPerSec: 0,
    bytesOutPerSec: 0,
    eventLoopLagMs: 1,
    rssBytes: 1,
    heapUsedBytes: 1,
  };
}

/** A client whose admin answers the test decides, one pending promise per request. */
/** A listed client of another hub: only the fields such a row has. */
function listed(clientId: string): RemoteClient {
  return { clientId, sub: clientId, name: clientId, role: 'viewer', ip: '', rooms: [], connectedAt: 0, node: 'n' };
}

function fakeAdminClient() {
  const pending: Array<{ fields: Record<string, unknown>; resolve: (a: AckMessage) => void }> = [];
  const client = {
    admin: vi.fn(
      (_action: string, fields: Record<string, unknown>) =>
        new Promise<AckMessage>((resolve) => pending.push({ fields, resolve })),
    ),
  } as unknown as InsightClient;
  return { client, pending };
}

beforeEach(() => resetConnection());

describe('stats series', () => {
  it('keeps the newest points up to its capacity and ignores repeats', () => {
    let s = emptySeries();
    for (let i = 1; i <= 5; i++) s = appendPoint(s, point(i * 1000, i), 3);
    expect(s.times).toEqual([3, 4, 5]);
    expect(s.values.clients).toEqual([3, 4, 5]);
    const same = appendPoint(s, point(5000, 99), 3);
    expect(same).toBe(s);
    expect(latest(s, 'clients')).toBe(5);
    expect(latest(emptySeries(), 'clients')).toBeNull();
  });
});

describe('recent audit', () => {
  const entry = {
    seq: 4,
    time: 1,
    kind: 'action',
    action: 'unban',
    via: 'rest',
    ip: '::1',
    details: { target: { sub: 'm' } },
  };
  const credentials = { address: { httpUrl: 'http://hub' }, getToken: async () => 't' } as unknown as Credentials;
  afterEach(() => vi.unstubAllGlobals());

  it('reads the REST page, leaving out an entry it cannot read', async () => {
    vi.stubGlobal('fetch', async () => Response.json({ entries: [{ seq: 'x', action: 'kick' }, entry], next: null }));
    useConnection.setState({ client: fakeAdminClient().client, credentials });
    expect((await loadRecentAudit()).map((e) => [e.action, e.target])).toEqual([['unban', 'm']]);
  });

  it('asks over the WebSocket when the REST body is not an audit page', async () => {
    vi.stubGlobal('fetch', async () => Response.json({ items: [] }));
    const { client, pending } = fakeAdminClient();
    useConnection.setState({ client, credentials });
    const loaded = loadRecentAudit();
    await vi.waitFor(() => expect(pending[0]?.fields).toEqual({ what: 'audit', limit: 200 }));
    pending[0]!.resolve({ type: 'ack', entries: [entry as AuditEntry], next: null });
    expect((await loaded).map((e) => e.action)).toEqual(['unban']);
  });
});

describe('paged listing', () => {
  it('sends filters and cursors, pages forward and back, and a new filter starts over', async () => {
    const { client, pending } = fakeAdminClient();
    useConnection.setState({ client });
    const list = pagedList('clients', (items) => items.map((c) => c.clientId), 2);
    const fetched = list.fetch();
    expect(pending[0]!.fields).toEqual({ what: 'clients', limit: 2 });
    pending[0]!.resolve({ type: 'ack', items: [listed('a'), listed('b')], total: 5, next: '2' });
    await fetched;
    await vi.waitFor(() => expect(list.use.getState().rows).toEqual(['a', 'b']));
    list.nextPage();
    expect(list.request()).toEqual({ what: 'clients', limit: 2, cursor: '2' });
    list.setFilter({ text: ' bob ', room: '' });
    expect(list.request()).toEqual({ what: 'clients', limit: 2, text: 'bob' });
    list.previousPage();
    expect(list.use.getState().cursors).toEqual([]);
  });

  it('lets the newest answer win when an older one comes back late', async () => {
    const { client, pending } = fakeAdminClient();
    useConnection.setState({ client });
    const list = pagedList('clients', (items) => items.map((c) => c.clientId));
    const older = list.fetch();
    const newer = list.fetch();
    pending[1]!.resolve({ type: 'ack', items: [listed('new')], total: 1, next: null });
    await newer;
    expect(list.use.getState().rows).toEqual(['new']);
    pending[0]!.resolve({ type: 'ack', items: [listed('old')], total: 1, next: null });
    // fetch() settles once its answer is handled: the late one has been seen, and ignored.
    await older;
    expect(list.use.getState().rows).toEqual(['new']);
  });
});

describe('invite form', () => {
  it('accepts rooms and patterns, refuses hub rooms and bad names', () => {
    expect(parseRooms('dashboard:1, dashboard:*\ndashboard:1')).toEqual(['dashboard:1', 'dashboard:*']);
    expect(inviteProblems({ rooms: 'dashboard:1', role: 'viewer', ttlMinutes: 60, name: '', maxUses: '' })).toEqual([]);
    expect(inviteProblems({ rooms: '', role: 'viewer', ttlMinutes: 60, name: '', maxUses: '' })).toHaveLength(1);
    expect(
      inviteProblems({ rooms: '$admin bad/room', role: 'viewer', ttlMinutes: 60, name: '', maxUses: '0' }),
    ).toEqual(['Not a room name or pattern: $admin, bad/room', 'Uses must be a whole number from 1']);
    // The form's prefill is a prefix, not a room.
    expect(inviteProblems({ rooms: 'dashboard:', role: 'viewer', ttlMinutes: 60, name: '', maxUses: '' })).toEqual([
      'dashboard: names no room: add a name (dashboard:sales) or * for all of them (dashboard:*)',
    ]);
    expect(inviteRequest({ rooms: 'a b', role: 'editor', ttlMinutes: 480, name: ' Guest ', maxUses: '3' })).toEqual({
      rooms: ['a', 'b'],
      role: 'editor',
      ttlMinutes: 480,
      name: 'Guest',
      maxUses: 3,
    });
  });
});

describe('invite links colleagues cannot open', () => {
  it('are told apart by their loopback host', () => {
    for (const url of [
      'http://127.0.0.1:7420/#token=x',
      'http://localhost:7420/',
      'http://[::1]:7420/',
      'http://127.8.9.10/',
      'http://app.localhost/',
    ])
      expect(loopbackHost(url)).not.toBeNull();
    for (const url of ['http://192.168.1.20:7420/', 'https://hub.example.com/', 'http://128.0.0.1/', 'not a url'])
      expect(loopbackHost(url)).toBeNull();
  });
});

describe('people in a room', () => {
  it('are one row per sub with their tab count, busy tabs before idle ones', () => {
    const m = (clientId: string, sub: string, state: Record<string, unknown>) => ({
      clientId,
      sub,
      name: sub.toUpperCase(),
      state: state as never,
    });
    const people = peopleOf(
      [m('1', 'ana', {}), m('2', 'bo', {}), m('3', 'ana', { editing: 'w1' }), m('4', 'ana', {})],
      (s) => (s && typeof s.editing === 'string' ? `editing ${s.editing}` : 'viewing'),
    );
    expect(people).toEqual([
      { sub: 'ana', name: 'ANA', tabs: 3, activities: ['editing w1'] },
      { sub: 'bo', name: 'BO', tabs: 1, activities: ['viewing'] },
    ]);
  });
});

describe('hubs sharing an engine', () => {
  it('are read from stats, this hub first', () => {
    const line = (node: string, self: boolean, clients: number): HubLine => ({
      node,
      startedAt: 1,
      version: '1',
      clients,
      rooms: 0,
      messagesInPerSec: 0,
      messagesOutPerSec: 0,
      rss: 0,
      heapUsed: 0,
      lagMs: 0,
      engine: 'redis',
      self,
      lastSeen: 1,
    });
    const hubs = readHubs({ hubs: [line('b', false, 2), line('a', true, 1)] } as StatsEvent);
    expect(hubs?.map((h) => [h.node, h.self, h.clients])).toEqual([
      ['a', true, 1],
      ['b', false, 2],
    ]);
    expect(readHubs({ clients: 1 } as never)).toBeNull();
    expect(severalHubs(hubs!)).toBe(true);
  });
});

describe('console routes', () => {
  it('reads pages and room pages from the fragment, and anything else is the overview', () => {
    expect(parseRoute('#/clients')).toEqual({ page: 'clients' });
    expect(parseRoute(routeHash({ page: 'rooms', room: 'dashboard:a/b' }))).toEqual({
      page: 'rooms',
      room: 'dashboard:a/b',
    });
    expect(parseRoute('#token=abc')).toEqual({ page: 'overview' });
    expect(parseRoute('#/rooms/%E0%A4%A')).toEqual({ page: 'rooms' });
  });
});

describe('dashboard rooms from token claims', () => {
  it('opens the link room when the token allows it, else the first exact room', () => {
    const choices = dashboardChoices(['dashboard:1', 'dashboard:2', 'team:*', 'user:me']);
    expect(choices).toEqual({ rooms: ['dashboard:1', 'dashboard:2'], patterns: ['team:*'] });
    expect(firstDashboard(choices, 'team:x')).toBe('team:x');
    expect(firstDashboard(choices, 'other:x')).toBe('dashboard:1');
    expect(firstDashboard(dashboardChoices(['*']), undefined)).toBeNull();
    expect(allowedBy(['*'], 'anything')).toBe(true);
  });
});
