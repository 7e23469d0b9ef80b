/**
 * Fault: the hub is killed (SIGKILL) while publishers publish and subscribers listen, then started
 * again on the same port. Every member must end with every stored message once and in order,
 * nothing left waiting in any SDK, and every room of every client live again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FAULT_TIMEOUT as TIMEOUT, FaultProcesses } from './support/processes.js';
import { CLEAN, metricsConnections, runFault } from './support/scenario.js';

const HUB = { heartbeatMs: 1_000 };
const processes = new FaultProcesses();

afterEach(() => processes.stopAll());

describe('fault: hub SIGKILL and restart', () => {
  it('memory engine: one hub killed and started again', TIMEOUT, async () => {
    const hub = await processes.hub(HUB);
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
    const redis = await processes.redis();
    const a = await processes.hub({ ...HUB, redis: redis.url });
    const b = await processes.hub({ ...HUB, redis: redis.url });
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
