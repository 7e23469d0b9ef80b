/** The SDK in a big room against a real hub: exact count, the first page, the rest on request, diffs after. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, token, until, type TestClient } from '../support/hub.js';
import { sdkClient, startObservedHub, type ObservedHub, type SdkClient } from '../support/client-harness.js';

let h: ObservedHub;
const raw: TestClient[] = [];
let sdk: SdkClient | undefined;

beforeAll(async () => {
  h = await startObservedHub({ limits: { maxConnectionsPerUser: 1000, maxConnectionsPerIp: 5000 } });
});

afterAll(async () => {
  sdk?.client.close();
  for (const c of raw) c.ws.terminate();
  await h.hub.close();
});

describe('SDK presence in a big room', { timeout: 60_000 }, () => {
  it('knows the count and first page at once, loads the rest on request, and stays exact with diffs', async () => {
    const room = 'dashboard:big';
    for (let i = 0; i < 140; i += 20) {
      await Promise.all(
        Array.from({ length: 20 }, async (_, k) => {
          const c = await connect(h.hub, await token(h.hub, { sub: `m-${i + k}`, role: 'viewer' }));
          raw.push(c);
          await c.request({ type: 'subscribe', room });
        }),
      );
    }
    sdk = sdkClient(h.hub, 'watcher');
    const handle = sdk.client.room(room);
    await until(() => handle.memberCount === 141, 10_000, 'the ack');
    // The first page, plus whoever the diffs still in flight name (the last joiners).
    expect(handle.members.length).toBeGreaterThanOrEqual(100);
    expect(handle.membersComplete).toBe(false);

    const all = await handle.loadMembers();
    expect(all).toHaveLength(141);
    expect(handle.membersComplete).toBe(true);

    const leaving = raw.shift()!;
    const typist = raw[0]!;
    leaving.ws.terminate();
    typist.send({ type: 'presence', room, state: { typing: true } });
    await until(
      () =>
        handle.memberCount === 140 &&
        handle.members.length === 140 &&
        handle.members.some((m) => m.clientId === typist.welcome.clientId && m.state.typing === true),
      10_000,
      'the leave and the update',
    );
    expect(handle.members.some((m) => m.clientId === leaving.welcome.clientId)).toBe(false);
  });
});
