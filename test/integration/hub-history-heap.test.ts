/**
 * The history budget counts what messages hold on the heap, not only their JSON length: 57 KB of
 * `[{},{},…]` is 19,000 objects, about 1.2 MB once parsed. Counted by JSON length alone, a hub under
 * a 128 MB heap ran out of memory after about a hundred such publishes from one editor token.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { connect, httpRequest, serveHub, token, type ServedHub } from '../support/hub.js';
import { floodRooms } from '../support/history-flood.js';

const served: ServedHub[] = [];
afterEach(() => {
  for (const s of served.splice(0)) s.child.kill('SIGKILL');
});

const metric = async (s: ServedHub, name: string): Promise<number> => {
  const text = (await httpRequest(s.hub, 'GET', '/metrics')).text;
  return Number(new RegExp(`^insight_hub_${name} (\\S+)$`, 'm').exec(text)?.[1]);
};

describe('history of many small objects under a small heap', { timeout: 120_000 }, () => {
  it('600 publishes of 57 KB of empty objects into 600 rooms under a 128 MB heap: every one acknowledged, the hub stays up', async () => {
    const s = await serveHub(['--publish-bytes-per-second', '1000000000'], {}, 30_000, {
      nodeFlags: ['--max-old-space-size=128'],
    });
    served.push(s);
    const neighbour = await connect(s.hub, await token(s.hub, { sub: 'neighbour' }), { localAddress: '127.0.0.2' });
    const tok = await token(s.hub, { sub: 'flooder' });
    const data = Array.from({ length: 19_000 }, () => ({}));
    const writers = await Promise.all(Array.from({ length: 3 }, () => connect(s.hub, tok)));
    const { outcomes } = await floodRooms(writers, neighbour, 'o', 200, data);
    expect(outcomes.filter((o) => o !== 'ack')).toEqual([]);
    await neighbour.pong(20_000);
    expect(await metric(s, 'history_bytes')).toBeLessThanOrEqual(await metric(s, 'history_budget_bytes'));
    expect(await metric(s, 'history_evicted_total')).toBeGreaterThan(0);
    expect(s.child.exitCode).toBeNull();
  });
});
