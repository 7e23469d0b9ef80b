/**
 * The SDK keeps a connection authorised: it refreshes in band on `token_expiring`, reconnects after
 * 4001 only with a new token from getToken, and stops when getToken has nothing new.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ClientError } from '../../hub/client/index.js';
import { connect, token, until } from '../support/hub.js';
import {
  expectNoReconnect,
  sdkClient,
  startObservedHub,
  untilOpen,
  type ObservedHub,
  type SdkClient,
} from '../support/client-harness.js';

const hubs: ObservedHub[] = [];
const clients: SdkClient[] = [];

async function hub(options: Parameters<typeof startObservedHub>[0] = {}): Promise<ObservedHub> {
  // No clock tolerance: a token is dead the moment its exp passes.
  const h = await startObservedHub({ ...options, auth: { clockToleranceSec: 0, ...options.auth } });
  hubs.push(h);
  return h;
}

/** The backoff's ceiling: any reconnect the SDK schedules is due within it. */
const CAP_MS = 100;

function client(
  h: ObservedHub,
  getToken: () => string | Promise<string>,
  options: Parameters<typeof sdkClient>[2] = {},
): SdkClient {
  const c = sdkClient(h.hub, 'alice', { backoff: { baseMs: 20, capMs: CAP_MS }, getToken, ...options });
  clients.push(c);
  return c;
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.client.close();
  for (const h of hubs.splice(0)) await h.hub.close();
});

describe('token refresh in band', () => {
  it('on notice token_expiring asks getToken and sends auth; the connection stays and expiresAt moves', async () => {
    // Every token is "about to expire": the notice comes right after connecting.
    const h = await hub({ tokenExpiryNoticeMs: 3_600_000 });
    const lifetimes = [3600, 7200];
    let calls = 0;
    const c = client(h, () => token(h.hub, { sub: 'alice', ttlSec: lifetimes[Math.min(calls++, 1)]! }));
    await untilOpen(c.client);
    const firstExpiry = c.client.session!.expiresAt;
    const clientId = c.client.session!.clientId;
    await until(() => c.client.session!.expiresAt > firstExpiry, 5000, 'the refreshed expiry');
    expect(calls).toBe(2);
    expect(c.client.session!.expiresAt - firstExpiry).toBeGreaterThan(3_000_000);
    expect(c.client.session!.clientId).toBe(clientId);
    expect(c.sockets.length).toBe(1);
    expect([...h.core.sessions.values()][0]!.identity.expiresAt).toBe(c.client.session!.expiresAt);
  });

  it('tells the app when getToken has nothing new to offer before expiry', async () => {
    const h = await hub({ tokenExpiryNoticeMs: 3_600_000 });
    const fixed = await token(h.hub, { sub: 'alice', ttlSec: 3600 });
    const c = client(h, () => fixed);
    const errors: ClientError[] = [];
    c.client.onError((e) => errors.push(e));
    await until(() => errors.length > 0, 5000, 'the error');
    expect(errors[0]!.code).toBe('token_unavailable');
    expect(c.client.state.status).toBe('open');
  });
});

describe('4001: a new token, or stop', () => {
  it('reconnects with the new token getToken gives after the hub closes an expired connection', async () => {
    const h = await hub({ tokenExpiryNoticeMs: 0 });
    let calls = 0;
    // The first token lives one to two seconds (exp is in whole seconds); later ones an hour.
    const c = client(h, () => token(h.hub, { sub: 'alice', ttlSec: calls++ === 0 ? 2 : 3600 }));
    await untilOpen(c.client);
    const firstId = c.client.session!.clientId;
    await until(
      () => c.client.state.status === 'open' && c.client.session!.clientId !== firstId,
      10_000,
      'the second connection',
    );
    const retry = c.states.find((s) => s.status === 'reconnecting') as { lastClose?: { code: number } };
    expect(retry.lastClose?.code).toBe(4001);
    expect(c.sockets.length).toBe(2);
    // getToken: first connect, then once after 4001 (that token opens the second connection).
    expect(calls).toBe(2);
  });

  it('is not shown open while getToken is asked for a new token after 4001', async () => {
    const h = await hub({ tokenExpiryNoticeMs: 0 });
    let calls = 0;
    let release: (t: string) => void = () => undefined;
    const c = client(h, () =>
      calls++ === 0 ? token(h.hub, { sub: 'alice', ttlSec: 2 }) : new Promise<string>((r) => (release = r)),
    );
    await untilOpen(c.client);
    await until(() => calls === 2, 10_000, 'getToken asked again after 4001');
    // The link is gone and the renewal pending: the app sees the client getting a token.
    expect(c.client.state.status).toBe('connecting');
    release(await token(h.hub, { sub: 'alice', ttlSec: 3600 }));
    await until(() => c.client.state.status === 'open', 10_000, 'open again with the new token');
  });

  it('stops when getToken gives back the same rejected token', async () => {
    const h = await hub({ tokenExpiryNoticeMs: 0, auth: { clockToleranceSec: 1 } });
    // exp is in whole seconds: 2 s leaves at least one second to connect before it passes.
    const fixed = await token(h.hub, { sub: 'alice', ttlSec: 2 });
    const c = client(h, () => fixed);
    await untilOpen(c.client);
    // The hub closes it at exp (its expiry check is an interval, not a faked setTimeout).
    const { closed } = await expectNoReconnect(CAP_MS, () => c);
    expect(closed.code).toBe(4001);
    expect(closed.reason).toMatch(/token expired.*same one/);
    expect(closed.cause).toBe('token_expired');
  });

  it('stops when the hub refuses the upgrade with 401 and the token does not change', async () => {
    const h = await hub();
    const { closed } = await expectNoReconnect(CAP_MS, () => client(h, () => 'not-a-jwt'));
    expect(closed.code).toBe(4001);
    expect(closed.reason).toMatch(/^token rejected \(401: /);
    // The refusal body's `reason` is `invalid`: neither expired nor revoked.
    expect(closed.cause).toBe('token_rejected');
  });

  it('says a revoked token was revoked, from the notice before the close (4001 shares its code with expiry)', async () => {
    const h = await hub();
    const admin = await connect(h.hub, await token(h.hub, { sub: 'root', role: 'admin' }));
    const invite = await admin.request({ type: 'admin', action: 'invite', rooms: ['standup'], ttlMinutes: 5 });
    if (invite.type !== 'ack') throw new Error(`invite refused: ${JSON.stringify(invite)}`);
    const res = await fetch(`${h.hub.url}/api/invites/redeem`, {
      method: 'POST',
      headers: { authorization: `Bearer ${String(invite.token)}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Ada' }),
    });
    const guest = (await res.json()) as { token: string };
    const c = client(h, () => guest.token);
    const notices: unknown[] = [];
    c.client.onNotice((n) => notices.push(n));
    await untilOpen(c.client);
    expect(await admin.request({ type: 'admin', action: 'revoke', jti: String(invite.jti) })).toMatchObject({
      type: 'ack',
    });
    admin.ws.close();
    const { closed } = await expectNoReconnect(CAP_MS, () => c);
    expect(closed).toMatchObject({ code: 4001, cause: 'token_revoked' });
    expect(notices).toEqual([{ type: 'notice', event: 'token_rejected', reason: 'revoked' }]);
  });

  it('retries a refused upgrade when getToken comes up with a valid token', async () => {
    const h = await hub();
    let calls = 0;
    const c = client(h, async () => (calls++ === 0 ? 'not-a-jwt' : token(h.hub, { sub: 'alice' })));
    await untilOpen(c.client);
    expect(c.sockets.length).toBe(2);
    const retry = c.states.find((s) => s.status === 'reconnecting') as { lastClose?: { code: number; reason: string } };
    expect(retry.lastClose?.reason).toMatch(/^401: /);
  });

  it('backs off (and tells the app) while getToken throws, then connects when it works', async () => {
    const h = await hub();
    let calls = 0;
    const c = client(h, async () => {
      if (calls++ < 2) throw new Error('identity provider down');
      return token(h.hub, { sub: 'alice' });
    });
    const errors: ClientError[] = [];
    c.client.onError((e) => errors.push(e));
    await untilOpen(c.client);
    expect(errors.map((e) => e.code)).toEqual(['token_unavailable', 'token_unavailable']);
    expect(errors[0]!.message).toMatch(/identity provider down/);
    expect(c.sockets.length).toBe(1);
  });
});
