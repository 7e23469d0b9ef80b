/**
 * Fault: one subscriber process is stopped (SIGSTOP) for longer than the hub's heartbeat, so the
 * hub drops its connections, then continued: its clients must notice, resume from their position
 * and miss nothing, while the other subscribers carry on. Memory engine, one hub.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FAULT_TIMEOUT as TIMEOUT, FaultProcesses } from './support/processes.js';
import { CLEAN, metricsConnections, runFault } from './support/scenario.js';

const processes = new FaultProcesses();

afterEach(() => processes.stopAll());

describe('fault: a client process stopped past the heartbeat', () => {
  it('its clients resume and miss nothing; the others are unharmed', TIMEOUT, async () => {
    const h = await processes.hub({ heartbeatMs: 500 });
    const { counts } = await runFault({
      name: 'client SIGSTOP > heartbeat',
      urls: [h.wsUrl],
      inject: async ({ swarms }) => swarms[0]!.pause(),
      heal: async ({ swarms }) => swarms[0]!.resume(),
      hubConnections: () => metricsConnections(h.url),
    });
    expect(counts).toMatchObject(CLEAN);
    expect(counts.recoveryMs).not.toBeNull();
  });
});
