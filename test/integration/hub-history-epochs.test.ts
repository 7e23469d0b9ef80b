/**
 * After an epoch change (a restarted memory hub, a malformed since, a new Redis), a resuming
 * subscribe gets `recovered: false` with every message the new epoch holds, in order.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Hub } from '../../hub/server/types.js';
import { startHub, tempDir, until } from '../support/hub.js';
import { startRedisServer, type RedisServerHandle } from '../support/redis-server.js';
import { client, closeClients, publishMany, range, replayed, seqs } from '../support/history-clients.js';

describe('after an epoch change, a resume gets recovered:false and every message of the new epoch', () => {
  const hubs: Hub[] = [];
  let redis: RedisServerHandle | undefined;
  afterEach(async () => {
    closeClients();
    for (const h of hubs.splice(0)) await h.close();
    await redis?.stop();
    redis = undefined;
  });

  it('memory engine: a restarted hub replays what was published after the restart', async () => {
    const dataDir = tempDir();
    const before = await startHub({ dataDir });
    hubs.push(before);
    const tab = await client(before, 'tab');
    await tab.request({ type: 'subscribe', room: 'dashboard:42' });
    await publishMany(tab, 'dashboard:42', 3);
    await tab.waitFor((m) => m.type === 'message' && m.seq === 3);
    const old = tab.messages('dashboard:42').at(-1)!;
    await before.close();

    const after = await startHub({ dataDir });
    hubs.push(after);
    const backend = await client(after, 'backend');
    // Published before the tab is back: the alert the issue lost.
    await backend.request({
      type: 'publish',
      room: 'dashboard:42',
      event: 'alert',
      data: { id: 'a1', severity: 'critical', title: 'Disk', body: 'full' },
    });
    await backend.request({ type: 'publish', room: 'dashboard:42', event: 'refresh', data: {} });

    const back = await client(after, 'tab');
    const ack = await back.request({
      type: 'subscribe',
      room: 'dashboard:42',
      since: { epoch: old.epoch, seq: old.seq },
    });
    expect(ack).toMatchObject({ type: 'ack', recovered: false, reason: 'epoch_changed', seq: 2 });
    expect(ack.epoch).not.toBe(old.epoch);
    expect(await replayed(back, 'dashboard:42')).toEqual([1, 2]);
    expect(back.messages('dashboard:42').map((m) => m.event)).toEqual(['alert', 'refresh']);
    expect(back.messages('dashboard:42').every((m) => m.epoch === ack.epoch)).toBe(true);
    // And live delivery goes on after the replay, without a duplicate.
    await backend.request({ type: 'publish', room: 'dashboard:42', event: 'refresh', data: {} });
    await back.waitFor((m) => m.type === 'message' && m.seq === 3);
    expect(seqs(back.messages('dashboard:42'))).toEqual([1, 2, 3]);
  });

  it('a malformed since fails closed the same way: recovered:false and the room as it is now', async () => {
    const h = await startHub();
    hubs.push(h);
    const c = await client(h, 'c');
    await publishMany(c, 'r', 2);
    const ack = await c.request({ type: 'subscribe', room: 'r', since: { epoch: 7 } });
    expect(ack).toMatchObject({ recovered: false, reason: 'epoch_changed' });
    expect(await replayed(c, 'r')).toEqual([1, 2]);
  });

  it(
    'redis engine: a Redis that lost its data is a new epoch, and a resume gets all of it',
    { timeout: 60_000 },
    async () => {
      redis = await startRedisServer();
      const h = await startHub({ redis: redis.url });
      hubs.push(h);
      const tab = await client(h, 'tab');
      await tab.request({ type: 'subscribe', room: 'dashboard:r' });
      await publishMany(tab, 'dashboard:r', 3);
      await tab.waitFor((m) => m.type === 'message' && m.seq === 3);
      const old = tab.messages('dashboard:r').at(-1)!;
      tab.close();

      expect(await redis.command('FLUSHALL')).toBe('+OK');
      const backend = await client(h, 'backend');
      let newEpoch = '';
      await until(
        async () => {
          const a = await backend.request({ type: 'publish', room: 'dashboard:r', event: 'alert', data: { n: 1 } });
          newEpoch = String(a.epoch);
          return a.type === 'ack';
        },
        20_000,
        'a publish in the new epoch',
      );
      await backend.request({ type: 'publish', room: 'dashboard:r', event: 'alert', data: { n: 2 } });
      expect(newEpoch).not.toBe(old.epoch);

      const back = await client(h, 'tab');
      const ack = await back.request({
        type: 'subscribe',
        room: 'dashboard:r',
        since: { epoch: old.epoch, seq: old.seq },
      });
      expect(ack).toMatchObject({ recovered: false, reason: 'epoch_changed', epoch: newEpoch });
      await until(() => seqs(back.messages('dashboard:r')).length >= 2, 10_000, 'the new epoch replayed');
      expect(await replayed(back, 'dashboard:r')).toEqual(range(1, Number(ack.seq)));
      expect(back.messages('dashboard:r').map((m) => m.data)).toEqual([{ n: 1 }, { n: 2 }]);
    },
  );
});
