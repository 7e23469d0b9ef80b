// @vitest-environment node
// Stores fed by the real SDK against a real hub; nothing here renders, so no DOM is needed.
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
  it('is announced by the hub, then ends the session as expired', async () => {
    const short = await startHub({ tokenExpiryNoticeMs: 2500, auth: { clockToleranceSec: 1 } });
    try {
      const tok = await token(short, { sub: 'kim', role: 'viewer', rooms: ['dashboard:1'], ttlSec: 3 });
      startHubSession({ address: addressFromWsUrl(short.wsUrl), token: tok, origin: 'link', getToken: async () => tok }, { WebSocket: WebSocket as never });
      await until(() => useConnection.getState().tokenExpiresAt !== null, 5000, 'token_expiring');
      expect(useConnection.getState().tokenExpiresAt).toBe(useConnection.getState().session?.expiresAt);
      await until(() => useConnection.getState().ending !== null, 8000, 'expired');
      expect(useConnection.getState().ending?.kind).toBe('expired');
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
    const { joinDashboard, leaveDashboard, listenForPersonalAlerts, stopPersonalAlerts } = await import('../../renderer/dashboard/dashboard-session.js');
    const { useDashboard } = await import('../../renderer/dashboard/dashboard-store.js');
    const { useAlerts, resetAlerts } = await import('../../renderer/dashboard/alerts-store.js');
    const room = 'dashboard:reset';
    await publish(room, 'refresh', { widgets: ['before-join'] });

    const tok = await token(small, { sub: 'yan', name: 'Yan', role: 'editor', rooms: [room] });
    startHubSession({ address: addressFromWsUrl(small.wsUrl), token: tok, origin: 'session', getToken: async () => tok }, {
      WebSocket: TrackedSocket as never,
      backoff: { baseMs: 50, capMs: 100 },
    });
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
    // replayed, the hub says recovered:false, and the room is rebuilt from what history holds.
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
});
