/**
 * Review: live frames held while a subscribe replays count toward the queue cap through
 * `session.heldBytes`. When an unsubscribe (or a second subscribe) overtakes a replay, leaveRoom
 * takes the held frames and subtracts their bytes, and then the overtaken subscribe takes the same
 * list again when it notices, subtracting the same bytes a second time. heldBytes goes negative, and
 * a client can repeat this to switch off the cap for frames held during a later replay.
 *
 * The engine's history read is held open by the test (a slow Redis, or a replay waiting for a
 * client that stopped reading, does the same), so live messages arrive during the subscribe.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../hub/server/types.js';
import type { HubContext } from '../../hub/server/create-hub.js';
import { connect, startHubWithCore, token, until, type TestClient } from '../support/hub.js';

const CAP = 64 * 1024;
let hub: Hub;
let core: HubContext['core'];
let gate: Promise<void> | null = null;
let openGate: () => void = () => {};

function closeGate(): void {
  gate = new Promise<void>((resolve) => (openGate = resolve));
}

beforeAll(async () => {
  ({ hub, core } = await startHubWithCore({
    limits: {
      maxQueuedBytes: CAP,
      messagesPerSecond: 1_000_000,
      burst: 1_000_000,
      publishBytesPerSecond: 1e12,
      errorBudget: 1_000_000,
    },
  }));
  const engine = core.engine as unknown as { history: (room: string, since: unknown) => Promise<unknown> };
  const original = engine.history.bind(engine);
  engine.history = async (room, since) => {
    if (gate && room.startsWith('hb:')) await gate;
    return original(room, since);
  };
});
afterAll(() => hub.close());

const sessionOf = (c: TestClient) => core.sessions.get(c.welcome.clientId)!;
const answerTo = (c: TestClient, id: string) =>
  c.waitFor((m) => (m.type === 'ack' || m.type === 'error') && (m as { id?: string }).id === id);

/** One overtaken subscribe with `count` live frames of `size` bytes held meanwhile. */
async function overtakenSubscribe(
  pub: TestClient,
  c: TestClient,
  room: string,
  id: string,
  count: number,
  size: number,
): Promise<void> {
  closeGate();
  c.send({ type: 'subscribe', id, room });
  await until(() => sessionOf(c).inRoom(room), 5000, 'joined');
  for (let i = 0; i < count; i++) await pub.request({ type: 'publish', room, event: 'live', data: 'x'.repeat(size) });
  expect(c.closed).toBeUndefined();
  expect(sessionOf(c).heldFor(room)?.length).toBeGreaterThanOrEqual(count);
  expect(await c.request({ type: 'unsubscribe', room })).toMatchObject({ type: 'ack' });
  openGate();
  gate = null;
  expect(await answerTo(c, id)).toMatchObject({ type: 'error', code: 'conflict' });
}

describe('held bytes when a replaying subscribe is overtaken', () => {
  it('an unsubscribe during the subscribe leaves heldBytes at zero', async () => {
    const pub = await connect(hub, await token(hub, { sub: 'pub1', role: 'editor', rooms: ['hb:*'] }));
    const c = await connect(hub, await token(hub, { sub: 'c1', role: 'viewer', rooms: ['hb:*'] }));
    await pub.request({ type: 'subscribe', room: 'hb:1' });
    await overtakenSubscribe(pub, c, 'hb:1', 's1', 3, 100);
    expect(sessionOf(c).heldBytes).toBe(0);
    pub.close();
    c.close();
  });

  it('after repeated overtaken subscribes, held live frames past the cap still close the client with 4008', async () => {
    const pub = await connect(hub, await token(hub, { sub: 'pub2', role: 'editor', rooms: ['hb:*'] }));
    const c = await connect(hub, await token(hub, { sub: 'c2', role: 'viewer', rooms: ['hb:*'] }));
    await pub.request({ type: 'subscribe', room: 'hb:2' });
    // Each round: ~40 KB held, then overtaken (well under the cap each time).
    for (let round = 0; round < 8; round++) await overtakenSubscribe(pub, c, 'hb:2', `round${round}`, 4, 10_000);

    // Now a subscribe whose replay is slow while the room is busy: > 2 × CAP of live frames held.
    closeGate();
    c.send({ type: 'subscribe', id: 'final', room: 'hb:2' });
    await until(() => sessionOf(c).inRoom('hb:2'), 5000, 'joined');
    for (let i = 0; i < 14; i++) {
      if (c.closed) break;
      await pub.request({ type: 'publish', room: 'hb:2', event: 'burst', data: 'y'.repeat(10_000) });
    }
    const held = sessionOf(c)?.heldBytes;
    openGate();
    gate = null;
    await until(() => c.closed !== undefined, 2000, 'slow-consumer close').catch(() => undefined);
    expect({ closed: c.closed?.code, heldBytesWhileHolding140KB: held }).toMatchObject({ closed: 4008 });
    pub.close();
    c.close();
  });
});
