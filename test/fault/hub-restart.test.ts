/**
 * Fault: the hub is killed (SIGKILL) while publishers publish and subscribers listen, then started
 * again on the same port. Every member must end with every stored message once and in order,
 * nothing left waiting in any SDK, and every room of every client live again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { HubOptionsInput } from '../../hub/server/options.js';
import { FAULT_TIMEOUT as TIMEOUT, FaultProcesses } from './support/processes.js';
import { CLEAN, metricsConnections, runFault } from './support/scenario.js';

const HUB = { heartbeatMs: 1_000 };
/**
 * The embedded engine with its history on SQLite in the data directory (`history.store`, from the
 * durable-history change; a hub without it ignores the field and runs on memory).
 */
const DURABLE = { history: { store: 'sqlite' } } as unknown as HubOptionsInput;
const processes = new FaultProcesses();

afterEach(() => processes.stopAll());

describe('fault: hub SIGKILL and restart', () => {
  /** One embedded-engine hub killed and started again on its port and data directory. */
  async function killOneHub(name: string, settings: HubOptionsInput) {
    const hub = await processes.hub({ ...HUB, ...settings });
    const result = await runFault({
      name,
      urls: [hub.wsUrl],
      inject: () => hub.stop('SIGKILL'),
      heal: () => hub.start(),
      hubConnections: () => metricsConnections(hub.url),
    });
    expect(result.counts).toMatchObject(CLEAN);
    expect(result.counts.recoveryMs).not.toBeNull();
    return result;
  }

  it('memory engine: one hub killed and started again', TIMEOUT, async () => {
    await killOneHub('hub SIGKILL + restart (memory)', {});
  });

  it(
    'memory engine with durable history (SQLite): killed and started again, clients resume where they were',
    TIMEOUT,
    async () => {
      const { resets } = await killOneHub('hub SIGKILL + restart (memory + SQLite history)', DURABLE);
      // Every acknowledged message survived the kill: the epoch is the same, no room was reset.
      expect(resets).toBe(0);
    },
  );

  it(
    'Redis engine: one of two hubs killed (clients move to the other by their URL list) and started again',
    TIMEOUT,
    async () => {
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
    },
  );
});
