/**
 * The SDK reconnects exactly when the protocol says: never after 4003/4004 (or before a ban ends),
 * with capped jittered backoff after drops and dead links, and after a shutdown notice's delay.
 */
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { NoticeMessage, ResumeFailure } from '../../hub/protocol/index.js';
import type { ClientError, ConnectionState } from '../../hub/client/index.js';
import { until } from '../support/hub.js';
import {
  sdkClient,
  sessionOf,
  startObservedHub,
  expectNoReconnect,
  untilClosed,
  untilOpen,
  type ObservedHub,
  type SdkClient,
} from '../support/client-harness.js';

const hubs: ObservedHub[] = [];
const clients: SdkClient[] = [];

async function hub(options: Parameters<typeof startObservedHub>[0] = {}): Promise<ObservedHub> {
  const h = await startObservedHub(options);
  hubs.push(h);
  return h;
}

/** The backoff's ceiling: any reconnect the SDK schedules is due within it. */
const CAP_MS = 100;

function client(h: ObservedHub, sub: string, options: Parameters<typeof sdkClient>[2] = {}): SdkClient {
  const c = sdkClient(h.hub, sub, { backoff: { baseMs: 20, capMs: CAP_MS }, ...options });
  clients.push(c);
  return c;
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.client.close();
  for (const h of hubs.splice(0)) await h.hub.close();
});

/** The hub has let go of every session of `sub`. */
const untilGone = (h: ObservedHub, sub: string): Promise<void> =>
  until(() => ![...h.core.sessions.values()].some((s) => s.user.sub === sub), 10_000, `${sub} gone from the hub`);

describe('no reconnect after 4003, 4004, nor after 4005 before the ban ends; the app is told why', () => {
  it('4004 kicked: stops with the kick reason, and the notice reaches onNotice', async () => {
    const h = await hub();
    const c = client(h, 'alice');
    const notices: NoticeMessage[] = [];
    const errors: ClientError[] = [];
    c.client.onNotice((n) => notices.push(n));
    c.client.onError((e) => errors.push(e));
    await untilOpen(c.client);
    const { closed } = await expectNoReconnect(CAP_MS, async () => {
      await h.core.engine.control({
        kind: 'kick',
        clientId: c.client.session!.clientId,
        reason: 'please take a break',
      });
      return c;
    });
    expect(closed).toEqual({ status: 'closed', code: 4004, reason: 'please take a break', cause: 'kicked' });
    expect(notices).toEqual([{ type: 'notice', event: 'kicked', reason: 'please take a break' }]);
    expect(errors.map((e) => [e.code, e.closeCode])).toEqual([['connection_closed', 4004]]);
    await untilGone(h, 'alice');
  });

  it('4005 banned: stops with the ban reason and until when', async () => {
    const h = await hub();
    const c = client(h, 'mallory');
    await untilOpen(c.client);
    const until = Date.now() + 60_000;
    await h.ctx.bans.ban({ sub: 'mallory', until, reason: 'spam', by: 'admin', at: Date.now() });
    const { closed } = await expectNoReconnect(CAP_MS, async () => {
      await h.core.engine.control({ kind: 'ban', sub: 'mallory', until, reason: 'spam' });
      return c;
    });
    expect(closed).toEqual({ status: 'closed', code: 4005, reason: 'spam', cause: 'banned', until });
    await untilGone(h, 'mallory');
  });

  it('4005 banned: connects again once a short ban is over and resumes its room', async () => {
    const h = await hub();
    const c = client(h, 'mallory');
    const seen: unknown[] = [];
    c.client.room('dash:1').on('*', (data) => seen.push(data));
    await untilOpen(c.client);
    await until(() => c.client.room('dash:1').position !== null, 5000, 'subscribed');
    const adminTok = await h.hub.mintToken({ sub: 'root', role: 'admin', rooms: ['*'], ttlSec: 600 });
    // The shortest ban the hub takes (0.02 min = 1.2 s): long enough to see, short enough to wait out.
    const res = await fetch(`${h.hub.url}/api/bans`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminTok}`, 'content-type': 'application/json' },
      body: JSON.stringify({ sub: 'mallory', minutes: 0.02, reason: 'cool down' }),
    });
    const ban = (await res.json()) as { until: number };
    expect(res.status).toBe(201);
    expect(await untilClosed(c.client)).toEqual({
      status: 'closed',
      code: 4005,
      reason: 'cool down',
      cause: 'banned',
      until: ban.until,
    });
    const publisher = client(h, 'bob');
    await untilOpen(publisher.client);
    await publisher.client.room('dash:1').publish('while-banned', 1);
    await until(
      () => c.client.state.status === 'open' && c.sockets.length === 2,
      15_000,
      'the reconnect after the ban',
    );
    await until(() => seen.length === 1, 5000, 'the message published during the ban');
    expect(seen).toEqual([1]);
  });

  it('4003 forbidden: stops', async () => {
    const h = await hub();
    const c = client(h, 'alice');
    await untilOpen(c.client);
    const { closed } = await expectNoReconnect(CAP_MS, () => {
      sessionOf(h.core, c.client).end({ code: 4003, reason: 'no longer allowed here' });
      return c;
    });
    expect(closed).toEqual({ status: 'closed', code: 4003, reason: 'no longer allowed here', cause: 'forbidden' });
    await untilGone(h, 'alice');
  });

  it('a banned user refused at upgrade (HTTP 403) waits for the end the refusal body states (`until`) instead of retrying', async () => {
    const h = await hub();
    const until = Date.now() + 60_000;
    await h.ctx.bans.ban({ sub: 'mallory', until, reason: 'spam', by: 'admin', at: Date.now() });
    const { closed } = await expectNoReconnect(CAP_MS, () => client(h, 'mallory'));
    expect(closed.code).toBe(4005);
    expect(closed.reason).toMatch(/^403: .*spam/);
    expect(closed.until).toBe(until);
  });
});

describe('reconnect with backoff', () => {
  it('retries a hub that is not there with growing, capped, jittered delays, then gives up', async () => {
    // A port nobody listens on: every attempt is refused.
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    await new Promise((r) => server.close(r));
    const { connect } = await import('../../hub/client/index.js');
    const { trackedWebSocket } = await import('../support/client-harness.js');
    const tracked = trackedWebSocket();
    const states: ConnectionState[] = [];
    const c = connect({
      url: `ws://127.0.0.1:${port}/ws`,
      getToken: () => 'unused',
      WebSocket: tracked.WebSocket,
      backoff: { baseMs: 40, capMs: 100, maxAttempts: 5 },
    });
    c.onState((s) => states.push(s));
    const closed = await untilClosed(c);
    const retries = states.filter(
      (s): s is Extract<ConnectionState, { status: 'reconnecting' }> => s.status === 'reconnecting',
    );
    expect(retries.map((s) => s.attempt)).toEqual([1, 2, 3, 4, 5]);
    const ceilings = [40, 80, 100, 100, 100];
    retries.forEach((s, i) => {
      expect(s.inMs).toBeGreaterThanOrEqual(0);
      expect(s.inMs).toBeLessThan(ceilings[i]!);
      expect(s.lastClose?.code).toBe(1006);
    });
    expect(tracked.sockets.length).toBe(6);
    expect(closed.code).toBe(1006);
    expect(closed.reason).toMatch(/^gave up after 5 attempts/);
  });

  it('comes back after a dropped connection and resets the attempt count once open', async () => {
    const h = await hub();
    const c = client(h, 'alice');
    await untilOpen(c.client);
    for (let round = 0; round < 3; round++) {
      c.current().terminate();
      await until(() => c.states.at(-1)?.status === 'open' && c.sockets.length === round + 2, 5000, 'reopen');
    }
    const retries = c.states.filter((s) => s.status === 'reconnecting');
    expect(retries.map((s) => (s as { attempt: number }).attempt)).toEqual([1, 1, 1]);
  });

  it('detects a dead connection with application pings and reconnects', async () => {
    const h = await hub();
    const c = client(h, 'alice', { pingIntervalMs: 100 });
    await untilOpen(c.client);
    const first = c.current();
    // The link goes silent: nothing from the hub is read any more.
    first.pause();
    await until(() => c.sockets.length === 2 && c.client.state.status === 'open', 5000, 'a new connection');
    const dropped = c.states.find((s) => s.status === 'reconnecting') as Extract<
      ConnectionState,
      { status: 'reconnecting' }
    >;
    expect(dropped.lastClose).toEqual({ code: 1006, reason: 'no answer to ping' });
    expect(first.readyState).toBe(first.CLOSED);
  });

  it('reports a policy close (1008) to the app and reconnects', async () => {
    const h = await hub();
    const c = client(h, 'alice');
    const errors: ClientError[] = [];
    c.client.onError((e) => errors.push(e));
    await untilOpen(c.client);
    sessionOf(h.core, c.client).end({ code: 1008, reason: 'too many protocol errors' });
    await until(() => c.sockets.length === 2 && c.client.state.status === 'open', 5000, 'a new connection');
    expect(errors.map((e) => [e.code, e.closeCode])).toEqual([['connection_closed', 1008]]);
  });
});

describe('hub shutdown and restart', () => {
  it("waits the shutdown notice's delay, then resumes on the restarted hub with a reset (new epoch)", async () => {
    const first = await startObservedHub({ reconnectAfterMs: 300 });
    const c = sdkClient(first.hub, 'alice', { backoff: { baseMs: 20, capMs: 100 } });
    clients.push(c);
    const publisher = sdkClient(first.hub, 'bob');
    const room = c.client.room('dash:1');
    const resets: ResumeFailure[] = [];
    room.onReset((r) => resets.push(r));
    const seen: number[] = [];
    room.on('*', (_d, m) => seen.push(m.seq));
    await until(() => room.position !== null, 5000, 'subscribed');
    for (let i = 0; i < 5; i++) await publisher.client.room('dash:1').publish('x', i);
    await until(() => seen.length === 5, 5000, 'five messages');
    const oldEpoch = room.position!.epoch;
    publisher.client.close();

    await first.hub.drain(2000);
    const waiting = c.states.find((s) => s.status === 'reconnecting') as Extract<
      ConnectionState,
      { status: 'reconnecting' }
    >;
    expect(waiting.lastClose?.code).toBe(1001);
    expect(waiting.inMs).toBeGreaterThanOrEqual(300);
    expect(waiting.inMs).toBeLessThan(300 + 20);

    const second = await hub({ port: first.hub.port, reconnectAfterMs: 300 });
    await until(() => resets.length === 1, 10_000, 'the reset');
    expect(resets).toEqual(['epoch_changed']);
    expect(room.position).toEqual({ epoch: expect.any(String), seq: 0 });
    expect(room.position!.epoch).not.toBe(oldEpoch);
    // The stream goes on in the new epoch.
    const other = client(second, 'carol');
    await other.client.room('dash:1').publish('x', 'after restart');
    await until(() => seen.length === 6, 5000, 'the message after the restart');
    expect(seen).toEqual([1, 2, 3, 4, 5, 1]);
  });
});
