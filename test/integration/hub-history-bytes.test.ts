/**
 * A room's history is bounded by size as well as count and age (`history.maxBytes`, per-pattern
 * overrides): large messages push the oldest out and a resume from before them says `evicted`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../hub/server/types.js';
import { historyPolicyFor } from '../../hub/server/create-hub.js';
import { resolveOptions } from '../../hub/server/options.js';
import { connect, startHub, token, type TestClient } from '../support/hub.js';

let hub: Hub;
let client: TestClient;

beforeAll(async () => {
  hub = await startHub({ history: { maxBytes: 20_000, rooms: [{ pattern: 'big:*', maxBytes: 1_000_000 }] } });
  client = await connect(hub, await token(hub, { sub: 'ed', rooms: ['*'] }));
});
afterAll(async () => {
  client.close();
  await hub.close();
});

async function publishBig(room: string, count: number): Promise<{ epoch: string }> {
  let last: Record<string, unknown> = {};
  for (let i = 0; i < count; i++)
    last = await client.request({ type: 'publish', room, event: 'e', data: 'x'.repeat(8_000) });
  return last as { epoch: string };
}

describe('history size bound', () => {
  it('defaults to 8 MiB per room and applies per-pattern overrides', () => {
    expect(historyPolicyFor(resolveOptions({}))('any').maxBytes).toBe(8 * 1024 * 1024);
    const policy = historyPolicyFor(
      resolveOptions({ history: { maxBytes: 5, rooms: [{ pattern: 'big:*', maxBytes: 100 }] } }),
    );
    expect([policy('big:1').maxBytes, policy('small').maxBytes]).toEqual([100, 5]);
  });

  it('evicts the oldest messages once a room holds more than maxBytes', async () => {
    const { epoch } = await publishBig('dashboard:bytes', 5);
    const resumed = await client.request({ type: 'subscribe', room: 'dashboard:bytes', since: { epoch, seq: 0 } });
    expect(resumed).toMatchObject({ recovered: false, reason: 'evicted' });
    const recent = await client.request({ type: 'subscribe', room: 'dashboard:bytes', since: { epoch, seq: 3 } });
    expect(recent).toMatchObject({ type: 'ack', seq: 5 });
    expect(recent.recovered).not.toBe(false);
  });

  it('keeps everything in a room whose pattern allows more', async () => {
    const { epoch } = await publishBig('big:1', 5);
    const resumed = await client.request({ type: 'subscribe', room: 'big:1', since: { epoch, seq: 0 } });
    expect(resumed.recovered).not.toBe(false);
    await client.waitFor((m) => m.type === 'message' && m.room === 'big:1' && m.seq === 5);
  });
});
