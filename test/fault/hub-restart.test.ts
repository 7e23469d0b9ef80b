/**
 * Fault: the hub is killed (SIGKILL) while publishers publish and subscribers listen, then started
 * again on the same port. Every member must end with every stored message once and in order,
 * nothing left waiting in any SDK, and every room of every client live again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServerHandle } from '../support/redis-server.js';
import { startHubProcess, type HubProcess } from './support/hub-process.js';
import { CLEAN, metricsConnections, runFault } from './support/scenario.js';

const TIMEOUT = { timeout: process.env.FAULT_PROFILE === 'long' ? 900_000 : 240_000 };
const HUB = { heartbeatMs: 1_000 };

let hubs: HubProcess[] = [];
let redis: RedisServerHandle | undefined;

afterEach(async () => {
  await Promise.all(hubs.map((h) => h.stop()));
  await redis?.stop();
  hubs = [];
  redis = undefined;
});

describe('fault: hub SIGKILL and restart', () => {
  it('memory engine: one hub killed and started again', TIMEOUT, async () => {
    const hub = await startHubProcess(HUB);
    hubs.push(hub);
    const { counts } = await runFault({
      name: 'hub SIGKILL + restart (memory)',
      urls: [hub.wsUrl],
      inject: () => hub.stop('SIGKILL'),
      heal: () => hub.start(),
      hubConnections: () => metricsConnections(hub.url),
    });
    expect(counts).toMatchObject(CLEAN);
    expect(counts.recoveryMs).not.toBeNull();
  });

  it('Redis engine: one of two hubs killed (clients move to the other by their URL list) and started again', TIMEOUT, async () => {
    redis = await startRedisServer();
    const a = await startHubProcess({ ...HUB, redis: redis.url });
    const b = await startHubProcess({ ...HUB, redis: redis.url });
    hubs.push(a, b);
    const { counts } = await runFault({
      name: 'hub SIGKILL + restart (Redis, 2 hubs)',
      urls: [a.wsUrl, b.wsUrl],
      inject: () => a.stop('SIGKILL'),
      heal: () => a.start(),
      hubConnections: async () => (await metricsConnections(a.url)) + (await metricsConnections(b.url)),
    });
    expect(counts).toMatchObject(CLEAN);
    expect(counts.recoveryMs).not.toBeNull();
  });
});
