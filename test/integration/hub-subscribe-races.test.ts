/**
 * Subscribe racing other requests: every subscribe is answered, nobody is left behind in presence,
 * and a client that resumes and stops reading is still bounded by the queue cap.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PresenceMember } from '../../hub/protocol/index.js';
import type { Hub } from '../../hub/server/types.js';
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
