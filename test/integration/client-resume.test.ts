/**
 * Across cuts, kills and 4008 the SDK's app callback sees each seq once and in order; publishes
 * made meanwhile go out after resubscribing (once, by key); an evicted window is reported as a
 * reset.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ResumeFailure } from '../../hub/protocol/index.js';
import type { ConnectionState } from '../../hub/client/index.js';
import { token, until } from '../support/hub.js';
import { sdkClient, sessionOf, startObservedHub, type ObservedHub, type SdkClient } from '../support/client-harness.js';

let h: ObservedHub;
const clients: SdkClient[] = [];

const PRESENCE_COALESCE_MS = 50;

async function hub(options: Parameters<typeof startObservedHub>[0] = {}): Promise<ObservedHub> {
  h = await startObservedHub({
    presenceCoalesceMs: PRESENCE_COALESCE_MS,
    limits: { messagesPerSecond: 100_000, burst: 100_000, publishBytesPerSecond: 1e12 },
    ...options,
  });
  return h;
}

function client(sub: string, options: Parameters<typeof sdkClient>[2] = {}): SdkClient {
  const c = sdkClient(h.hub, sub, { backoff: { baseMs: 20, capMs: 100 }, ...options });
  clients.push(c);
  return c;
}

/** A subscriber whose app callback records seqs and flags any that is not the next one. */
function recordSeqs(c: SdkClient, room = 'dash:1') {
  const handle = c.client.room(room);
  const seqs: number[] = [];
  const resets: ResumeFailure[] = [];
  handle.on('*', (_d, m) => seqs.push(m.seq));
  handle.onReset((r) => resets.push(r));
  return { handle, seqs, resets };
}

const oneTo = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

afterEach(async () => {
  for (const c of clients.splice(0)) c.client.close();
  await h.hub.close();
});

describe('resume', () => {
  it('replays what was missed across hub-side kills while publishing goes on: each seq once, in order', async () => {
    await hub();
    const sub = client('alice');
    const rec = recordSeqs(sub);
    const pub = client('bob');
    const room = pub.client.room('dash:1');
    await until(() => rec.handle.position !== null, 5000, 'subscribed');
    const total = 600;
    const publishing = (async () => {
      for (let i = 0; i < total; i += 20) {
        await Promise.all(Array.from({ length: 20 }, (_, k) => room.publish('tick', i + k)));
      }
    })();
    // Kill the subscriber's connection on the hub side three times while messages flow.
    for (let kill = 1; kill <= 3; kill++) {
      await until(() => rec.seqs.length >= (kill * total) / 5, 10_000, `progress ${kill}`);
      const killed = sessionOf(h.core, sub.client);
      killed.terminate();
      await until(
        () => sub.client.state.status === 'open' && sub.client.session!.clientId !== killed.id,
        10_000,
        `reconnect ${kill}`,
      );
    }
    await publishing;
    await until(() => rec.seqs.length >= total, 10_000, 'every message');
    expect(rec.seqs).toEqual(oneTo(total));
    expect(rec.resets).toEqual([]);
    expect(sub.sockets.length).toBe(4);
  });

  it('sends publishes made while reconnecting after resubscribing, in order', async () => {
    await hub();
    const watcher = client('carol');
    const rec = recordSeqs(watcher);
    const pub = client('bob');
    const room = pub.client.room('dash:1');
    await until(() => rec.handle.position !== null && room.position !== null, 5000, 'subscribed');
    const queued: Array<Promise<{ seq: number }>> = [];
    pub.client.onState((s) => {
      // Called as the connection is lost: these must wait for the next one.
      if (s.status === 'reconnecting' && queued.length === 0)
        for (let i = 0; i < 5; i++) queued.push(room.publish('x', i));
    });
    sessionOf(h.core, pub.client).terminate();
    await until(() => queued.length === 5, 5000, 'the queued publishes');
    const acks = await Promise.all(queued);
    expect(acks.map((a) => a.seq)).toEqual(oneTo(5));
    await until(() => rec.seqs.length === 5, 5000, 'delivery');
    expect(rec.seqs).toEqual(oneTo(5));
  });

  it('retries an unanswered publish with its key after the link drops, and the hub stores it once', async () => {
    await hub();
    const pub = client('bob', { pingIntervalMs: 100 });
    const rec = recordSeqs(pub);
    await until(() => rec.handle.position !== null, 5000, 'subscribed');
    // The link goes silent: the hub stores the publish, but its ack is never read, and the
    // client's pings find the link dead. The SDK sends it again (same key) on the next link.
    pub.current().pause();
    const ack = await rec.handle.publish('x', 'maybe');
    expect(ack).toMatchObject({ seq: 1, duplicate: true });
    // The next seq proves nothing else was stored in between; the resume replayed the first
    // (own publishes without echo come back only in a replay), the second is stepped over.
    expect((await rec.handle.publish('x', 'after')).seq).toBe(2);
    await until(() => rec.seqs.length === 1, 5000, 'the replay');
    expect(rec.seqs).toEqual([1]);
  });

  it('resumes at once after 4008 from a paused reader and misses nothing', async () => {
    await hub({
      limits: { messagesPerSecond: 100_000, burst: 100_000, publishBytesPerSecond: 1e12, maxQueuedBytes: 64 * 1024 },
    });
    const slow = client('alice');
    const rec = recordSeqs(slow);
    const pub = client('bob');
    const room = pub.client.room('dash:1');
    await until(() => rec.handle.position !== null, 5000, 'subscribed');
    slow.current().pause();
    const session = sessionOf(h.core, slow.client);
    // Small bursts: the hub's queue must overflow because the reader stopped, not because one
    // event-loop turn carried more than the cap.
    const pad = 'x'.repeat(4096);
    let sent = 0;
    while (session.isOpen) {
      await Promise.all(Array.from({ length: 4 }, () => room.publish('row', { pad, n: ++sent })));
      expect(sent).toBeLessThan(50_000);
    }
    slow.current().resume();
    // The paused socket may still hold every message ahead of the close frame: wait for the
    // reconnect itself, not for the count, which can be complete before the 4008 is read.
    const reconnecting = (): Extract<ConnectionState, { status: 'reconnecting' }> | undefined =>
      slow.states.find((s): s is Extract<ConnectionState, { status: 'reconnecting' }> => s.status === 'reconnecting');
    await until(() => reconnecting() !== undefined, 10_000, 'the reconnect after 4008');
    expect(reconnecting()!.lastClose?.code).toBe(4008);
    expect(reconnecting()!.inMs).toBe(0);
    await until(() => slow.sockets.length === 2 && slow.client.state.status === 'open', 10_000, 'the new connection');
    // One more after the reconnect: the resumed room goes on with no gap and no duplicate.
    await room.publish('row', { n: ++sent });
    await until(() => rec.seqs.length === sent, 10_000, 'everything after the overflow');
    expect(rec.seqs).toEqual(oneTo(sent));
  });

  it('reports recovered:false as onReset("evicted") when the history window moved on, then goes on', async () => {
    await hub({ history: { maxMessages: 10 } });
    // The subscriber stays offline until the test lets getToken answer.
    let release: () => void = () => undefined;
    const released = new Promise<void>((r) => (release = r));
    let gated = false;
    const sub = client('alice', {
      getToken: async () => {
        if (gated) await released;
        return token(h.hub, { sub: 'alice' });
      },
    });
    const rec = recordSeqs(sub);
    const pub = client('bob');
    const room = pub.client.room('dash:1');
    await until(() => rec.handle.position !== null, 5000, 'subscribed');
    await room.publish('x', 1);
    await until(() => rec.seqs.length === 1, 5000, 'the first message');
    gated = true;
    sessionOf(h.core, sub.client).terminate();
    for (let i = 0; i < 30; i++) await room.publish('x', i);
    release();
    await until(() => rec.resets.length === 1, 10_000, 'the reset');
    expect(rec.resets).toEqual(['evicted']);
    expect(rec.handle.position).toEqual({ epoch: expect.any(String), seq: 31 });
    await room.publish('x', 'next');
    await until(() => rec.seqs.length === 2, 5000, 'the next message');
    expect(rec.seqs).toEqual([1, 32]);
  });

  it('keeps presence state across a reconnect: it is sent again and others see it', async () => {
    await hub();
    const a = client('alice');
    const b = client('bob');
    const ra = a.client.room('dash:1');
    const rb = b.client.room('dash:1');
    ra.setState({ view: 'w1' });
    await until(() => rb.members.some((m) => m.sub === 'alice' && m.state.view === 'w1'), 5000, 'alice seen');
    // Close the hub's presence coalescing window now (what its timer does): a join and a leave in
    // one window cancel out, and bob may know alice from his ack's member list already.
    h.core.presence.flush();
    const oldId = a.client.session!.clientId;
    sessionOf(h.core, a.client).terminate();
    await until(
      () => rb.members.some((m) => m.sub === 'alice' && m.clientId !== oldId && m.state.view === 'w1'),
      5000,
      'alice seen again with her state',
    );
    await until(() => !rb.members.some((m) => m.clientId === oldId), 5000, 'the old connection gone');
    // Alice's own list comes from her resubscribe ack and a later diff, on another socket than bob's.
    const subs = () => ra.members.map((m) => `${m.sub}:${m.clientId === oldId ? 'old' : 'new'}`).sort();
    await until(() => subs().join() === 'alice:new,bob:new', 5000, 'alice to see herself once, and bob');
    expect(subs()).toEqual(['alice:new', 'bob:new']);
  });
});
