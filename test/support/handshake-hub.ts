/**
 * Test support: the HS256 hub the handshake tests share, and a bystander connected throughout that
 * every refusal must leave connected and answering.
 */
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { Hub } from '../../hub/server/types.js';
import { connect, startHub, token, type TestClient } from './hub.js';
import type { Logger } from '../../hub/server/logger.js';

/** Register the describe block's hooks: `started` receives the hub once it listens. */
export function useHandshakeHub(logger: Logger, started: (hub: Hub) => void): void {
  let hub: Hub;
  let bystander: TestClient;
  beforeAll(async () => {
    hub = await startHub({
      logger,
      allowedOrigins: ['https://allowed.example'],
      limits: { maxConnectionsPerUser: 1000 },
    });
    started(hub);
    bystander = await connect(hub, await token(hub, { sub: 'bystander' }));
  });
  afterEach(async () => {
    // Whatever the last refusal was, the connected client carries on.
    expect(bystander.closed).toBeUndefined();
    await bystander.pong();
  });
  afterAll(async () => {
    bystander.close();
    await hub.close();
  });
}
