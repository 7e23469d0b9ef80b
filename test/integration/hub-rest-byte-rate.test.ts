/**
 * The per-user publish byte rate holds on both doors: REST publishes draw on the same bucket as
 * WebSocket publishes, so a token cannot move its flood to REST. Past it: 429 rate_limited with
 * Retry-After, nothing stored; another user on the same hub is served.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Hub } from '../../hub/server/types.js';
import { apiCall, connect, startHub, token } from '../support/hub.js';

const hubs: Hub[] = [];
afterEach(async () => {
  for (const h of hubs.splice(0)) await h.close();
});

describe('REST publish byte rate', () => {
  it('refuses past the user byte rate with 429, stores nothing, and serves another user', async () => {
    // 20 KB/s with a 40 KB burst: two 15 KB publishes fit, the third does not.
    const hub = await startHub({ limits: { publishBytesPerSecond: 20_000, publishBurstBytes: 40_000 } });
    hubs.push(hub);
    const editor = await token(hub, { sub: 'guest', role: 'editor', rooms: ['dashboard:*'] });
    const data = 'x'.repeat(15_000);
    const first = await apiCall(hub, 'POST', '/api/rooms/dashboard:b1/messages', editor, { event: 'note', data });
    const second = await apiCall(hub, 'POST', '/api/rooms/dashboard:b2/messages', editor, { event: 'note', data });
    const third = await apiCall(hub, 'POST', '/api/rooms/dashboard:b3/messages', editor, { event: 'note', data });
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(third.status).toBe(429);
    expect(third.body).toMatchObject({ error: 'rate_limited' });
    expect(third.body.message).toContain('publish byte rate exceeded');
    // Nothing stored for the refused one.
    const history = await apiCall(hub, 'GET', '/api/rooms/dashboard:b3/history', editor);
    expect(history.body.messages).toEqual([]);
    // WebSocket publishes of the same user share the bucket.
    const ws = await connect(hub, editor);
    const refused = await ws
      .request({ type: 'publish', room: 'dashboard:b4', event: 'note', data })
      .catch((e: unknown) => e);
    expect(JSON.stringify(refused)).toContain('rate_limited');
    // Another user is served.
    const other = await token(hub, { sub: 'other', role: 'editor', rooms: ['dashboard:*'] });
    expect(
      (await apiCall(hub, 'POST', '/api/rooms/dashboard:b5/messages', other, { event: 'note', data: 'hi' })).status,
    ).toBe(201);
  });
});
