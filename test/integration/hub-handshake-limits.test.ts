/**
 * The upgrade handshake under drain, bans and connection limits: 503 while draining, 403 for a
 * banned user, 401 for a revoked token, 429 or 503 past a limit, and the path and Host are checked
 * before the credentials.
 */
import { describe, expect, it } from 'vitest';
import {
  connect,
  expectRefused,
  openSocket,
  rawUpgrade,
  startHub,
  startHubWithCore,
  token,
  until,
} from '../support/hub.js';

describe('draining, bans and connection limits at upgrade', () => {
  it('refuses new upgrades with 503 while draining', async () => {
    const hub = await startHub();
    // A peer that never answers the close handshake keeps the drain going until its timeout.
    const stuck = await rawUpgrade(hub, {
      authorization: `Bearer ${await token(hub, { sub: 'stuck' })}`,
      'Sec-WebSocket-Protocol': 'insight.v1',
    });
    expect(stuck.status).toBe(101);
    const drained = hub.drain(3000);
    await until(() => hub.state === 'draining', 5000, 'draining');
    const r = await expectRefused(hub, await token(hub, { sub: 'late' }));
    expect(r.status).toBe(503);
    expect(r.body.error).toBe('unavailable');
    await drained;
    stuck.destroy();
  });

  it('refuses a banned user with 403 and a revoked token with 401', async () => {
    const { hub, ctx } = await startHubWithCore();
    try {
      await ctx.bans.ban({ sub: 'banned', until: Date.now() + 60_000, reason: 'spam', by: 'test', at: Date.now() });
      const r = await expectRefused(hub, await token(hub, { sub: 'banned' }));
      expect(r.status).toBe(403);
      expect(r.body.error).toBe('forbidden');
      expect(r.body.message).toMatch(/^banned until .*: spam$/);

      await ctx.revocations.revoke('jti-1', Date.now() + 60_000);
      const revoked = await expectRefused(hub, await token(hub, { sub: 'someone', jti: 'jti-1' }));
      expect(revoked.status).toBe(401);
      expect(revoked.body).toEqual({ error: 'unauthorized', message: 'token revoked', reason: 'revoked' });
      const fine = await connect(hub, await token(hub, { sub: 'someone', jti: 'jti-2' }));
      fine.close();
    } finally {
      await hub.close();
    }
  });

  it('limits connections per user with 429, and frees the slot when one closes', async () => {
    const hub = await startHub({ limits: { maxConnectionsPerUser: 2 } });
    try {
      const t = await token(hub, { sub: 'alice' });
      const a = await connect(hub, t);
      const b = await connect(hub, t);
      const r = await expectRefused(hub, t);
      expect(r.status).toBe(429);
      expect(r.body).toEqual({ error: 'rate_limited', message: 'too many connections for this user' });
      // Another user is not affected.
      const bob = await connect(hub, await token(hub, { sub: 'bob' }));
      a.close();
      await a.waitForClose();
      await until(
        async () => {
          const ws = openSocket(hub, t);
          const opened = await new Promise<boolean>((resolve) => {
            ws.on('open', () => resolve(true));
            ws.on('unexpected-response', () => resolve(false));
            ws.on('error', () => resolve(false));
          });
          ws.close();
          return opened;
        },
        5000,
        'a slot for alice',
      );
      await b.pong();
      await bob.pong();
      b.close();
      bob.close();
    } finally {
      await hub.close();
    }
  });

  it('limits connections per IP with 429', async () => {
    const hub = await startHub({ limits: { maxConnectionsPerIp: 2 } });
    try {
      const a = await connect(hub, await token(hub, { sub: 'a' }));
      const b = await connect(hub, await token(hub, { sub: 'b' }));
      const r = await expectRefused(hub, await token(hub, { sub: 'c' }));
      expect(r.status).toBe(429);
      expect(r.body).toEqual({ error: 'rate_limited', message: 'too many connections from this address' });
      await a.pong();
      a.close();
      b.close();
    } finally {
      await hub.close();
    }
  });

  it('limits connections in total with 503', async () => {
    const hub = await startHub({ limits: { maxConnections: 2 } });
    try {
      const a = await connect(hub, await token(hub, { sub: 'a' }));
      const b = await connect(hub, await token(hub, { sub: 'b' }));
      const r = await expectRefused(hub, await token(hub, { sub: 'c' }));
      expect(r.status).toBe(503);
      expect(r.body).toEqual({ error: 'unavailable', message: 'hub connection limit reached' });
      await b.pong();
      a.close();
      b.close();
    } finally {
      await hub.close();
    }
  });

  it('checks the path before the credentials and the Host before the token', async () => {
    const hub = await startHub();
    try {
      expect((await expectRefused(hub, undefined, { path: '/elsewhere' })).status).toBe(404);
      expect((await expectRefused(hub, undefined, { headers: { host: 'evil.example' } })).status).toBe(403);
      expect((await expectRefused(hub, undefined, { origin: 'https://evil.example' })).status).toBe(403);
    } finally {
      await hub.close();
    }
  });
});
