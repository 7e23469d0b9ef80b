/**
 * Under two hubs, a Redis restarted without its data, stalled (`DEBUG SLEEP`) or with its pub/sub
 * connections killed still leaves every member with every stored message once and in order, nothing
 * waiting, every room live again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RedisServerHandle } from '../support/redis-server.js';
import { FAULT_TIMEOUT as TIMEOUT, FaultProcesses } from './support/processes.js';
import { CLEAN, metricsConnections, PROFILE, runFault, type Fault } from './support/scenario.js';

const processes = new FaultProcesses();
let redis: RedisServerHandle | undefined;

afterEach(() => processes.stopAll());

async function twoHubs(): Promise<Pick<Fault, 'urls' | 'hubConnections'>> {
  redis = await processes.redis();
  const a = await processes.hub({ heartbeatMs: 1_000, redis: redis.url });
  const b = await processes.hub({ heartbeatMs: 1_000, redis: redis.url });
  return {
    urls: [a.wsUrl, b.wsUrl],
    hubConnections: async () => (await metricsConnections(a.url)) + (await metricsConnections(b.url)),
  };
}

describe('fault: Redis', () => {
  it('Redis stopped, then started again', TIMEOUT, async () => {
    const { counts } = await runFault({
      name: 'Redis stop/start',
      ...(await twoHubs()),
      inject: () => redis!.stop(),
      heal: () => redis!.restart(),
    });
    expect(counts).toMatchObject(CLEAN);
    expect(counts.recoveryMs).not.toBeNull();
  });

  it('Redis stalled by DEBUG SLEEP', TIMEOUT, async () => {
    let sleeping: Promise<unknown> | undefined;
    const { counts } = await runFault({
      name: 'Redis stalled (DEBUG SLEEP)',
      ...(await twoHubs()),
      // The reply comes when the sleep ends: that is the heal.
      inject: async () =>
        void (sleeping = redis!.command('DEBUG', 'SLEEP', String(PROFILE.faultMs / 1000)).catch(() => undefined)),
      heal: async () => void (await sleeping),
    });
    expect(counts).toMatchObject(CLEAN);
    expect(counts.recoveryMs).not.toBeNull();
  });

  it("the hubs' pub/sub connections killed", TIMEOUT, async () => {
    const { counts } = await runFault({
      name: 'Redis CLIENT KILL TYPE pubsub',
      ...(await twoHubs()),
      inject: async () => void (await redis!.command('CLIENT', 'KILL', 'TYPE', 'pubsub')),
      heal: async () => undefined,
    });
    expect(counts).toMatchObject(CLEAN);
    expect(counts.recoveryMs).not.toBeNull();
  });
});
