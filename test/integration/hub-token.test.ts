/**
 * Tokens over a connection's life: in-band `auth` refresh (same sub only), `notice token_expiring`
 * ahead of `exp`, and `notice token_rejected {reason: expired}` then close 4001 at `exp` when the
 * token was not refreshed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../hub/protocol/index.js';
import type { Hub } from '../../hub/server/types.js';
import type { HubCore } from '../../hub/core/hub-core.js';
import { TestClient, connect, signJwt, startHubWithCore, token } from '../support/hub.js';

const NOTICE_MS = 2500;
let hub: Hub;
let core: HubCore;

beforeAll(async () => {
  // A 1 s clock tolerance: connections close once exp plus the tolerance has passed.
  ({ hub, core } = await startHubWithCore({
    tokenExpiryNoticeMs: NOTICE_MS,
    heartbeatMs: 200,
    auth: { clockToleranceSec: 1 },
  }));
});
afterAll(() => hub.close());

type Notice = Extract<ServerMessage, { type: 'notice' }>;

async function ping(c: TestClient): Promise<void> {
  const id = `p${Math.random().toString(36).slice(2)}`;
  const pong = c.waitFor((m) => m.type === 'pong' && m.id === id);
  c.send({ type: 'ping', id });
  await pong;
}

function expOf(jwt: string): number {
  return (JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as { exp: number }).exp * 1000;
}

describe('in-band auth refresh', () => {
  it('acks a token with the same sub with its expiresAt, and the old exp no longer closes the connection', async () => {
    const short = await token(hub, { sub: 'alice', ttlSec: 5 });
    const c = await connect(hub, short);
    expect(c.welcome.expiresAt).toBe(expOf(short));
    const long = await token(hub, { sub: 'alice', ttlSec: 3600 });
    const ack = await c.request({ type: 'auth', token: long });
    expect(ack).toMatchObject({ type: 'ack', expiresAt: expOf(long) });
    // The hub's expiry check, run as if well past the first token's exp and its tolerance: the
    // connection is still open (a close would come before the pong).
    core.heartbeat.checkExpiry(expOf(short) + 2000);
    await ping(c);
    expect(c.closed).toBeUndefined();
    expect(
      c.received.some((m) => m.type === 'notice' && m.event === 'token_expiring' && m.expiresAt === expOf(long)),
    ).toBe(false);
    c.close();
  });

  it('refuses a token for another sub with unauthorized and keeps the old identity', async () => {
    const c = await connect(hub, await token(hub, { sub: 'alice', role: 'viewer' }));
    const answer = await c.request({ type: 'auth', token: await token(hub, { sub: 'mallory', role: 'admin' }) });
    expect(answer).toMatchObject({ type: 'error', code: 'unauthorized' });
    // Still alice the viewer: publishing stays forbidden.
    expect(await c.request({ type: 'publish', room: 'r:1', event: 'x', data: 1 })).toMatchObject({
      type: 'error',
      code: 'forbidden',
    });
    await ping(c);
    c.close();
  });

  it.each([
    ['garbage', async () => 'not.a.jwt'],
    ['an expired token', async () => signJwt({ sub: 'alice', exp: Math.floor(Date.now() / 1000) - 3600 })],
    [
      'a token signed with another key',
      async () => signJwt({ sub: 'alice' }, { key: new TextEncoder().encode('k'.repeat(48)) }),
    ],
    ['a token for another audience', async () => signJwt({ sub: 'alice', aud: 'elsewhere' })],
  ])('refuses %s with unauthorized', async (_what, make) => {
    const c = await connect(hub, await token(hub, { sub: 'alice' }));
    const answer = await c.request({ type: 'auth', token: await make() });
    expect(answer).toMatchObject({ type: 'error', code: 'unauthorized' });
    await ping(c);
    c.close();
  });

  it('applies the new claims: a wider role can publish, rooms no longer allowed are left', async () => {
    const publisher = await connect(hub, await token(hub, { sub: 'pub' }));
    const c = await connect(hub, await token(hub, { sub: 'bob', role: 'viewer', rooms: ['a:*', 'b:*'] }));
    await c.request({ type: 'subscribe', room: 'a:1' });
    await c.request({ type: 'subscribe', room: 'b:1' });
    const ack = await c.request({
      type: 'auth',
      token: await token(hub, { sub: 'bob', role: 'editor', rooms: ['a:*'] }),
    });
    expect(ack.type).toBe('ack');
    expect((await c.request({ type: 'publish', room: 'a:1', event: 'x', data: 1 })).type).toBe('ack');
    expect(await c.request({ type: 'publish', room: 'b:1', event: 'x', data: 1 })).toMatchObject({
      type: 'error',
      code: 'forbidden',
    });
    await publisher.request({ type: 'publish', room: 'b:1', event: 'gone', data: 1 });
    await publisher.request({ type: 'publish', room: 'a:1', event: 'kept', data: 1 });
    await c.waitFor((m) => m.type === 'message' && m.event === 'kept');
    await ping(c);
    expect(c.messages('b:1')).toHaveLength(0);
    publisher.close();
    c.close();
  });
});

describe('expiry', () => {
  it('sends notice token_expiring before exp, then notice token_rejected {expired} and 4001 once exp (plus the clock tolerance) passes', async () => {
    const t = await token(hub, { sub: 'expiring', ttlSec: 4 });
    const exp = expOf(t);
    const c = await connect(hub, t);
    const notice = (await c.waitFor((m) => m.type === 'notice' && m.event === 'token_expiring', 10_000)) as Notice;
    expect(notice).toEqual({ type: 'notice', event: 'token_expiring', expiresAt: exp });
    expect(c.closed).toBeUndefined();
    const closed = await c.waitForClose(10_000);
    expect(closed.code).toBe(4001);
    expect(closed.reason).toBe('token expired');
    // Not before exp; the warning came first (once), then the cause as data, just before the close.
    expect(Date.now()).toBeGreaterThanOrEqual(exp);
    expect(c.received.filter((m) => m.type === 'notice')).toEqual([
      notice,
      { type: 'notice', event: 'token_rejected', reason: 'expired' },
    ]);
    expect(c.received.at(-1)).toEqual({ type: 'notice', event: 'token_rejected', reason: 'expired' });
  });

  it('a refresh after the notice resets it: a later short token gets its own notice and close', async () => {
    const first = await token(hub, { sub: 'renewer', ttlSec: 4 });
    const c = await connect(hub, first);
    await c.waitFor((m) => m.type === 'notice' && m.event === 'token_expiring', 10_000);
    const second = await token(hub, { sub: 'renewer', ttlSec: 6 });
    expect(expOf(second)).toBeGreaterThan(expOf(first));
    expect(await c.request({ type: 'auth', token: second })).toMatchObject({ type: 'ack', expiresAt: expOf(second) });
    const notice = (await c.waitFor(
      (m) => m.type === 'notice' && m.event === 'token_expiring' && m.expiresAt === expOf(second),
      10_000,
    )) as Notice;
    expect(notice.event).toBe('token_expiring');
    const closed = await c.waitForClose(10_000);
    expect(closed.code).toBe(4001);
    expect(Date.now()).toBeGreaterThanOrEqual(expOf(second));
  });

  it('a long-lived token gets no notice', async () => {
    const c = await connect(hub, await token(hub, { sub: 'calm', ttlSec: 3600 }));
    // The hub's expiry check, now and a minute from now: a notice would come before the pong.
    core.heartbeat.checkExpiry(Date.now());
    core.heartbeat.checkExpiry(Date.now() + 60_000);
    await ping(c);
    expect(c.received.filter((m) => m.type === 'notice')).toHaveLength(0);
    c.close();
  });
});

describe('clock tolerance', () => {
  it('keeps a token admitted inside the tolerance usable until the tolerance has passed', async () => {
    const { hub: tolerant, core: tolerantCore } = await startHubWithCore({ auth: { clockToleranceSec: 30 } });
    try {
      // Expired 5 s ago: admitted within the 30 s tolerance, so it must not be closed at once.
      const t = await signJwt({
        sub: 'late',
        role: 'editor',
        rooms: ['*'],
        aud: 'insight-hub',
        exp: Math.floor(Date.now() / 1000) - 5,
      });
      const c = await connect(tolerant, t);
      await c.request({ type: 'subscribe', room: 'tol:1' });
      // The hub's expiry check, run as if 10 s later (exp + 15 s, inside the tolerance): still open.
      tolerantCore.heartbeat.checkExpiry(Date.now() + 10_000);
      c.send({ type: 'ping', id: 'p' });
      expect(await c.waitFor((m) => m.type === 'pong')).toMatchObject({ type: 'pong', id: 'p' });
      expect(c.closed).toBeUndefined();
      // Run as if the tolerance had passed: closed as expired.
      tolerantCore.heartbeat.checkExpiry(Date.now() + 30_000);
      expect((await c.waitForClose(10_000)).code).toBe(4001);
    } finally {
      await tolerant.close();
    }
  });
});
