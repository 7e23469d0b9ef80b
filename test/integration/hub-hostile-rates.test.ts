/**
 * Hostile senders on an in-process hub: an id after 5 KB of data still gets its own answer, the
 * per-user byte rate and the hub-wide history budget hold, and other users go on publishing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { connect, httpRequest, token } from '../support/hub.js';
import { closeHubs, hubWith, neighbour } from '../support/hostile-hub.js';

afterEach(closeHubs);

describe('every error carries the id of its request', () => {
  it('rate-limited publishes whose id comes after 5 KB of data are each answered with their id', async () => {
    // A slow refill: on a busy machine the 215 frames may take a while to arrive, and a bucket
    // refilling at the default rate would have room for every one of them by then.
    const hub = await hubWith({ limits: { messagesPerSecond: 1, burst: 200 } });
    const n = await neighbour(hub);
    const client = await connect(hub, await token(hub, { sub: 'idlast' }));
    const data = { pad: 'y'.repeat(5000), nested: { id: 'not-this-one' } };
    const sent = 215; // past the burst of 200, within the 20 strikes
    for (let i = 0; i < sent; i++)
      client.send(JSON.stringify({ type: 'publish', room: 'dashboard:1', event: 'e', data, id: `late${i}` }));
    // A last request, answered (pong, or rate_limited with its id) after every publish before it.
    client.send({ type: 'ping', id: 'after' });
    await client.waitFor((m) => 'id' in m && m.id === 'after');
    const answers = client.received.filter(
      (m) => (m.type === 'ack' || m.type === 'error') && m.id !== 'after',
    ) as Array<{ type: string; id?: string; code?: string }>;
    const errors = answers.filter((m) => m.type === 'error');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((e) => e.code === 'rate_limited')).toBe(true);
    expect(answers.map((a) => a.id).sort()).toEqual(Array.from({ length: sent }, (_, i) => `late${i}`).sort());
    await n.answers();
  });
});

describe('publish byte rate per user', () => {
  it("past the byte rate a publish gets rate_limited with its id, across the user's connections; other users publish on", async () => {
    const hub = await hubWith({ limits: { publishBytesPerSecond: 1000, publishBurstBytes: 50_000 } });
    const n = await neighbour(hub);
    const tok = await token(hub, { sub: 'bulk' });
    const [a, b] = [await connect(hub, tok), await connect(hub, tok)];
    const big = { blob: 'z'.repeat(20_000) };
    expect(await a.request({ type: 'publish', room: 'dashboard:bulk', event: 'e', data: big })).toMatchObject({
      type: 'ack',
    });
    expect(await b.request({ type: 'publish', room: 'dashboard:bulk', event: 'e', data: big })).toMatchObject({
      type: 'ack',
    });
    const refused = await a.request({ type: 'publish', room: 'dashboard:bulk', event: 'e', data: big });
    expect(refused).toMatchObject({
      type: 'error',
      code: 'rate_limited',
      message: expect.stringContaining('publish byte rate'),
    });
    expect(refused.id).toMatch(/^r\d+$/);
    expect(await b.request({ type: 'publish', room: 'dashboard:bulk', event: 'e', data: big })).toMatchObject({
      type: 'error',
      code: 'rate_limited',
    });
    await n.answers();
  });
});

describe('hub-wide history budget (memory engine)', () => {
  it('past the budget the oldest messages of any room go first: resuming past them is evicted, the newest stay, /metrics shows it', async () => {
    const hub = await hubWith({ history: { budgetBytes: 100_000 } });
    const n = await neighbour(hub);
    const client = await connect(hub, await token(hub, { sub: 'writer' }));
    // A member keeps dashboard:h0 (and its epoch) alive while its history is evicted.
    const member = await connect(hub, await token(hub, { sub: 'member' }));
    await member.request({ type: 'subscribe', room: 'dashboard:h0' });
    const data = { blob: 'h'.repeat(10_000) };
    const acks = [];
    for (let i = 0; i < 40; i++)
      acks.push(await client.request({ type: 'publish', room: `dashboard:h${i}`, event: 'e', data }));
    expect(acks.every((a) => a.type === 'ack')).toBe(true);
    const first = acks[0] as unknown as { epoch: string };
    const oldest = await client.request({
      type: 'subscribe',
      room: 'dashboard:h0',
      since: { epoch: first.epoch, seq: 0 },
    });
    expect(oldest).toMatchObject({ type: 'ack', recovered: false, reason: 'evicted' });
    const last = acks[39] as unknown as { epoch: string };
    const newest = await client.request({
      type: 'subscribe',
      room: 'dashboard:h39',
      since: { epoch: last.epoch, seq: 0 },
    });
    expect(newest).toMatchObject({ type: 'ack', recovered: true });
    const metrics = (await httpRequest(hub, 'GET', '/metrics')).text;
    const used = Number(/^insight_hub_history_bytes (\d+)/m.exec(metrics)?.[1]);
    expect(used).toBeGreaterThan(0);
    expect(used).toBeLessThanOrEqual(100_000);
    expect(metrics).toMatch(/^insight_hub_history_budget_bytes 100000$/m);
    expect(Number(/^insight_hub_history_evicted_total (\d+)/m.exec(metrics)?.[1])).toBeGreaterThan(20);
    await n.answers();
  });
});
