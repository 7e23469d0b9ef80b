/**
 * Graceful drain: SIGTERM/SIGINT to a real `insight-hub serve` process, and the `drain()` API.
 * New upgrades and /readyz answer 503, every client gets `notice shutdown` then 1001, and the hub
 * is gone once the drain timeout has passed even if a peer never completes its close.
 */
import { describe, expect, it } from 'vitest';
import type { Hub } from '../../hub/server/types.js';
import {
  TestClient,
  connect,
  expectRefused,
  httpRequest,
  rawUpgrade,
  serveHub,
  startHub,
  token,
  until,
} from '../support/hub.js';

const DRAIN_MS = 3000;

/** A peer that completed the upgrade but never answers the close handshake (keeps a drain busy). */
async function stuckPeer(hub: Hub): Promise<Awaited<ReturnType<typeof rawUpgrade>>> {
  const peer = await rawUpgrade(hub, {
    authorization: `Bearer ${await token(hub, { sub: 'stuck' })}`,
    'Sec-WebSocket-Protocol': 'insight.v1',
  });
  expect(peer.status).toBe(101);
  await until(() => peer.messages().some((m) => m.type === 'welcome'), 5000, 'welcome');
  return peer;
}

function expectNoticeThenGoingAway(c: TestClient, closed: { code: number }): void {
  expect(closed.code).toBe(1001);
  const last = c.received[c.received.length - 1];
  expect(last).toMatchObject({ type: 'notice', event: 'shutdown', reconnectAfterMs: expect.any(Number) });
  expect(c.received.filter((m) => m.type === 'notice')).toHaveLength(1);
}

describe('SIGTERM to insight-hub serve', { timeout: 90_000 }, () => {
  it('refuses new upgrades and readiness with 503, sends notice shutdown then 1001, and exits', async () => {
    const served = await serveHub(['--drain-timeout-ms', String(DRAIN_MS), '--heartbeat-ms', '60000']);
    const { hub } = served;
    try {
      expect((await httpRequest(hub, 'GET', '/readyz')).status).toBe(200);
      const a = await connect(hub, await token(hub, { sub: 'a', rooms: ['d:*'] }));
      const b = await connect(hub, await token(hub, { sub: 'b', rooms: ['d:*'] }), { via: 'subprotocol' });
      await a.request({ type: 'subscribe', room: 'd:1' });
      const stuck = await stuckPeer(hub);

      served.child.kill('SIGTERM');
      const [ca, cb] = await Promise.all([a.waitForClose(10_000), b.waitForClose(10_000)]);
      expectNoticeThenGoingAway(a, ca);
      expectNoticeThenGoingAway(b, cb);

      // The stuck peer holds the drain open: the hub still answers, and says it is not ready.
      expect(served.child.exitCode).toBeNull();
      const refused = await expectRefused(hub, await token(hub, { sub: 'late' }));
      expect(refused.status).toBe(503);
      expect(refused.body.error).toBe('unavailable');
      const ready = await httpRequest(hub, 'GET', '/readyz');
      expect(ready.status).toBe(503);
      expect(ready.body.error).toBe('unavailable');
      expect((await httpRequest(hub, 'GET', '/healthz')).status).toBe(200);

      // The stuck peer got the notice and the close frame too, and is cut off at the timeout.
      await until(() => stuck.closeCode !== undefined, 5000, 'close frame to the stuck peer');
      expect(stuck.closeCode).toBe(1001);
      expect(stuck.messages().some((m) => m.type === 'notice' && m.event === 'shutdown')).toBe(true);

      // Bounded generously: without the drain timeout the stuck peer would hold it for 30 s.
      const exit = await Promise.race([
        served.exited,
        new Promise((r) => setTimeout(() => r('still running'), DRAIN_MS + 12_000)),
      ]);
      expect(exit).toBe(0);
      await until(() => stuck.ended, 5000, 'stuck peer disconnected');
      expect(served.stderr()).toMatch(/SIGTERM, draining/);
    } finally {
      if (served.child.exitCode === null) served.child.kill('SIGKILL');
    }
  });

  it('exits promptly on SIGINT when nobody is connected', async () => {
    const served = await serveHub(['--drain-timeout-ms', String(DRAIN_MS)]);
    try {
      served.child.kill('SIGINT');
      expect(await served.exited).toBe(0);
      expect(served.stderr()).toMatch(/SIGINT, draining/);
    } finally {
      if (served.child.exitCode === null) served.child.kill('SIGKILL');
    }
  });
});

describe('drain() API', () => {
  it('notices and closes every client with 1001, refuses upgrades meanwhile, then closes the hub', async () => {
    const hub = await startHub({ reconnectAfterMs: 1234 });
    const clients = await Promise.all(['x', 'y', 'z'].map(async (sub) => connect(hub, await token(hub, { sub }))));
    const stuck = await stuckPeer(hub);
    const draining = hub.drain(DRAIN_MS);
    expect(hub.state).toBe('draining');
    const closes = await Promise.all(clients.map((c) => c.waitForClose(10_000)));
    clients.forEach((c, i) => {
      expectNoticeThenGoingAway(c, closes[i]!);
      expect(c.received[c.received.length - 1]).toMatchObject({ reconnectAfterMs: 1234 });
    });
    expect((await expectRefused(hub, await token(hub, { sub: 'late' }))).status).toBe(503);
    expect((await httpRequest(hub, 'GET', '/readyz')).status).toBe(503);
    await draining;
    expect(hub.state).toBe('closed');
    await until(() => stuck.ended, 5000, 'stuck peer disconnected');
    // Nothing listens any more.
    await expect(httpRequest(hub, 'GET', '/healthz')).rejects.toThrow(/ECONNREFUSED/);
    // A second drain is a no-op.
    await hub.drain(DRAIN_MS);
  });

  it('finishes as soon as every client is gone, well inside the timeout', async () => {
    const hub = await startHub();
    const c = await connect(hub, await token(hub, { sub: 'only' }));
    let finished = false;
    const draining = hub.drain(60_000).then(() => (finished = true));
    const closed = await c.waitForClose(10_000);
    expectNoticeThenGoingAway(c, closed);
    // The client completed the close handshake: the drain ends without waiting for its timeout.
    await until(() => finished, 10_000, 'drain finished');
    await draining;
    expect(hub.state).toBe('closed');
  });
});
