/**
 * Subscribe racing other requests: every subscribe is answered, nobody is left behind in presence,
 * and live frames held during a replay (resumed, overtaken or not) stay bounded by the queue cap.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PresenceMember } from '../../hub/protocol/index.js';
import type { Hub } from '../../hub/server/types.js';
import type { HubCore } from '../../hub/core/hub-core.js';
import {
  connect,
  startHub,
  startHubWithCore,
  token,
  underlyingSocket,
  until,
  type TestClient,
} from '../support/hub.js';

let hub: Hub;
beforeAll(async () => {
  hub = await startHub({ presenceCoalesceMs: 20 });
});
afterAll(() => hub.close());

const client = async (sub: string, role: 'editor' | 'viewer' = 'editor'): Promise<TestClient> =>
  connect(hub, await token(hub, { sub, role, rooms: ['race:*'] }));

const answerTo = (c: TestClient, id: string) =>
  c.waitFor((m) => (m.type === 'ack' || m.type === 'error') && m.id === id);

async function membersOf(room: string): Promise<string[]> {
  const probe = await client('probe');
  const ack = (await probe.request({ type: 'subscribe', room })) as unknown as { members: PresenceMember[] };
  probe.close();
  return ack.members.map((m) => m.sub).filter((s) => s !== 'probe');
}

describe('subscribe races', () => {
  it('answers both of two subscribes to one room sent back to back: the later one wins', async () => {
    const c = await client('twice');
    c.send({ type: 'subscribe', id: 'a', room: 'race:double' });
    c.send({ type: 'subscribe', id: 'b', room: 'race:double' });
    const [a, b] = await Promise.all([answerTo(c, 'a'), answerTo(c, 'b')]);
    expect(a).toMatchObject({ type: 'error', code: 'conflict' });
    expect(b).toMatchObject({ type: 'ack', room: 'race:double' });
    c.close();
  });

  it('answers a subscribe overtaken by an unsubscribe and leaves no presence behind', async () => {
    const c = await client('quick');
    for (let i = 0; i < 20; i++) {
      c.send({ type: 'subscribe', id: `s${i}`, room: `race:quick${i}` });
      c.send({ type: 'unsubscribe', id: `u${i}`, room: `race:quick${i}` });
    }
    for (let i = 0; i < 20; i++) {
      expect((await answerTo(c, `s${i}`)).type).toMatch(/ack|error/);
      expect(await answerTo(c, `u${i}`)).toMatchObject({ type: 'ack' });
    }
    c.ws.terminate();
    await until(() => c.closed !== undefined, 5000, 'close');
    for (let i = 0; i < 20; i++) expect(await membersOf(`race:quick${i}`)).toEqual([]);
  });

  it('removes the presence of a connection whose refreshed token turned it into a service', async () => {
    const c = await client('shifty', 'viewer');
    await c.request({ type: 'subscribe', room: 'race:role' });
    const service = await token(hub, { sub: 'shifty', role: 'service', rooms: ['race:*'] });
    expect(await c.request({ type: 'auth', token: service })).toMatchObject({ type: 'ack' });
    c.close();
    await until(() => c.closed !== undefined, 5000, 'close');
    await until(async () => (await membersOf('race:role')).length === 0, 5000, 'presence gone');
  });
});

describe('a resuming client that stops reading', () => {
  it('is closed with 4008 once the live traffic held during its replay passes the cap', async () => {
    const { hub: small } = await startHubWithCore({
      limits: { maxQueuedBytes: 256 * 1024, messagesPerSecond: 1e6, burst: 1e6, publishBytesPerSecond: 1e12 },
    });
    try {
      const tok = await token(small, { sub: 'x', rooms: ['busy:*'] });
      const pub = await connect(small, tok);
      const first = (await pub.request({ type: 'subscribe', room: 'busy:1' })) as unknown as { epoch: string };
      const data = 'x'.repeat(16 * 1024);
      for (let i = 0; i < 200; i++) await pub.request({ type: 'publish', room: 'busy:1', event: 'e', data });
      const slow = await connect(small, tok);
      underlyingSocket(slow.ws).pause();
      slow.send({ type: 'subscribe', id: 'r', room: 'busy:1', since: { epoch: first.epoch, seq: 0 } });
      // Live traffic keeps coming while the replay waits for the paused reader.
      for (let i = 0; i < 400 && slow.closed === undefined; i++) {
        await pub.request({ type: 'publish', room: 'busy:1', event: 'e', data });
      }
      underlyingSocket(slow.ws).resume();
      expect((await slow.waitForClose(15_000)).code).toBe(4008);
      expect(pub.closed).toBeUndefined();
    } finally {
      await small.close();
    }
  });
});

/**
 * Live frames held while a subscribe replays count toward the cap through `session.heldBytes`. An
 * unsubscribe that overtakes the replay takes the held frames; the overtaken subscribe must not
 * subtract their bytes a second time, or repeating it would switch the cap off. The engine's history
 * read is held open by the test (as a slow Redis would), so live messages arrive meanwhile.
 */
describe('held bytes when a replaying subscribe is overtaken', () => {
  const CAP = 64 * 1024;
  let gated: Hub;
  let core: HubCore;
  let gate: Promise<void> | null = null;
  let openGate: () => void = () => {};
  const closeGate = (): void => void (gate = new Promise<void>((resolve) => (openGate = resolve)));

  beforeAll(async () => {
    ({ hub: gated, core } = await startHubWithCore({
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
  afterAll(() => gated.close());

  const sessionOf = (c: TestClient) => core.sessions.get(c.welcome.clientId)!;

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

  it('an unsubscribe during the subscribe leaves heldBytes at zero', async () => {
    const pub = await connect(gated, await token(gated, { sub: 'pub1', role: 'editor', rooms: ['hb:*'] }));
    const c = await connect(gated, await token(gated, { sub: 'c1', role: 'viewer', rooms: ['hb:*'] }));
    await pub.request({ type: 'subscribe', room: 'hb:1' });
    await overtakenSubscribe(pub, c, 'hb:1', 's1', 3, 100);
    expect(sessionOf(c).heldBytes).toBe(0);
    pub.close();
    c.close();
  });

  it('after repeated overtaken subscribes, held live frames past the cap still close the client with 4008', async () => {
    const pub = await connect(gated, await token(gated, { sub: 'pub2', role: 'editor', rooms: ['hb:*'] }));
    const c = await connect(gated, await token(gated, { sub: 'c2', role: 'viewer', rooms: ['hb:*'] }));
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
    openGate();
    gate = null;
    expect((await c.waitForClose(15_000)).code).toBe(4008);
    pub.close();
  });
});
