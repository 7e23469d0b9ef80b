/**
 * A client that stops for good (close(), or out of reconnect attempts) ends its rooms: their state
 * says `left` with `closed` and `room.joined` rejects, instead of showing `joining` and leaving an
 * `await room.joined` hanging forever. Real hub, real sockets.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  sdkClient,
  startObservedHub,
  untilClosed,
  type ObservedHub,
  type SdkClient,
} from '../support/client-harness.js';

const hubs: ObservedHub[] = [];
const clients: SdkClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.client.close();
  for (const h of hubs.splice(0)) await h.hub.close();
});

async function joinedClient(options: Parameters<typeof sdkClient>[2] = {}) {
  const h = await startObservedHub();
  hubs.push(h);
  const c = sdkClient(h.hub, 'alice', options);
  clients.push(c);
  const room = c.client.room('dash:1');
  await room.joined;
  return { h, c, room };
}

describe('rooms of a client stopped for good', () => {
  it('close(): the room is left with closed and room.joined rejects', async () => {
    const { c, room } = await joinedClient();
    c.client.close();
    expect(room.state).toMatchObject({ status: 'left', error: { code: 'closed' } });
    await expect(room.joined).rejects.toMatchObject({ code: 'closed' });
  });

  it('out of reconnect attempts: the room is left with closed and room.joined rejects', async () => {
    const { h, c, room } = await joinedClient({ backoff: { baseMs: 10, capMs: 20, maxAttempts: 2 } });
    await h.hub.close();
    await untilClosed(c.client);
    expect(room.state).toMatchObject({ status: 'left', error: { code: 'closed' } });
    await expect(room.joined).rejects.toMatchObject({ code: 'closed' });
  });
});
