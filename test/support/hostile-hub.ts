/** Test support for the hostile-peer tests: hubs closed after each test, and a neighbour that must keep being served. */
import { expect, vi } from 'vitest';
import type { Hub } from '../../hub/server/types.js';
import type { HubOptionsInput } from '../../hub/server/options.js';
import { connect, startHub, token, type TestClient } from './hub.js';

const hubs: Hub[] = [];

/** For `afterEach`: undo spies and close every hub `hubWith` started. */
export async function closeHubs(): Promise<void> {
  vi.restoreAllMocks();
  await Promise.all(hubs.splice(0).map((h) => h.close()));
}

export async function hubWith(options: HubOptionsInput = {}): Promise<Hub> {
  const hub = await startHub(options);
  hubs.push(hub);
  return hub;
}

/** A healthy client on another address; `answers()` proves the hub still serves it. */
export async function neighbour(hub: Hub): Promise<{ client: TestClient; answers(): Promise<void> }> {
  const client = await connect(hub, await token(hub, { sub: 'neighbour' }), { localAddress: '127.0.0.2' });
  return {
    client,
    async answers() {
      await client.pong();
      expect(await client.request({ type: 'publish', room: 'dashboard:calm', event: 'e', data: 1 })).toMatchObject({
        type: 'ack',
      });
    },
  };
}
