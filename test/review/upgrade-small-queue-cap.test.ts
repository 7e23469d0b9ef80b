/**
 * Review: the upgrade corks the socket so the 101 and the welcome leave in one write, and attach
 * flushes the welcome while the socket is still corked. The outbox then measures the socket's
 * unsent bytes (the 101 head plus the welcome) against the slow-consumer cap: with a small cap, a
 * client that has not even had the chance to read is closed as a slow consumer on connect.
 */
import { describe, expect, it } from 'vitest';
import { connect, startHub, token } from '../support/hub.js';

describe('welcome with a small queue cap', () => {
  it.each([512, 1024])('a fresh connection is not a slow consumer with maxQueuedBytes = %i', async (cap) => {
    const hub = await startHub({ limits: { maxQueuedBytes: cap } });
    try {
      const c = await connect(hub, await token(hub, { sub: 'small', name: 'n'.repeat(128), rooms: ['r:*'] }));
      const frameBytes = Buffer.byteLength(JSON.stringify(c.welcome));
      // The welcome alone fits well inside the cap.
      expect(frameBytes).toBeLessThan(cap);
      // Had the welcome made it a slow consumer, the close would come before this pong.
      const pong = c.waitFor((m) => m.type === 'pong' && m.id === 'alive');
      c.send({ type: 'ping', id: 'alive' });
      expect((await pong).type).toBe('pong');
      expect(c.closed).toBeUndefined();
      c.close();
    } finally {
      await hub.close();
    }
  });
});
