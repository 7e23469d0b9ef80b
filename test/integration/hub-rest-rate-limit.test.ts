/**
 * REST publishes are rate limited per token `sub` and per client address: past the burst the hub
 * answers 429 `rate_limited` and stores nothing. Refill rates are tiny so timing cannot matter.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Hub } from '../../hub/server/types.js';
import { httpRequest, startHub, token } from '../support/hub.js';

let hub: Hub | undefined;
afterEach(async () => {
  await hub?.close();
  hub = undefined;
});

async function publish(h: Hub, sub: string, data: unknown): Promise<Awaited<ReturnType<typeof httpRequest>>> {
  const tok = await token(h, { sub, role: 'editor', rooms: ['dashboard:*'] });
  return httpRequest(h, 'POST', '/api/rooms/dashboard:rate/messages', {
    headers: { authorization: `Bearer ${tok}`, 'content-type': 'application/json' },
    body: JSON.stringify({ event: 'e', data }),
  });
}

describe('REST publish rate limit', () => {
  it('answers 429 rate_limited per user past the burst, and stores nothing for it', async () => {
    hub = await startHub({ limits: { restMessagesPerSecond: 0.001, restBurst: 3 } });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await publish(hub, 'ed', i)).status);
    expect(statuses).toEqual([201, 201, 201, 429, 429]);
    const refused = await publish(hub, 'ed', 'x');
    expect(refused.body).toEqual({ error: 'rate_limited', message: expect.any(String) });
    expect(refused.headers['retry-after']).toBe('1');
    // Another user has its own bucket; the room's seq shows the refused ones were never stored.
    const other = await publish(hub, 'other', 'y');
    expect(other.status).toBe(201);
    expect(other.body.seq).toBe(4);
  });

  it('limits one address however many users it publishes as', async () => {
    hub = await startHub({ limits: { restMessagesPerSecondPerIp: 0.001, restBurstPerIp: 4 } });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await publish(hub, `user${i}`, i)).status);
    expect(statuses).toEqual([201, 201, 201, 201, 429, 429]);
  });

  it('lets a normal publisher through with the defaults', async () => {
    hub = await startHub();
    const statuses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => publish(hub!, 'engine', i).then((r) => r.status)),
    );
    expect(statuses.every((s) => s === 201)).toBe(true);
  });
});
