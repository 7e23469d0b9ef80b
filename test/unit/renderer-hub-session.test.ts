// @vitest-environment node
/**
 * The console's stores fed by the real SDK against a real hub follow it faithfully: connecting,
 * open, kicked or expired with the hub's reason, and rooms built from history, rebuilt after a
 * reset.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Hub } from '../../hub/server/types.js';
import { resetConnection, useConnection } from '../../renderer/connection/connection-store.js';
import { addressFromWsUrl } from '../../renderer/connection/hub-address.js';
import type { Credentials } from '../../renderer/connection/credentials.js';
import { endHubSession, startHubSession } from '../../renderer/connection/hub-session.js';
import { connect as rawConnect, startHub, token, until } from '../support/hub.js';

let hub: Hub;
beforeAll(async () => {
  hub = await startHub();
});
afterAll(async () => {
  await hub.close();
});
afterEach(() => {
  endHubSession();
  resetConnection();
});

describe('a hub session', () => {
  let hub: Hub;
  beforeAll(async () => {
    hub = await startHub();
  });
  afterAll(async () => {
    await hub.close();
  });

  function credentials(tok: string): Credentials {
    return { address: addressFromWsUrl(hub.wsUrl), token: tok, origin: 'session', getToken: async () => tok };
  }

  it('follows the client from connecting to open, then to kicked with the admin reason', async () => {
    const tok = await token(hub, { sub: 'zoe', name: 'Zoe', role: 'viewer', rooms: ['dashboard:1'] });
    startHubSession(credentials(tok), { WebSocket: WebSocket as never });
    await until(() => useConnection.getState().status === 'open', 5000, 'open');
    const { session, claims } = useConnection.getState();
    expect(session?.user).toEqual({ sub: 'zoe', name: 'Zoe', role: 'viewer' });
    expect(claims?.rooms).toEqual(['dashboard:1']);

    const admin = await rawConnect(hub, await token(hub, { sub: 'root', role: 'admin' }));
    const ack = await admin.request({ type: 'admin', action: 'kick', sub: 'zoe', reason: 'Time to go' });
    expect(ack.type).toBe('ack');
    await until(() => useConnection.getState().ending !== null, 5000, 'ending');
    expect(useConnection.getState().ending).toEqual({ kind: 'kicked', reason: 'Time to go' });
    expect(useConnection.getState().status).toBe('closed');
    admin.close();
  });
});

describe('a join link running out', () => {
  it('is announced by the hub, then ends the session as expired, as GET /api/session says', async () => {
    const short = await startHub({ tokenExpiryNoticeMs: 2500, auth: { clockToleranceSec: 1 } });
    try {
      const tok = await token(short, { sub: 'kim', role: 'viewer', rooms: ['dashboard:1'], ttlSec: 3 });
      startHubSession(
        { address: addressFromWsUrl(short.wsUrl), token: tok, origin: 'link', getToken: async () => tok },
        { WebSocket: WebSocket as never },
      );
      await until(() => useConnection.getState().tokenExpiresAt !== null, 5000, 'token_expiring');
      expect(useConnection.getState().tokenExpiresAt).toBe(useConnection.getState().session?.expiresAt);
      // The close says 4001; the hub, asked over HTTP, says why, and the client stops for good.
      await until(() => useConnection.getState().ending?.kind === 'refused', 8000, 'refused');
      expect(useConnection.getState().ending).toEqual({
        kind: 'refused',
        refusal: expect.objectContaining({ reason: 'expired' }),
      });
      expect(useConnection.getState().status).toBe('closed');
    } finally {
      await short.close();
    }
  });
});

describe('a dashboard fed by the SDK', () => {
  let small: Hub;
  const sockets: WebSocket[] = [];
  let unreachable = false;
  /**
   * The `ws` client, keeping each socket so a test can cut it like a network failure, and
   * pointing new ones at a closed port while the "network" is down.
   */
  class TrackedSocket extends WebSocket {
    constructor(url: string, ...rest: unknown[]) {
      super(unreachable ? 'ws://127.0.0.1:1/ws' : url, ...(rest as [string]));
      sockets.push(this);
    }
  }

  beforeAll(async () => {
    small = await startHub({ history: { maxMessages: 5 } });
  });
  afterAll(async () => {
    await small.close();
  });

  /** A hub session on `small` with the plain `ws` client, once it is open. */
  async function openSession(tok: string): Promise<void> {
    startHubSession(
      { address: addressFromWsUrl(small.wsUrl), token: tok, origin: 'session', getToken: async () => tok },
      { WebSocket: WebSocket as never },
    );
    await until(() => useConnection.getState().status === 'open', 5000, 'open');
  }

  async function publish(room: string, event: string, data: unknown): Promise<void> {
    const svc = await token(small, { sub: 'engine', role: 'service' });
    const res = await fetch(`${small.url}/api/rooms/${encodeURIComponent(room)}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${svc}`, 'content-type': 'application/json' },
      body: JSON.stringify({ event, data }),
    });
    expect(res.status).toBe(201);
  }

  it('builds the room from history on joining, takes live alerts as toasts, and rebuilds after a reset', async () => {
    const { joinDashboard, leaveDashboard, listenForPersonalAlerts, stopPersonalAlerts } =
      await import('../../renderer/dashboard/dashboard-session.js');
    const { useDashboard } = await import('../../renderer/dashboard/dashboard-store.js');
    const { useAlerts, resetAlerts } = await import('../../renderer/dashboard/alerts-store.js');
    const room = 'dashboard:reset';
    await publish(room, 'refresh', { widgets: ['before-join'] });

    const tok = await token(small, { sub: 'yan', name: 'Yan', role: 'editor', rooms: [room] });
    startHubSession(
      { address: addressFromWsUrl(small.wsUrl), token: tok, origin: 'session', getToken: async () => tok },
      {
        WebSocket: TrackedSocket as never,
        backoff: { baseMs: 50, capMs: 100 },
      },
    );
    await until(() => useConnection.getState().status === 'open', 5000, 'open');
    listenForPersonalAlerts('yan');
    joinDashboard(room);
    await until(() => useDashboard.getState().model.widgets['before-join'] !== undefined, 5000, 'history seeded');
    expect(useDashboard.getState().members.map((m) => m.sub)).toEqual(['yan']);

    await publish('user:yan', 'alert', { id: 'p1', severity: 'warning', title: 'Just you' });
    await publish(room, 'alert', { id: 'r1', severity: 'critical', title: 'Everyone' });
    await until(() => useAlerts.getState().toasts.length === 2, 5000, 'two toasts');
    expect(useAlerts.getState().toasts.map((t) => t.title)).toEqual(['Everyone', 'Just you']);

    // Cut the connection and publish past the room's 5-message history: the resume cannot be
    // replayed, the hub says recovered:false, and the room is rebuilt from the join answer's
    // history (the latest messages the hub keeps, replayed with the subscribe).
    unreachable = true;
    sockets.at(-1)!.terminate();
    await until(() => useConnection.getState().status === 'reconnecting', 5000, 'reconnecting');
    for (let i = 0; i < 8; i++) await publish(room, 'refresh', { widgets: [`w${i}`] });
    unreachable = false;
    await until(() => useDashboard.getState().resync !== null, 8000, 'resync');
    expect(useDashboard.getState().resync?.reason).toBe('evicted');
    const widgets = useDashboard.getState().model.widgets;
    expect(widgets.w7?.refreshes).toBe(1);
    expect(widgets['before-join']).toBeDefined();
    await until(() => useConnection.getState().status === 'open', 5000, 'reopened');

    leaveDashboard();
    stopPersonalAlerts();
    resetAlerts();
  });

  it('shows as the system only the alerts a service token published, not a person named like it', async () => {
    const { joinDashboard, leaveDashboard, listenForPersonalAlerts, stopPersonalAlerts } =
      await import('../../renderer/dashboard/dashboard-session.js');
    const { useDashboard } = await import('../../renderer/dashboard/dashboard-store.js');
    const { useAlerts, resetAlerts } = await import('../../renderer/dashboard/alerts-store.js');
    const room = 'dashboard:senders';
    // Before the viewer joins: read from the join's history, into the room's alerts.
    await publish(room, 'alert', { id: 'old-system', severity: 'info', title: 'From the engine' });
    const impostor = await token(small, { sub: 'guest-1', name: 'InsightEngine', role: 'editor', rooms: [room] });
    const res = await fetch(`${small.url}/api/rooms/${encodeURIComponent(room)}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${impostor}`, 'content-type': 'application/json' },
      body: JSON.stringify({ event: 'alert', data: { id: 'old-person', severity: 'info', title: 'Not the engine' } }),
    });
    expect(res.status).toBe(201);

    const tok = await token(small, { sub: 'val', name: 'Val', role: 'viewer', rooms: [room] });
    await openSession(tok);
    listenForPersonalAlerts('val');
    joinDashboard(room);
    await until(() => useDashboard.getState().model.alerts.length === 2, 5000, 'history alerts');

    // Live: the engine, the editor over the socket (into the room and into val's own room), and
    // the engine into val's own room.
    const editor = await rawConnect(small, impostor);
    expect((await editor.request({ type: 'subscribe', room })).type).toBe('ack');
    const sent = await editor.request({
      type: 'publish',
      room,
      event: 'alert',
      data: { id: 'live-person', severity: 'critical', title: 'Fake outage' },
    });
    expect(sent.type).toBe('ack');
    await publish(room, 'alert', { id: 'live-system', severity: 'critical', title: 'Real outage' });
    await publish('user:val', 'alert', { id: 'personal-system', severity: 'warning', title: 'For you' });
    await until(() => useAlerts.getState().toasts.length === 3, 5000, 'three toasts');
    editor.close();

    const bySystem = (items: readonly { id: string; from: { system: boolean; name: string } }[]) =>
      Object.fromEntries(items.map((a) => [a.id, [a.from.system, a.from.name]]));
    expect(bySystem(useDashboard.getState().model.alerts)).toEqual({
      'old-system': [true, 'engine'],
      'old-person': [false, 'InsightEngine'],
      'live-person': [false, 'InsightEngine'],
      'live-system': [true, 'engine'],
    });
    expect(bySystem(useAlerts.getState().toasts)).toEqual({
      'live-person': [false, 'InsightEngine'],
      'live-system': [true, 'engine'],
      'personal-system': [true, 'engine'],
    });

    leaveDashboard();
    stopPersonalAlerts();
    resetAlerts();
  });

  it('builds the room from the subscribe alone where REST cannot be reached (the desktop window)', async () => {
    const { joinDashboard, leaveDashboard } = await import('../../renderer/dashboard/dashboard-session.js');
    const { useDashboard } = await import('../../renderer/dashboard/dashboard-store.js');
    const room = 'dashboard:ws-history';
    await publish(room, 'query.rows', { queryId: 'q', chunk: 0, columns: ['a', 'b'], rows: [[1, 2]] });
    await publish(room, 'query.done', { queryId: 'q', rowCount: 1 });
    const tok = await token(small, { sub: 'wes', role: 'viewer', rooms: [room] });
    // The HTTP side points at a closed port; only the socket reaches the hub.
    const address = { wsUrl: small.wsUrl, httpUrl: 'http://127.0.0.1:1' };
    startHubSession(
      { address, token: tok, origin: 'desktop', getToken: async () => tok },
      { WebSocket: WebSocket as never },
    );
    await until(() => useConnection.getState().status === 'open', 5000, 'open');
    joinDashboard(room);
    await until(() => useDashboard.getState().status === 'live', 5000, 'joined');
    // The join's answer carried the history: the room is whole the moment it is live.
    expect(useDashboard.getState().model.queries.q).toMatchObject({
      status: 'done',
      columns: ['a', 'b'],
      rowsReceived: 1,
    });
    expect(useDashboard.getState().model.lastSeq).toBe(2);
    await publish(room, 'query.rows', { queryId: 'q2', chunk: 0, columns: ['c'], rows: [[3]] });
    await until(() => useDashboard.getState().model.queries.q2 !== undefined, 5000, 'a live message after the history');
    expect(useDashboard.getState().model.lastSeq).toBe(3);
    leaveDashboard();
  });

  it('says why a room the hub refuses cannot be opened, and a healthy room still opens after it', async () => {
    const { joinDashboard, leaveDashboard } = await import('../../renderer/dashboard/dashboard-session.js');
    const { useDashboard } = await import('../../renderer/dashboard/dashboard-store.js');
    const allowed = 'dashboard:mine';
    await publish(allowed, 'refresh', { widgets: ['w'] });
    const tok = await token(small, { sub: 'una', role: 'viewer', rooms: [allowed] });
    await openSession(tok);
    joinDashboard('dashboard:theirs');
    await until(() => useDashboard.getState().status === 'failed', 5000, 'failed');
    expect(useDashboard.getState()).toMatchObject({
      room: 'dashboard:theirs',
      error: expect.stringContaining('not allowed to join dashboard:theirs'),
    });
    // A name no hub takes (from a link) is said the same way, without throwing out of the page.
    joinDashboard('dashboard:no spaces');
    expect(useDashboard.getState()).toMatchObject({
      room: 'dashboard:no spaces',
      status: 'failed',
      error: expect.stringContaining('room name'),
    });
    joinDashboard(allowed);
    await until(() => useDashboard.getState().status === 'live', 5000, 'the allowed room');
    expect(useDashboard.getState().model.widgets.w?.refreshes).toBe(1);
    expect(useConnection.getState().status).toBe('open');
    leaveDashboard();
  });

  it('opens a room this client is in already with the answer it has (the personal room, say)', async () => {
    const { joinDashboard, leaveDashboard, listenForPersonalAlerts, stopPersonalAlerts } =
      await import('../../renderer/dashboard/dashboard-session.js');
    const { useDashboard } = await import('../../renderer/dashboard/dashboard-store.js');
    const tok = await token(small, { sub: 'ivo', role: 'viewer', rooms: ['*'] });
    await openSession(tok);
    listenForPersonalAlerts('ivo');
    await until(
      () => useConnection.getState().client?.room('user:ivo').state.status === 'joined',
      5000,
      'personal room joined',
    );
    joinDashboard('user:ivo');
    expect(useDashboard.getState()).toMatchObject({ room: 'user:ivo', status: 'live', memberCount: 1 });
    await publish('user:ivo', 'refresh', { widgets: ['mine'] });
    await until(() => useDashboard.getState().model.widgets.mine !== undefined, 5000, 'a live message');
    leaveDashboard();
    stopPersonalAlerts();
  });

  it('keeps the personal alerts coming after the personal room, opened as a dashboard, is closed', async () => {
    const { joinDashboard, leaveDashboard, listenForPersonalAlerts, stopPersonalAlerts } =
      await import('../../renderer/dashboard/dashboard-session.js');
    const { useAlerts } = await import('../../renderer/dashboard/alerts-store.js');
    const tok = await token(small, { sub: 'uma', role: 'viewer', rooms: ['*'] });
    await openSession(tok);
    listenForPersonalAlerts('uma');
    const personal = () => useConnection.getState().client?.room('user:uma').state.status;
    await until(() => personal() === 'joined', 5000, 'personal room joined');
    joinDashboard('user:uma');
    // Another dashboard: the one before is left, but not the room its alerts come through.
    joinDashboard('dashboard:uma-2');
    expect(personal()).toBe('joined');
    await publish('user:uma', 'alert', { id: 'still-for-uma', severity: 'info', title: 'Still here' });
    await until(() => useAlerts.getState().toasts.some((t) => t.id === 'still-for-uma'), 5000, 'the personal alert');
    leaveDashboard();
    stopPersonalAlerts();
  });
});
